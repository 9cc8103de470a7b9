/**
 * The shell's builtins, with dash's and bash's words for their errors. Special builtins (POSIX's
 * list: their assignments stay, their errors end a script) are kept apart from regular ones.
 */
import { strerror } from '../../engine/fs';
import { ExitShell, LoopControl, ReturnFromFunction, ShellError } from './errors';
import { dashEcho, gnuEcho } from './echo';
import { AbortLine, type Builtin, type BuiltinTable, type Interp } from './interp';
import type { Fds } from './io';
import type { Co } from './expand';
import { printfFormat } from './printf';
import { testExpr, TestError } from './testcmd';
import { jobBuiltins } from './jobs';

/** Write to stdout; a failed write is reported as each shell reports it, and makes the status 1. */
export function out(it: Interp, fds: Fds, name: string, data: string): boolean {
  if (data === '') return true;
  const o = fds[1]?.out;
  const e = o ? o.write(data) : 'EBADF';
  if (e === null) return true;
  it.complain(fds, `${name}: ${name}: I/O error`, `${name}: write error: ${strerror(e)}`);
  return false;
}

/** A builtin's own complaint: `sh: 1: cd: …` / `bash: cd: …`. */
const complain = (it: Interp, fds: Fds, name: string, dash: string, bash: string) => it.complain(fds, `${name}: ${dash}`, `${name}: ${bash}`);

/** A count argument (shift, exit, break): dash wants a non-negative number. */
function count(it: Interp, fds: Fds, name: string, arg: string | undefined, dflt: number): number | null {
  if (arg === undefined) return dflt;
  if (/^\d+$/.test(arg)) return Number(arg);
  if (it.sh.dialect === 'bash') {
    complain(it, fds, name, '', `${arg}: numeric argument required`);
    return null;
  }
  throw new ShellError(`${name}: Illegal number: ${arg}`, '');
}

const colon: Builtin = function* () {
  return 0;
};

const loopControl = (kind: 'break' | 'continue'): Builtin =>
  function* (it, argv, fds) {
    const n = count(it, fds, kind, argv[1], 1);
    if (n === null) return 1;
    if (n === 0) {
      if (it.sh.dialect === 'bash') {
        complain(it, fds, kind, '', `${argv[1]}: loop count out of range`);
        return 1;
      }
      throw new ShellError(`${kind}: Illegal number: ${argv[1]}`, '');
    }
    if (it.sh.loops === 0) {
      if (it.sh.dialect === 'bash') complain(it, fds, kind, '', "only meaningful in a `for', `while', or `until' loop");
      return 0;
    }
    throw new LoopControl(kind, Math.min(n, it.sh.loops));
  };

function* exit(it: Interp, argv: string[], fds: Fds): Co<number> {
  if (it.sh.dialect === 'bash' && it.sh.interactive && !it.sh.subshell) it.write(fds, 2, 'exit\n');
  const arg = argv[1];
  if (arg !== undefined && !/^-?\d+$/.test(arg)) {
    if (it.sh.dialect === 'bash') {
      complain(it, fds, 'exit', '', `${arg}: numeric argument required`);
      throw new ExitShell(2);
    }
    throw new ShellError(`exit: Illegal number: ${arg}`, '');
  }
  if (arg !== undefined && arg.startsWith('-') && it.sh.dialect === 'sh') throw new ShellError(`exit: Illegal number: ${arg}`, '');
  throw new ExitShell(arg === undefined ? it.sh.status : ((Number(arg) % 256) + 256) % 256);
}

function* ret(it: Interp, argv: string[], fds: Fds): Co<number> {
  const arg = argv[1];
  if (arg !== undefined && !/^-?\d+$/.test(arg)) {
    if (it.sh.dialect === 'bash') {
      complain(it, fds, 'return', '', `${arg}: numeric argument required`);
      throw new ReturnFromFunction(2);
    }
    throw new ShellError(`return: Illegal number: ${arg}`, '');
  }
  const status = arg === undefined ? it.sh.status : ((Number(arg) % 256) + 256) % 256;
  if (it.sh.funcDepth === 0 && it.sh.dialect === 'bash') {
    complain(it, fds, 'return', '', "can only `return' from a function or sourced script");
    return 2;
  }
  // dash: a return outside a function ends the script
  if (it.sh.funcDepth === 0) throw new ExitShell(status);
  throw new ReturnFromFunction(status);
}

