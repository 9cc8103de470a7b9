/**
 * Starting shells: a scenario step is `sh -c LINE` (dash, a fresh shell each time, the kernel
 * oracle's environment); a terminal is one interactive bash per host whose variables, functions
 * and working directory last from line to line; `sh`/`bash`/`dash` are also programs a line can
 * run (`ip netns exec pod1 sh -c '…'`, `sh script.sh`). Every shell is a coroutine of the job's task.
 */
import type { World } from '../../engine/world';
import type { Netns } from '../../engine/netns/netns';
import { nsFiles } from '../fs/machine';
import type { Ctx, Sink } from '../context';
import { BASH_BUILTINS, BUILTINS } from './builtins';
import { AbortLine, BudgetExceeded, Interp, STEP_BUDGET, type Budget, type JobContext } from './interp';
import { ExitShell } from './errors';
import { BufferOutput, EMPTY_INPUT, StringInput, type Fds, type Output } from './io';
import type { Dialect } from './lexer';
import { registryPrograms } from './program';
import { ShellState, STEP_ENV, TERMINAL_ENV } from './state';
import type { Co } from './expand';
import { reportDone } from './jobs';
import { driveNow } from './drive';

function interp(sh: ShellState, job: JobContext): Interp {
  const budget: Budget = { steps: 0, exceeded: false };
  return new Interp(sh, nsFiles(sh.world, sh.ns), registryPrograms, sh.dialect === 'bash' ? BASH_BUILTINS : BUILTINS, budget, job);
}

const shellName = (sh: ShellState) => (sh.dialect === 'bash' ? 'bash' : 'sh');

const BUDGET_NOTE = (sh: ShellState) =>
  `${shellName(sh)}: stopped by Hoplab: the command line ran ${STEP_BUDGET.toLocaleString('en-US')} shell steps without finishing (an endless loop?); a real shell would keep going until interrupted\n`;

/**
 * Run a script in a shell to its end: the status it exits with. Errors that end a shell (exit,
 * a fatal error, the step budget) end it here; an interactive shell abandons the line instead.
 */
export function* runShell(sh: ShellState, src: string, fds: Fds, job: JobContext): Co<number> {
  const it = interp(sh, job);
  let status: number;
  try {
    // a line typed at a terminal ends in a newline: bash reads `echo >` as "unexpected token `newline'"
    status = yield* it.runScript(sh.interactive ? `${src}\n` : src, fds);
  } catch (e) {
    if (e instanceof ExitShell) status = e.status;
    else if (e instanceof AbortLine) status = e.status;
    else if (e instanceof BudgetExceeded) {
      it.write(fds, 2, BUDGET_NOTE(sh));
      status = 130;
    } else if (e instanceof RangeError) {
      // the browser's stack ran out before a real shell would (deeply nested substitutions)
      it.write(fds, 2, `${shellName(sh)}: stopped by Hoplab: commands nested too deeply\n`);
      status = 2;
    } else throw e;
  }
  sh.status = status;
  if (sh.exitTrap !== null && !sh.interactive) {
    const trap = sh.exitTrap;
    sh.exitTrap = null;
    try {
      yield* interp(sh, job).runScript(trap, fds);
    } catch (e) {
      if (!(e instanceof ExitShell || e instanceof AbortLine || e instanceof BudgetExceeded)) throw e;
    }
  }
  return status;
}

const sessions = new WeakMap<World, Map<string, ShellState>>();

/** The interactive bash of a host's terminal, made on first use. */
export function terminalShell(world: World, ns: Netns): ShellState {
  let byHost = sessions.get(world);
  if (!byHost) {
    byHost = new Map();
    sessions.set(world, byHost);
  }
  let sh = byHost.get(ns.name);
  if (!sh || sh.ns !== ns) {
    sh = new ShellState(world, ns, 'bash', true, { ...TERMINAL_ENV, HOSTNAME: ns.hostname }, world.nextPid());
    sh.cwd = '/root';
    sh.setVar('PWD', '/root', { export: true });
    byHost.set(ns.name, sh);
  }
  return sh;
}

/** The shell a scenario step runs in: `sh -c LINE` as the oracle runs it (HOME=/, in /). */
export function stepShell(world: World, ns: Netns): ShellState {
  const sh = new ShellState(world, ns, 'sh', false, STEP_ENV, world.nextPid());
  sh.setVar('PWD', '/', { export: true });
  return sh;
}

/** Output that goes into a command's sink (a shell writing to its job's stdout, or a caller's). */
export const sinkOutput = (sink: Sink, tty = false): Output => ({
  tty,
  write: (data) => {
    sink.push(data);
    return null;
  },
});

/**
 * A command line as a job runs it: in a fresh `sh -c` (scenario steps) or the host terminal's bash.
 * `stdin` is what the line reads on its standard input (none: /dev/null).
 */
