/**
 * Programs that run other programs or wait on the virtual clock: the shells (`sh`, `dash`, `bash`),
 * `sleep`, `timeout`, `xargs` and `env`, as registered commands.
 */
import { signalStatus, sleepUntil, Task, waitUntil, type Signal } from '../../engine/proc/task';
import type { Ctx } from '../context';
import type { CommandSpec } from '../registry/types';
import { getopt, has, last, q, tryHelp } from '../fs/common';
import { setAwkShell } from '../text/awk';
import { isCommand, runArgv } from './dispatch';
import type { Co } from './expand';
import { runShellNow, shellProgram } from './sh';

// awk's system() and pipes run `sh -c CMD` in the same namespace and directory
setAwkShell(runShellNow);

/** A duration as sleep and timeout read it: a number (a fraction too) with s, m, h or d; milliseconds. */
export function parseDuration(s: string): number | null {
  const m = /^(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]]! * 1000;
}

/** sleep: suspends on the virtual clock; Ctrl+C ends it. */
function* sleep(ctx: Ctx, argv: string[]): Co<number> {
  const p = getopt(ctx, 'sleep', argv, { short: '' });
  if (p.operands.length === 0) {
    ctx.err.push(`sleep: missing operand\n${tryHelp('sleep')}`);
    return 1;
  }
  let ms = 0;
  for (const a of p.operands) {
    const d = parseDuration(a);
    if (d === null) {
      ctx.err.push(`sleep: invalid time interval ${q(a)}\n${tryHelp('sleep')}`);
      return 1;
    }
    ms += d;
  }
  yield sleepUntil(ctx.world.now + ms);
  return 0;
}

const SIG_NAMES: Record<string, Signal> = { INT: 'SIGINT', KILL: 'SIGKILL', TERM: 'SIGTERM', '2': 'SIGINT', '9': 'SIGKILL', '15': 'SIGTERM' };

/**
 * timeout: the command runs as a task of its own; when the duration passes on the virtual clock it
 * gets the signal (TERM unless -s), and timeout exits 124 (or -k's KILL later).
 */
function* timeout(ctx: Ctx, argv: string[]): Co<number> {
  // options stop at the duration: the command's own options are its own
  const first = argv.findIndex((a) => !a.startsWith('-') || a === '-');
  const optArgs: string[] = [];
  for (let i = 0; i < (first < 0 ? argv.length : first); i++) {
    optArgs.push(argv[i]);
    if ((argv[i] === '-s' || argv[i] === '-k' || argv[i] === '--signal' || argv[i] === '--kill-after') && i + 1 < argv.length) {
      optArgs.push(argv[++i]);
    }
  }
  const rest = argv.slice(optArgs.length);
  const p = getopt(ctx, 'timeout', optArgs, { short: 's:k:v', long: { signal: { as: 's', arg: true }, 'kill-after': { as: 'k', arg: true }, 'preserve-status': { as: 'p' }, foreground: { as: 'f' }, verbose: { as: 'v' } } }, 125);
  if (rest.length < 2) {
    ctx.err.push(tryHelp('timeout'));
    return 125;
  }
  const limit = parseDuration(rest[0]);
  if (limit === null) {
    ctx.err.push(`timeout: invalid time interval ${q(rest[0])}\n${tryHelp('timeout')}`);
    return 125;
  }
  const sigArg = last(p, 's');
  const sig: Signal | undefined = sigArg === undefined ? 'SIGTERM' : SIG_NAMES[sigArg.toUpperCase().replace(/^SIG/, '')];
  if (!sig) {
    ctx.err.push(`timeout: ${q(sigArg!)}: invalid signal\n${tryHelp('timeout')}`);
    return 125;
  }
  const killAfter = last(p, 'k') === undefined ? null : parseDuration(last(p, 'k')!);
  const cmd = rest.slice(1);
  if (!isCommand(cmd[0])) {
    ctx.err.push(`timeout: failed to run command ${q(cmd[0])}: No such file or directory\n`);
    return 127;
  }
  const parent = ctx.task;
  const trace = parent instanceof Task ? parent.trace : null;
  const child = ctx.world.tasks.spawn(ctx.ns, cmd[0], (task) => runArgv({ ...ctx, task }, cmd), { trace });
  const deadline = ctx.world.now + limit;
  let timedOut = false;
  while (!child.exited) {
    child.onExit(() => parent.wake());
    if (ctx.world.now >= deadline && !timedOut) {
      timedOut = true;
      child.signal(sig);
      if (!child.exited && killAfter !== null) {
        const killAt = ctx.world.now + killAfter;
        while (!child.exited && ctx.world.now < killAt) yield waitUntil(killAt);
        if (!child.exited) child.signal('SIGKILL');
      }
      continue;
    }
    yield waitUntil(timedOut ? Infinity : deadline);
  }
  if (timedOut) return has(p, 'p') ? (child.killedBy ? signalStatus(child.killedBy) : (child.exitCode ?? 0)) : sig === 'SIGKILL' ? 137 : 124;
  return child.killedBy ? signalStatus(child.killedBy) : (child.exitCode ?? 0);
}

/** xargs' reading of its input: blanks and newlines separate, quotes and backslashes escape. */
function xargsWords(text: string): string[] | { error: string } {
  const words: string[] = [];
  let w = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) return { error: `xargs: unmatched ${c === "'" ? 'single' : 'double'} quote; by default quotes are special to xargs unless you use the -0 option\n` };
      w += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '\\' && i + 1 < text.length) {
      w += text[++i];
      inWord = true;
    } else if (/[ \t\n]/.test(c)) {
      if (inWord) words.push(w);
      w = '';
      inWord = false;
    } else {
      w += c;
      inWord = true;
    }
  }
  if (inWord) words.push(w);
  return words;
}