function* shift(it: Interp, argv: string[], fds: Fds): Co<number> {
  const n = count(it, fds, 'shift', argv[1], 1);
  if (n === null) return 1;
  if (n > it.sh.positional.length) {
    if (it.sh.dialect === 'bash') return 1;
    throw new ShellError("shift: can't shift that many", '');
  }
  it.sh.positional = it.sh.positional.slice(n);
  return 0;
}

/** How `export -p` / `set` quote a value: dash always in '…', bash only when needed, with "…" for `export -p`. */
function quoteValue(it: Interp, v: string, forExport: boolean): string {
  if (it.sh.dialect === 'sh') return `'${v.replace(/'/g, "'\\''")}'`;
  if (forExport) return `"${v.replace(/(["\\$`])/g, '\\$1')}"`;
  return /^[\w@%+=:,./-]*$/.test(v) && v !== '' ? v : `'${v.replace(/'/g, "'\\''")}'`;
}

const declare = (kind: 'export' | 'readonly'): Builtin =>
  function* (it, argv, fds) {
    const sh = it.sh;
    const args = argv.slice(1).filter((a, i) => !(i === 0 && (a === '-p' || a === '--')));
    if (args.length === 0) {
      const names = [...sh.vars.keys()].filter((n) => (kind === 'export' ? sh.vars.get(n)!.exported : sh.vars.get(n)!.readonly)).sort();
      const prefix = sh.dialect === 'bash' ? (kind === 'export' ? 'declare -x' : 'declare -r') : kind;
      const lines = names.map((n) => {
        const v = sh.vars.get(n)!.value;
        return v === undefined ? `${prefix} ${n}\n` : `${prefix} ${n}=${quoteValue(it, v, true)}\n`;
      });
      return out(it, fds, kind, lines.join('')) ? 0 : 1;
    }
    let status = 0;
    for (const a of args) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!it.isName(name)) {
        if (sh.dialect === 'sh') throw new ShellError(`${kind}: ${name}: bad variable name`, '');
        complain(it, fds, kind, '', `\`${a}': not a valid identifier`);
        status = 1;
        continue;
      }
      const v = sh.vars.get(name);
      if (eq >= 0) {
        if (v?.readonly) throw new ShellError(`${name}: is read only`, `${name}: readonly variable`, 1, sh.dialect === 'sh');
        sh.setVar(name, a.slice(eq + 1));
      } else if (!v) sh.vars.set(name, { value: undefined, exported: false, readonly: false });
      const entry = sh.vars.get(name)!;
      if (kind === 'export') entry.exported = true;
      else entry.readonly = true;
    }
    return status;
  };

function* unset(it: Interp, argv: string[], fds: Fds): Co<number> {
  let funcs = false;
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    if (argv[i] === '--') {
      i++;
      break;
    }
    for (const f of argv[i].slice(1)) {
      if (f === 'f') funcs = true;
      else if (f !== 'v') {
        if (it.sh.dialect === 'sh') throw new ShellError(`unset: Illegal option -${f}`, '');
        complain(it, fds, 'unset', '', `-${f}: invalid option\nunset: usage: unset [-f] [-v] [-n] [name ...]`);
        return 2;
      }
    }
  }
  let status = 0;
  for (const name of argv.slice(i)) {
    if (funcs) {
      it.sh.funcs.delete(name);
      continue;
    }
    if (!it.sh.unset(name)) {
      if (it.sh.dialect === 'sh') throw new ShellError(`unset: ${name}: is read only`, '');
      complain(it, fds, 'unset', '', `${name}: cannot unset: readonly variable`);
      status = 1;
    } else if (!it.sh.vars.has(name)) it.sh.funcs.delete(name);
  }
  return status;
}

const OPTION_NAMES: [string, keyof Interp['sh']['opts'], string][] = [
  ['errexit', 'errexit', 'e'],
  ['noglob', 'noglob', 'f'],
  ['nounset', 'nounset', 'u'],
  ['xtrace', 'xtrace', 'x'],
  ['noclobber', 'noclobber', 'C'],
  ['noexec', 'noexec', 'n'],
];