export function* runShellLine(ctx: Ctx, line: string, stdin?: string): Co<number> {
  const sh = ctx.shell === 'sh' ? stepShell(ctx.world, ctx.ns) : terminalShell(ctx.world, ctx.ns);
  // a terminal's bash writes to the terminal; a step's sh -c to a pipe
  const tty = ctx.shell === 'bash';
  const out = sinkOutput(ctx.out, tty);
  const err = ctx.err === ctx.out ? out : sinkOutput(ctx.err, tty);
  const fds: Fds = [{ in: stdin === undefined ? EMPTY_INPUT : new StringInput(stdin) }, { out }, { out: err }];
  // background jobs started earlier write to whatever line the terminal runs now
  sh.tty = err;
  const status = yield* runShell(sh, line, fds, { task: ctx.task, effects: ctx.effects });
  if (sh.interactive) err.write(reportDone(sh));
  return status;
}

const USAGE_SH = (name: string) => `${name}: 0: Illegal option -`;

/**
 * `sh`, `dash` and `bash` as programs: `-c STRING [NAME [ARG…]]`, a script file, or commands on
 * standard input. They get the caller's environment and working directory.
 */
export function* shellProgram(name: 'sh' | 'dash' | 'bash', ctx: Ctx, argv: string[]): Co<number> {
  const dialect: Dialect = name === 'bash' ? 'bash' : 'sh';
  let i = 0;
  let command: string | null = null;
  const opts: string[] = [];
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (!/^[-+]/.test(a)) break;
    if (a === '-c') {
      command = '';
      continue;
    }
    if (/^-[eufxC]+$/.test(a)) opts.push(a);
    else {
      ctx.err.push(name === 'bash' ? `bash: ${a}: invalid option\n` : `${USAGE_SH(name)}${a.slice(1)}\n`);
      return 2;
    }
  }
  let script: string;
  let arg0: string = name;
  let args: string[] = [];
  if (command !== null) {
    if (i >= argv.length) {
      ctx.err.push(name === 'bash' ? 'bash: -c: option requires an argument\n' : `${name}: 0: -c requires an argument\n`);
      return 2;
    }
    script = argv[i];
    if (i + 1 < argv.length) arg0 = argv[i + 1];
    args = argv.slice(i + 2);
  } else if (i < argv.length) {
    const file = argv[i];
    const text = nsFiles(ctx.world, ctx.ns).readFile(file, ctx.cwd ?? '/');
    if (!text.ok) {
      ctx.err.push(name === 'bash' ? `bash: ${file}: No such file or directory\n` : `${name}: 0: cannot open ${file}: No such file\n`);
      return name === 'bash' ? 127 : 2;
    }
    script = text.value;
    arg0 = file;
    args = argv.slice(i + 1);
  } else script = ctx.stdin ?? '';
  const sh = new ShellState(ctx.world, ctx.ns, dialect, false, ctx.env ?? STEP_ENV, ctx.world.nextPid());
  sh.arg0 = arg0;
  sh.positional = args;
  sh.cwd = ctx.cwd ?? '/';
  sh.setVar('PWD', sh.cwd, { export: true });
  for (const o of opts)
    for (const f of o.slice(1)) {
      if (f === 'e') sh.opts.errexit = true;
      if (f === 'u') sh.opts.nounset = true;
      if (f === 'f') sh.opts.noglob = true;
      if (f === 'x') sh.opts.xtrace = true;
      if (f === 'C') sh.opts.noclobber = true;
    }
  const out = sinkOutput(ctx.out, ctx.tty === true);
  const readsScriptFromStdin = command === null && i >= argv.length;
  const input = readsScriptFromStdin ? EMPTY_INPUT : { readAll: () => ctx.stdin ?? '', readLine: lazyLines(ctx) };
  const fds: Fds = [{ in: input }, { out }, { out: ctx.err === ctx.out ? out : sinkOutput(ctx.err) }];
  return yield* runShell(sh, script, fds, { task: ctx.task, effects: ctx.effects });
}

/** Lines of the caller's standard input, read when first asked for. */
function lazyLines(ctx: Ctx): () => { line: string; sawNewline: boolean } | null {
  let input: StringInput | null = null;
  return () => (input ??= new StringInput(ctx.stdin ?? '')).readLine();
}

/** Run a shell command to its end right now (awk's system() and pipes), driving the world while it waits. */
export function runShellNow(ctx: Ctx, cmd: string, input: string): { stdout: string; status: number } {
  const sh = new ShellState(ctx.world, ctx.ns, 'sh', false, ctx.env ?? STEP_ENV, ctx.world.nextPid());
  sh.cwd = ctx.cwd ?? '/';
  const out = new BufferOutput();
  const fds: Fds = [{ in: new StringInput(input) }, { out }, { out: sinkOutput(ctx.err) }];
  const status = driveNow(ctx.world, (task) => runShell(sh, cmd, fds, { task, effects: ctx.effects }));
  return { stdout: out.text(), status };
}
