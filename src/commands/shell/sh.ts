/**
 * Starting shells: a scenario step is `sh -c LINE` (dash, a fresh shell each time, the kernel
 * oracle's environment); a terminal is one interactive bash per host whose variables, functions
 * and working directory last from line to line; `sh`/`bash`/`dash` are also programs a line can
 * run (`ip netns exec pod1 sh -c '…'`, `sh script.sh`).
 */
import type { World } from '../../engine/world';
import type { Netns } from '../../engine/netns/netns';
import { filesOf } from '../../engine/fs';
import { Exit, type Ctx } from '../context';
import { BASH_BUILTINS, BUILTINS } from './builtins';
import { AbortLine, BudgetExceeded, Interp, STEP_BUDGET, type Budget } from './interp';
import { ExitShell } from './errors';
import { BufferOutput, EMPTY_INPUT, StringInput, type Fds, type Output } from './io';
import type { Dialect } from './lexer';
import { registryPrograms } from './program';
import { ShellState, STEP_ENV, TERMINAL_ENV } from './state';
import type { Co } from './expand';
import { setAwkShell } from '../text/awk';

export interface ShellRun {
  stdout: string;
  stderr: string;
  exit: number;
}

/** Drive a shell coroutine to its end (commands finish at once until they run on the virtual clock). */
export function runToEnd<T>(co: Co<T>): T {
  for (;;) {
    const r = co.next();
    if (r.done) return r.value;
  }
}

function interp(sh: ShellState): Interp {
  const budget: Budget = { steps: 0, exceeded: false };
  return new Interp(sh, filesOf(sh.world).view(sh.ns), registryPrograms, sh.dialect === 'bash' ? BASH_BUILTINS : BUILTINS, budget);
}

const BUDGET_NOTE = (sh: ShellState) =>
  `${sh.dialect === 'bash' ? 'bash' : 'sh'}: stopped by Hoplab: the command line ran ${STEP_BUDGET.toLocaleString('en-US')} shell steps without finishing (an endless loop?); a real shell would keep going until interrupted\n`;

/**
 * Run a script in a shell to its end: the status it exits with. Errors that end a shell (exit,
 * a fatal error, the step budget) end it here; an interactive shell abandons the line instead.
 */
export function* runShell(sh: ShellState, src: string, fds: Fds): Co<number> {
  const it = interp(sh);
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
      it.write(fds, 2, `${sh.dialect === 'bash' ? 'bash' : 'sh'}: stopped by Hoplab: commands nested too deeply\n`);
      status = 2;
    } else throw e;
  }
  sh.status = status;
  if (sh.exitTrap !== null && !sh.interactive) {
    const trap = sh.exitTrap;
    sh.exitTrap = null;
    try {
      yield* interp(sh).runScript(trap, fds);
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

/** Run a command line: in a fresh `sh -c` (dialect sh) or in the host's terminal bash. */
export function runLine(world: World, ns: Netns, line: string, dialect: Dialect, stdin?: string): ShellRun {
  const sh = dialect === 'sh' ? stepShell(world, ns) : terminalShell(world, ns);
  // a terminal's bash writes to the terminal; a step's sh -c to a pipe
  const stdout = new BufferOutput(undefined, dialect === 'bash');
  const stderr = new BufferOutput(undefined, dialect === 'bash');
  const fds: Fds = [{ in: stdin === undefined ? EMPTY_INPUT : new StringInput(stdin) }, { out: stdout }, { out: stderr }];
  const exit = runToEnd(runShell(sh, line, fds));
  return { stdout: stdout.text(), stderr: stderr.text(), exit };
}

/** Output that goes into a command's sink (a nested shell writing to its caller's stdout). */
const sinkOutput = (sink: string[]): Output => ({
  write: (data) => {
    sink.push(data);
    return null;
  },
});

const USAGE_SH = (name: string) => `${name}: 0: Illegal option -`;

/**
 * `sh`, `dash` and `bash` as programs: `-c STRING [NAME [ARG…]]`, a script file, or commands on
 * standard input. They get the caller's environment and working directory.
 */
export function shellProgram(name: 'sh' | 'dash' | 'bash') {
  return (ctx: Ctx, argv: string[]): void => {
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
        throw new Exit(2);
      }
    }
    let script: string;
    let arg0: string = name;
    let args: string[] = [];
    if (command !== null) {
      if (i >= argv.length) {
        ctx.err.push(name === 'bash' ? 'bash: -c: option requires an argument\n' : `${name}: 0: -c requires an argument\n`);
        throw new Exit(2);
      }
      script = argv[i];
      if (i + 1 < argv.length) arg0 = argv[i + 1];
      args = argv.slice(i + 2);
    } else if (i < argv.length) {
      const file = argv[i];
      const text = filesOf(ctx.world).view(ctx.ns).readFile(file, ctx.cwd ?? '/');
      if (!text.ok) {
        ctx.err.push(name === 'bash' ? `bash: ${file}: No such file or directory\n` : `${name}: 0: cannot open ${file}: No such file\n`);
        throw new Exit(name === 'bash' ? 127 : 2);
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
    for (const o of opts) for (const f of o.slice(1)) {
      if (f === 'e') sh.opts.errexit = true;
      if (f === 'u') sh.opts.nounset = true;
      if (f === 'f') sh.opts.noglob = true;
      if (f === 'x') sh.opts.xtrace = true;
      if (f === 'C') sh.opts.noclobber = true;
    }
    const same = ctx.out === ctx.err;
    const out = sinkOutput(ctx.out);
    const fds: Fds = [{ in: command !== null || i < argv.length ? new StringInput(ctx.stdin ?? '') : EMPTY_INPUT }, { out }, { out: same ? out : sinkOutput(ctx.err) }];
    const status = runToEnd(runShell(sh, script, fds));
    if (status !== 0) throw new Exit(status);
  };
}

// awk's system() and pipes run `sh -c CMD` in the same namespace and directory
setAwkShell((ctx, cmd, input) => {
  const sh = new ShellState(ctx.world, ctx.ns, 'sh', false, ctx.env ?? STEP_ENV, ctx.world.nextPid());
  sh.cwd = ctx.cwd ?? '/';
  const out = new BufferOutput();
  const fds: Fds = [{ in: new StringInput(input) }, { out }, { out: sinkOutput(ctx.err) }];
  const status = runToEnd(runShell(sh, cmd, fds));
  return { stdout: out.text(), status };
});