function* set(it: Interp, argv: string[], fds: Fds): Co<number> {
  const sh = it.sh;
  if (argv.length === 1) {
    const lines = [...sh.vars.keys()]
      .filter((n) => sh.vars.get(n)!.value !== undefined)
      .sort()
      .map((n) => `${n}=${quoteValue(it, sh.vars.get(n)!.value!, false)}\n`);
    return out(it, fds, 'set', lines.join('')) ? 0 : 1;
  }
  let i = 1;
  const bad = (f: string) => {
    if (sh.dialect === 'sh') throw new ShellError(`set: Illegal option ${f}`, '');
    complain(it, fds, 'set', '', `${f}: invalid option\nset: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]`);
    return 2;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      sh.positional = argv.slice(i);
      return 0;
    }
    if (!/^[-+]/.test(a) || a === '-' || a === '+') break;
    const on = a[0] === '-';
    if (a.slice(1) === 'o') {
      const name = argv[++i];
      if (name === undefined) {
        const lines = OPTION_NAMES.map(([n, k]) => (sh.dialect === 'sh' ? `${n.padEnd(16)}${sh.opts[k] ? 'on' : 'off'}\n` : `${n.padEnd(15)}\t${sh.opts[k] ? 'on' : 'off'}\n`));
        return out(it, fds, 'set', (sh.dialect === 'sh' ? 'Current option settings\n' : '') + lines.join('')) ? 0 : 1;
      }
      const opt = OPTION_NAMES.find(([n]) => n === name);
      if (!opt) {
        if (sh.dialect === 'sh') throw new ShellError(`set: Illegal option -o ${name}`, '');
        complain(it, fds, 'set', '', `${name}: invalid option name`);
        return 2;
      }
      sh.opts[opt[1]] = on;
      continue;
    }
    for (const f of a.slice(1)) {
      const opt = OPTION_NAMES.find(([, , c]) => c === f);
      if (!opt) return bad(`${a[0]}${f}`);
      sh.opts[opt[1]] = on;
    }
  }
  if (i < argv.length) sh.positional = argv.slice(i);
  return 0;
}

function* evalBuiltin(it: Interp, argv: string[], fds: Fds): Co<number> {
  const src = argv.slice(1).join(' ');
  return src.trim() === '' ? 0 : yield* it.runScript(src, fds, 'eval: ', it.sh.line);
}

function* dot(it: Interp, argv: string[], fds: Fds): Co<number> {
  const file = argv[1];
  if (file === undefined) {
    if (it.sh.dialect === 'sh') return 0;
    complain(it, fds, argv[0], '', 'filename argument required\n.: usage: . filename [arguments]');
    return 2;
  }
  const text = it.fs.readFile(file, it.sh.cwd);
  if (!text.ok) {
    if (it.sh.dialect === 'sh') throw new ShellError(`.: cannot open ${file}: ${text.errno === 'ENOENT' || text.errno === 'ENOTDIR' ? 'No such file' : strerror(text.errno)}`, '');
    it.complain(fds, '', `${file}: ${strerror(text.errno)}`);
    return 1;
  }
  try {
    return yield* it.runScript(text.value, fds);
  } catch (e) {
    if (e instanceof ReturnFromFunction) return e.status;
    throw e;
  }
}

function* exec(it: Interp, argv: string[], fds: Fds): Co<number> {
  if (argv.length === 1) return 0;
  const status = yield* it.command(argv.slice(1), fds, [], true);
  throw new ExitShell(status);
}

function* trap(it: Interp, argv: string[]): Co<number> {
  if (argv.length >= 3) for (const sig of argv.slice(2)) if (sig === 'EXIT' || sig === '0') it.sh.exitTrap = argv[1] === '-' ? null : argv[1];
  return 0;
}

function* cd(it: Interp, argv: string[], fds: Fds): Co<number> {
  const sh = it.sh;
  const args = argv.slice(1).filter((a, i) => !(i === 0 && (a === '-L' || a === '-P' || a === '--')));
  if (args.length > 1 && sh.dialect === 'bash') {
    complain(it, fds, 'cd', '', 'too many arguments');
    return 1;
  }
  let target: string | undefined = args[0];
  let print = false;
  if (target === undefined) {
    target = sh.get('HOME');
    if (target === undefined) {
      complain(it, fds, 'cd', 'HOME not set', 'HOME not set');
      return sh.dialect === 'sh' ? 2 : 1;
    }
  } else if (target === '-') {
    target = sh.get('OLDPWD') ?? sh.cwd;
    print = true;
  }
  const st = it.fs.stat(target, sh.cwd);
  const real = it.fs.realpath(target, sh.cwd);
  if (!st.ok || st.value.kind !== 'dir' || !real.ok) {
    const errno = !st.ok ? st.errno : 'ENOTDIR';
    complain(it, fds, 'cd', `can't cd to ${target}`, `${target}: ${strerror(errno)}`);
    return sh.dialect === 'sh' ? 2 : 1;
  }
  sh.setVar('OLDPWD', sh.cwd);
  sh.cwd = real.value;
  sh.setVar('PWD', sh.cwd);
  if (print) out(it, fds, 'cd', `${sh.cwd}\n`);
  return 0;
}