/** xargs: builds command lines from its input (-n N per line, -I R to replace, -r none if empty). */
function* xargs(ctx: Ctx, argv: string[]): Co<number> {
  const cmdStart = argv.findIndex((a, i) => !a.startsWith('-') && !['-n', '-I', '-d', '-L', '-s', '-P', '-E'].includes(argv[i - 1] ?? ''));
  const p = getopt(ctx, 'xargs', cmdStart < 0 ? argv : argv.slice(0, cmdStart), {
    short: 'n:I:d:L:rt0s:P:E:',
    long: { 'max-args': { as: 'n', arg: true }, 'no-run-if-empty': { as: 'r' }, verbose: { as: 't' }, null: { as: '0' }, delimiter: { as: 'd', arg: true }, 'max-lines': { as: 'L', arg: true } },
  });
  const cmd = cmdStart < 0 ? ['echo'] : argv.slice(cmdStart);
  const text = ctx.stdin ?? '';
  const replace = last(p, 'I');
  let items: string[];
  if (has(p, '0')) items = text.split('\0').filter((s, i, a) => !(i === a.length - 1 && s === ''));
  else if (last(p, 'd') !== undefined) items = text.split(last(p, 'd')!.replace('\\n', '\n')).filter((s, i, a) => !(i === a.length - 1 && (s === '' || s === '\n')));
  else if (replace !== undefined) items = text.split('\n').map((l) => l.replace(/^[ \t]+/, '')).filter((l) => l !== '');
  else {
    const w = xargsWords(text);
    if ('error' in w) {
      ctx.err.push(w.error);
      return 1;
    }
    items = w;
  }
  const n = replace !== undefined ? 1 : last(p, 'n') !== undefined ? Math.max(1, Number(last(p, 'n'))) : last(p, 'L') !== undefined ? Math.max(1, Number(last(p, 'L'))) : Infinity;
  const batches: string[][] = [];
  for (let i = 0; i < items.length; i += n === Infinity ? Math.max(1, items.length) : n) batches.push(items.slice(i, n === Infinity ? items.length : i + n));
  if (batches.length === 0 && !has(p, 'r') && replace === undefined) batches.push([]);
  let status = 0;
  for (const batch of batches) {
    const line = replace !== undefined ? cmd.map((a) => a.split(replace).join(batch[0])) : [...cmd, ...batch];
    if (has(p, 't')) ctx.err.push(`${line.join(' ')}\n`);
    if (!isCommand(line[0])) {
      ctx.err.push(`xargs: ${line[0]}: No such file or directory\n`);
      return 127;
    }
    const code = yield* runArgv({ ...ctx, stdin: '' }, line);
    if (code === 255) {
      ctx.err.push(`xargs: ${line[0]}: exited with status 255; aborting\n`);
      return 124;
    }
    if (code > 128) return 125;
    if (code !== 0) status = 123;
  }
  return status;
}

/** env: print the environment, or run a command with variables set (-i: only those). */
function* env(ctx: Ctx, argv: string[]): Co<number> {
  let i = 0;
  let clear = false;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    if (argv[i] === '-i' || argv[i] === '--ignore-environment') clear = true;
    else if (argv[i] === '--') {
      i++;
      break;
    } else {
      getopt(ctx, 'env', [argv[i]], { short: 'i' }, 125);
    }
  }
  const vars: Record<string, string> = clear ? {} : { ...(ctx.env ?? {}) };
  for (; i < argv.length && /^[^=]+=/.test(argv[i]); i++) {
    const eq = argv[i].indexOf('=');
    vars[argv[i].slice(0, eq)] = argv[i].slice(eq + 1);
  }
  const cmd = argv.slice(i);
  if (cmd.length === 0) {
    ctx.out.push(
      Object.entries(vars)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return 0;
  }
  if (!isCommand(cmd[0])) {
    ctx.err.push(`env: ${q(cmd[0])}: No such file or directory\n`);
    return 127;
  }
  return yield* runArgv({ ...ctx, env: vars }, cmd);
}

const shell = (name: 'sh' | 'dash' | 'bash', summary: string): CommandSpec => ({ name, kind: 'read', summary, learn: name === 'bash' ? 'bash --help' : `man ${name}`, run: (ctx, argv) => shellProgram(name, ctx, argv) });

export const SHELL_COMMANDS: readonly CommandSpec[] = [
  shell('sh', "the POSIX shell (dash on Debian): sh -c 'commands', sh script.sh"),
  shell('dash', 'the Debian Almquist shell, which /bin/sh is'),
  shell('bash', "the GNU Bourne-Again shell: bash -c 'commands'"),
  { name: 'sleep', kind: 'read', summary: 'wait a number of seconds (on the simulation’s clock)', learn: 'sleep --help', run: sleep },
  { name: 'timeout', kind: 'read', summary: 'run a command, stopping it after a time (exit 124)', learn: 'timeout --help', run: timeout },
  { name: 'xargs', kind: 'read', summary: 'run a command with words read from its input as arguments', learn: 'xargs --help', run: xargs },
  { name: 'env', kind: 'read', summary: 'print the environment, or run a command with variables set', learn: 'env --help', run: env },
];

