/**
 * awk as Debian's /usr/bin/awk is: mawk 1.3.4 20200120. `-F fs`, `-v var=value`, `-f progfile`,
 * `--`, `-W version`; operands are files, `-` and `var=value` assignments; messages as mawk prints
 * them (`mawk: line 1: syntax error at or near }`, `mawk: cannot open x (No such file or directory)`).
 */
import { Exit, type Ctx } from '../../context';
import { cwdOf, strerror, view } from '../../fs/common';
import { AwkSyntaxError, unescape } from './lexer';
import { parseAwk } from './parser';
import { AwkBudgetExceeded, AwkMachine, AwkRuntimeError, AWK_STEP_BUDGET, type AwkHost } from './run';

const USAGE = `Usage: mawk [Options] [Program] [file ...]

Program:
    The -f option value is the name of a file containing program text.
    If no -f option is given, a "--" ends option processing; the following
    parameters are the program text.

Options:
    -f program-file  Program  text is read from file instead of from the
                     command-line.  Multiple -f options are accepted.
    -F value         sets the field separator, FS, to value.
    -v var=value     assigns value to program variable var.
    --               unambiguous end of options.

    Implementation-specific options are prefixed with "-W".  They can be
    abbreviated:

    -W version       show version information and exit.
    -W dump          show assembler-like listing of program and exit.
    -W help          show this message and exit.
    -W interactive   set unbuffered output, line-buffered input.
    -W exec file     use file as program as well as last option.
    -W random=number set initial random seed.
    -W sprintf=number adjust size of sprintf buffer.
    -W posix_space   do not consider "\\n" a space.
    -W usage         show this message and exit.
`;

const VERSION = `mawk 1.3.4 20200120
Copyright 2008-2019,2020, Thomas E. Dickey
Copyright 1991-1996,2014, Michael D. Brennan

random-funcs:       srandom/random
regex-funcs:        internal
compiled limits:
sprintf buffer      8192
maximum-integer     2147483647
`;

/** Runs a shell command for awk's system() and pipes (set by the shell, which owns running commands). */
export type AwkShell = (ctx: Ctx, cmd: string, input: string) => { stdout: string; status: number };
let runShellCommand: AwkShell = () => ({ stdout: '', status: 127 });
export function setAwkShell(fn: AwkShell): void {
  runShellCommand = fn;
}

export function awk(ctx: Ctx, argv: string[], name = 'awk'): void {
  const fail = (msg: string, code = 2): never => {
    ctx.err.push(msg);
    throw new Exit(code);
  };
  let fs: string | null = null;
  const assigns: [string, string][] = [];
  const progFiles: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const opt = a[1];
    const value = () => (a.length > 2 ? a.slice(2) : argv[++i]);
    if (opt === 'F') {
      const v = value();
      if (v === undefined) fail(`${name}: option requires an argument -- F\n${USAGE}`);
      fs = v === 't' ? 't' : unescape(v!);
    } else if (opt === 'v') {
      const v = value();
      const m = v === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(v);
      if (!m) fail(`${name}: improper assignment: -v ${v ?? ''}\n`);
      assigns.push([m![1], unescape(m![2])]);
    } else if (opt === 'f') {
      const v = value();
      if (v === undefined) fail(`${name}: option requires an argument -- f\n${USAGE}`);
      progFiles.push(v!);
    } else if (opt === 'W') {
      const w = value() ?? '';
      if ('version'.startsWith(w) && w) {
        const [first, ...rest] = VERSION.split('\n');
        ctx.out.push(`${first}\n`);
        ctx.err.push(rest.slice(3).join('\n'));
        ctx.out.push(rest.slice(0, 3).join('\n') + '\n');
        return;
      }
      if ('usage'.startsWith(w) || 'help'.startsWith(w)) {
        ctx.out.push(USAGE);
        return;
      }
    } else fail(`${name}: not an option: ${a}\n`);
  }
  let src: string;
  if (progFiles.length) {
    const parts: string[] = [];
    for (const f of progFiles) {
      const r = f === '-' ? { ok: true as const, value: ctx.stdin ?? '' } : view(ctx).readFile(f, cwdOf(ctx));
      if (!r.ok) fail(`${name}: couldn't open file ${f}: ${strerror(r.errno)}\n`);
      parts.push(r.ok ? r.value : '');
    }
    src = parts.join('\n');
  } else {
    if (i >= argv.length) {
      ctx.err.push(USAGE);
      return;
    }
    src = argv[i++];
  }
  let prog;
  try {
    prog = parseAwk(src);
  } catch (e) {
    if (!(e instanceof AwkSyntaxError)) throw e;
    fail((e.message.startsWith('unexpected character') ? `${name}: ${e.line}: ${e.message}\n` : `${name}: line ${e.line}: ${e.message}\n`) + e.more.map((m) => `${name}: ${m}\n`).join(''));
  }
  const files = view(ctx);
  const cwd = cwdOf(ctx);
  let stdinText: string | null = null;
  const out: string[] = [];
  const host: AwkHost = {
    readFile: (name) => {
      const r = files.readFile(name, cwd);
      return r.ok ? { ok: true, text: r.value } : { ok: false, msg: strerror(r.errno) };
    },
    openOut: (name, append) => {
      const h = files.openWrite(name, cwd, { append });
      if (!h.ok) return { ok: false, msg: strerror(h.errno) };
      return { ok: true, write: (s) => void h.value.write(s) };
    },
    shell: (cmd, input) => {
      ctx.out.push(out.splice(0).join(''));
      return runShellCommand(ctx, cmd, input);
    },
    stdout: (s) => out.push(s),
    stdin: () => {
      const t = stdinText ?? ctx.stdin ?? '';
      stdinText = '';
      return t;
    },
    environ: ctx.env ?? {},
  };
  const m = new AwkMachine(prog!, host, argv.slice(i), fs === null ? assigns : [['FS', fs], ...assigns]);
  let code: number;
  try {
    code = m.run();
  } catch (e) {
    ctx.out.push(out.join(''));
    if (e instanceof AwkBudgetExceeded) fail(`${name}: stopped by Hoplab after ${AWK_STEP_BUDGET.toLocaleString('en-US')} steps (an endless loop?)\n`);
    if (e instanceof AwkRuntimeError) {
      if (e.message.startsWith('cannot open')) fail(`${name}: ${e.message}\n`);
      fail(`${name}: run time error: ${e.message}\n${m.where()}\n`);
    }
    throw e;
  }
  ctx.out.push(out.join(''));
  if (code !== 0) throw new Exit(code);
}