function* pwd(it: Interp, argv: string[], fds: Fds): Co<number> {
  const bad = argv.slice(1).find((a) => a.startsWith('-') && a !== '-L' && a !== '-P' && a !== '--');
  if (bad) {
    if (it.sh.dialect === 'sh') throw new ShellError(`pwd: Illegal option ${bad.slice(0, 2)}`, '', 2, false);
    complain(it, fds, 'pwd', '', `${bad.slice(0, 2)}: invalid option\npwd: usage: pwd [-LP]`);
    return 2;
  }
  return out(it, fds, 'pwd', `${it.sh.cwd}\n`) ? 0 : 1;
}

function* echo(it: Interp, argv: string[], fds: Fds): Co<number> {
  const text = it.sh.dialect === 'sh' ? dashEcho(argv.slice(1)) : gnuEcho(argv.slice(1));
  return out(it, fds, 'echo', text) ? 0 : 1;
}

function* printf(it: Interp, argv: string[], fds: Fds): Co<number> {
  if (argv.length < 2) {
    complain(it, fds, 'printf', 'usage: printf format [arg ...]', 'usage: printf [-v var] format [arguments]');
    return 2;
  }
  const r = printfFormat(argv[1], argv.slice(2), it.sh.dialect);
  for (const e of r.errors) complain(it, fds, 'printf', e.dash, e.bash);
  if (r.fatal) return r.status;
  return out(it, fds, 'printf', r.output) ? r.status : 1;
}

function* test(it: Interp, argv: string[], fds: Fds): Co<number> {
  const name = argv[0];
  let args = argv.slice(1);
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      complain(it, fds, '[', 'missing ]', "missing `]'");
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return testExpr(args, it.fs, it.sh.cwd) ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TestError)) throw e;
    complain(it, fds, name, e.dash, e.bash);
    return 2;
  }
}

function* read(it: Interp, argv: string[], fds: Fds): Co<number> {
  let raw = false;
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    if (argv[i] === '-r') raw = true;
    else if (argv[i] === '-p') i++;
    else if (argv[i] === '--') {
      i++;
      break;
    }
  }
  const names = argv.slice(i);
  if (names.length === 0 && it.sh.dialect === 'sh') throw new ShellError('read: arg count', '');
  const input = fds[0]?.in;
  let line = '';
  let eof = true;
  for (;;) {
    const r = input?.readLine() ?? null;
    if (r === null) break;
    eof = !r.sawNewline;
    if (!raw && r.line.endsWith('\\') && !/\\\\$/.test(r.line.replace(/\\\\/g, '')) && r.sawNewline) {
      line += r.line.slice(0, -1);
      continue;
    }
    line += r.line;
    break;
  }
  if (!raw) line = line.replace(/\\(.)/g, '$1').replace(/\\$/, '');
  const targets = names.length ? names : ['REPLY'];
  const ifs = it.sh.get('IFS') ?? ' \t\n';
  const blanks = [...ifs].filter((c) => c === ' ' || c === '\t' || c === '\n').join('');
  const trim = (s: string) => {
    let a = 0;
    let b = s.length;
    while (a < b && blanks.includes(s[a])) a++;
    while (b > a && blanks.includes(s[b - 1])) b--;
    return s.slice(a, b);
  };
  let rest = names.length ? trim(line) : line;
  for (let k = 0; k < targets.length; k++) {
    let value: string;
    if (k === targets.length - 1) value = rest;
    else {
      let j = 0;
      while (j < rest.length && !ifs.includes(rest[j])) j++;
      value = rest.slice(0, j);
      rest = rest.slice(j);
      // one delimiter: blanks around it, or a single non-blank IFS character
      let m = 0;
      while (m < rest.length && blanks.includes(rest[m])) m++;
      if (m < rest.length && ifs.includes(rest[m]) && !blanks.includes(rest[m])) {
        m++;
        while (m < rest.length && blanks.includes(rest[m])) m++;
      }
      rest = rest.slice(m);
    }
    if (!it.sh.setVar(targets[k], value)) throw new ShellError(`${targets[k]}: is read only`, `${targets[k]}: readonly variable`, 1, it.sh.dialect === 'sh');
  }
  return eof ? 1 : 0;
}

function* local(it: Interp, argv: string[], fds: Fds): Co<number> {
  if (!it.locals) {
    if (it.sh.dialect === 'sh') throw new ShellError('local: not in a function', '');
    complain(it, fds, 'local', '', 'can only be used in a function');
    return 1;
  }
  for (const a of argv.slice(1)) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!it.locals.has(name)) {
      const old = it.sh.vars.get(name);
      it.locals.set(name, old ? { ...old } : undefined);
    }
    if (eq >= 0) it.sh.setVar(name, a.slice(eq + 1));
    else if (!it.sh.vars.has(name)) it.sh.vars.set(name, { value: undefined, exported: false, readonly: false });
  }
  return 0;
}

/** Where each program lives on a Debian machine (for `type`, `command -v` and `which`). */
const SBIN = new Set(['ip', 'traceroute', 'sysctl', 'bridge', 'iptables', 'iptables-save', 'iptables-restore', 'conntrack', 'dnsmasq']);
export const programPath = (name: string): string => `/usr/${SBIN.has(name) ? 'sbin' : 'bin'}/${name}`;

function* type(it: Interp, argv: string[], fds: Fds): Co<number> {
  let status = 0;
  let text = '';
  for (const name of argv.slice(1)) {
    if (it.sh.funcs.has(name)) text += `${name} is a shell function\n`;
    else if (it.builtins.special[name]) text += `${name} is a special shell builtin\n`;
    else if (it.builtins.regular[name]) text += `${name} is a shell builtin\n`;
    else if (it.findProgram(name)) text += `${name} is ${name.includes('/') ? name : programPath(name)}\n`;
    else {
      status = it.sh.dialect === 'sh' ? 127 : 1;
      if (it.sh.dialect === 'sh') text += `${name}: not found\n`;
      else {
        out(it, fds, 'type', text);
        text = '';
        complain(it, fds, 'type', '', `${name}: not found`);
      }
    }
  }
  return out(it, fds, 'type', text) ? status : 1;
}

function* command(it: Interp, argv: string[], fds: Fds): Co<number> {
  const args = argv.slice(1);
  if (args[0] === '-v' || args[0] === '-V') {
    let status = 0;
    let text = '';
    for (const name of args.slice(1)) {
      if (it.sh.funcs.has(name) || it.builtins.special[name] || it.builtins.regular[name]) text += `${name}\n`;
      else if (it.findProgram(name)) text += `${name.includes('/') ? name : programPath(name)}\n`;
      else status = 127;
    }
    return out(it, fds, 'command', text) ? (it.sh.dialect === 'bash' && status ? 1 : status) : 1;
  }
  if (args.length === 0) return 0;
  return yield* it.command(args, fds, [], true);
}

function* umask(it: Interp, argv: string[], fds: Fds): Co<number> {
  if (argv.length === 1) return out(it, fds, 'umask', `${it.sh.umask.toString(8).padStart(4, '0')}\n`) ? 0 : 1;
  if (/^[0-7]{1,4}$/.test(argv[1])) it.sh.umask = parseInt(argv[1], 8);
  return 0;
}

function* trueBuiltin() {
  return 0;
}
function* falseBuiltin() {
  return 1;
}

export const BUILTINS: BuiltinTable = {
  special: {
    ':': colon,
    '.': dot,
    break: loopControl('break'),
    continue: loopControl('continue'),
    eval: evalBuiltin,
    exec,
    exit,
    export: declare('export'),
    readonly: declare('readonly'),
    return: ret,
    set,
    shift,
    trap,
    unset,
  },
  regular: {
    cd,
    pwd,
    echo,
    printf,
    test,
    '[': test,
    true: trueBuiltin,
    false: falseBuiltin,
    read,
    local,
    type,
    command,
    umask,
    ...jobBuiltins,
  },
};

/** bash's extra builtins (`source`, `let` and friends are not in dash). */
export const BASH_BUILTINS: BuiltinTable = {
  special: { ...BUILTINS.special, source: dot },
  regular: { ...BUILTINS.regular },
};

export { AbortLine };
