/**
 * The interpreter: runs the syntax tree as dash (scenario steps, `sh -c`) and bash (the terminals)
 * do. Every step is a coroutine, so a command that takes virtual time (sleep, ping) can suspend the
 * whole shell. Subshells (`( … )`, pipeline stages, `$( … )`) run on a copy of the state; a
 * pipeline's stages run one after the other, each reading all the previous one printed.
 */
import type { FsView } from '../../engine/fs';
import { sleepUntil, Task, type Waker } from '../../engine/proc/task';
import type { Effects } from '../context';
import type { Node, Redir, Word } from './ast';
import { isName } from './ast';
import { ExitShell, LoopControl, ReturnFromFunction, ShellError, msgPrefix, shellMessage } from './errors';
import { expandFields, expandString, patternOf, type Co, type ExpandEnv } from './expand';
import { BufferOutput, EMPTY_INPUT, StringInput, type Fds, type Output } from './io';
import { Parser, ShellSyntaxError } from './parse';
import { matchPattern } from './pattern';
import { applyRedirs, RedirError } from './redirect';
import type { ShellState } from './state';

/** How far a command line may go before Hoplab stops it: an endless loop must not freeze the page. */
export const STEP_BUDGET = 200_000;
/** Function calls nested deeper than this are refused (a real shell would run out of stack). */
export const MAX_FUNC_DEPTH = 100;

/** Shared by a shell and its subshells: steps taken, and whether the budget ran out. */
export interface Budget {
  steps: number;
  exceeded: boolean;
}

/** The job a shell runs for: the task that programs' sockets wake, and what the line changed. */
export interface JobContext {
  task: Waker;
  effects: Effects;
}

/** A shell that runs this many steps without waiting lets the rest of the page run (and Ctrl+C reach it). */
const STEPS_BETWEEN_YIELDS = 2_000;

/** The budget ran out: unwinds every loop and subshell up to the top. */
export class BudgetExceeded {}

/** Thrown by an interactive shell to abandon the current line after an error (bash jumps to the prompt). */
export class AbortLine {
  constructor(readonly status: number) {}
}

/** What runs a command the shell does not have built in: the registry of simulated programs. */
export interface Programs {
  has(name: string): boolean;
  run(it: Interp, argv: string[], fds: Fds, env: Record<string, string>): Co<number>;
}

/** A shell builtin: runs inside the shell, on its state. */
export type Builtin = (it: Interp, argv: string[], fds: Fds) => Co<number>;

export interface BuiltinTable {
  special: Record<string, Builtin>;
  regular: Record<string, Builtin>;
}

export class Interp implements ExpandEnv {
  constructor(
    readonly sh: ShellState,
    readonly fs: FsView,
    readonly programs: Programs,
    readonly builtins: BuiltinTable,
    readonly budget: Budget,
    readonly job: JobContext,
  ) {}

  /** The same shell on a copy of its state (a subshell). */
  fork(): Interp {
    return new Interp(this.sh.fork(), this.fs, this.programs, this.builtins, this.budget, this.job);
  }

  // ---- output helpers ------------------------------------------------------------------

  write(fds: Fds, fd: number, data: string): boolean {
    const o = fds[fd]?.out;
    return !!o && o.write(data) === null;
  }

  /** A message from the shell itself on stderr (`sh: 1: …` / `bash: …`). */
  complain(fds: Fds, dash: string, bash: string): void {
    this.write(fds, 2, shellMessage(this.sh, dash, bash));
  }

  // ---- running text ----------------------------------------------------------------------

  /**
   * Run a script: parse and run one complete command at a time, as dash does, so the lines before a
   * syntax error run. `where` prefixes messages of eval and `.` (`eval: Syntax error: …`).
   */
  *runScript(src: string, fds: Fds, where = '', line = 1): Co<number> {
    const p = new Parser(src, this.sh.dialect, line);
    let status = 0;
    for (;;) {
      let node: Node | null;
      try {
        node = p.next();
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        this.sh.line = e.line;
        this.write(fds, 2, `${msgPrefix(this.sh)}${where}${this.sh.dialect === 'bash' ? e.bash : e.dash}\n`);
        if (this.sh.interactive) throw new AbortLine(2);
        throw new ExitShell(2);
      }
      if (!node) return status;
      if (this.sh.opts.noexec) continue;
      status = yield* this.exec(node, fds);
    }
  }

  // ---- nodes -------------------------------------------------------------------------------

  private step(): void {
    if (++this.budget.steps > STEP_BUDGET) {
      this.budget.exceeded = true;
      throw new BudgetExceeded();
    }
  }

  /** Run a node; its status becomes `$?`. Expansion errors end a non-interactive shell, as in dash. */
  *exec(node: Node, fds: Fds): Co<number> {
    this.step();
    if (this.budget.steps % STEPS_BETWEEN_YIELDS === 0) yield sleepUntil(this.sh.world.now);
    let status: number;
    try {
      status = yield* this.execNode(node, fds);
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
      this.complain(fds, e.dash, e.bash);
      if (e.fatal && !this.sh.interactive) throw new ExitShell(e.status);
      if (this.sh.interactive) throw new AbortLine(e.status);
      status = e.status;
    }
    this.sh.status = status;
    // set -e: a failing simple command, pipeline or subshell ends the shell, unless its status is tested
    if (status !== 0 && this.sh.opts.errexit && (node.t === 'simple' || node.t === 'pipe' || node.t === 'subshell')) throw new ExitShell(status);
    return status;
  }

  private *execNode(node: Node, fds: Fds): Co<number> {
    switch (node.t) {
      case 'simple':
        return yield* this.simple(node, fds);
      case 'pipe':
        return yield* this.pipeline(node.cmds, fds);
      case 'not':
        return (yield* this.condition(node.body, fds)) === 0 ? 1 : 0;
      case 'and': {
        const l = yield* this.condition(node.left, fds);
        return l !== 0 ? l : yield* this.exec(node.right, fds);
      }
      case 'or': {
        const l = yield* this.condition(node.left, fds);
        return l === 0 ? l : yield* this.exec(node.right, fds);
      }
      case 'list': {
        let status = 0;
        for (const item of node.items) {
          if (item.bg) status = this.background(item.node, item.text ?? '', fds);
          else status = yield* this.exec(item.node, fds);
        }
        return status;
      }
      case 'func':
        this.sh.funcs.set(node.name, node.body);
        return 0;
      default:
        return yield* this.compound(node, fds);
    }
  }

  /** A command whose status is tested (if, while, &&, ||, !): `set -e` does not apply to it. */
  private *condition(node: Node, fds: Fds): Co<number> {
    const saved = this.sh.opts.errexit;
    this.sh.opts.errexit = false;
    try {
      return yield* this.exec(node, fds);
    } finally {
      this.sh.opts.errexit = saved;
    }
  }

  private *compound(node: Exclude<Node, { t: 'simple' | 'pipe' | 'not' | 'and' | 'or' | 'list' | 'func' }>, fds: Fds): Co<number> {
    const r = yield* this.redirect(node.redirs, fds);
    if (typeof r === 'number') return r;
    const io = r;
    switch (node.t) {
      case 'subshell':
        return yield* this.fork().subshell(node.body, io);
      case 'group':
        return yield* this.exec(node.body, io);
      case 'if': {
        if ((yield* this.condition(node.cond, io)) === 0) return yield* this.exec(node.then, io);
        return node.else ? yield* this.exec(node.else, io) : 0;
      }
      case 'loop':
        return yield* this.loop(node.until, node.cond, node.body, io);
      case 'for': {
        this.sh.line = node.line;
        const items = node.words === null ? [...this.sh.positional] : yield* expandFields(this, node.words);
        let status = 0;
        this.sh.loops++;
        try {
          for (const item of items) {
            if (!this.sh.setVar(node.name, item)) throw new ShellError(`${node.name}: is read only`, `${node.name}: readonly variable`);
            const c = yield* this.loopBody(node.body, io);
            status = c.status;
            if (c.stop) break;
          }
        } finally {
          this.sh.loops--;
        }
        return status;
      }
      case 'case': {
        this.sh.line = node.line;
        const subject = yield* expandString(this, node.word);
        for (const item of node.items) {
          for (const pat of item.patterns) {
            if (matchPattern(yield* patternOf(this, pat.parts), subject)) return item.body ? yield* this.exec(item.body, io) : 0;
          }
        }
        return 0;
      }
    }
  }

  private *loop(until: boolean, cond: Node, body: Node, fds: Fds): Co<number> {
    let status = 0;
    this.sh.loops++;
    try {
      for (;;) {
        const c = yield* this.condition(cond, fds);
        if ((c === 0) === until) break;
        const r = yield* this.loopBody(body, fds);
        status = r.status;
        if (r.stop) break;
      }
    } finally {
      this.sh.loops--;
    }
    return status;
  }

  /** One turn of a loop body; `stop` after a break (or a break/continue meant for an outer loop). */
  private *loopBody(body: Node, fds: Fds): Co<{ status: number; stop: boolean }> {
    try {
      return { status: yield* this.exec(body, fds), stop: false };
    } catch (e) {
      if (!(e instanceof LoopControl)) throw e;
      if (e.levels > 1) throw new LoopControl(e.kind, e.levels - 1);
      return { status: 0, stop: e.kind === 'break' };
    }
  }

  /** Run a body in this (forked) shell: `exit` ends only the subshell. */
  *subshell(body: Node | null, fds: Fds): Co<number> {
    try {
      return body ? yield* this.exec(body, fds) : 0;
    } catch (e) {
      if (e instanceof ExitShell) return e.status;
      if (e instanceof ReturnFromFunction) return e.status;
      if (e instanceof LoopControl) return this.sh.status;
      throw e;
    }
  }

  /** `a | b | c`: each stage in a subshell, reading what the one before printed; the last one's status. */
  private *pipeline(cmds: Node[], fds: Fds): Co<number> {
    let input = fds[0];
    let status = 0;
    for (let i = 0; i < cmds.length; i++) {
      const last = i === cmds.length - 1;
      const pipe = last ? null : new BufferOutput();
      const stage: Fds = fds.slice();
      stage[0] = input;
      if (pipe) stage[1] = { out: pipe };
      status = yield* this.fork().subshell(cmds[i], stage);
      if (pipe) input = { in: new StringInput(pipe.text()) };
    }
    return status;
  }

  /**
   * `cmd &`: a resident task running a copy of the shell beside this one. Without job control its
   * standard input is /dev/null; what it writes to the terminal appears on whichever line is running.
   */
  private background(node: Node, text: string, fds: Fds): number {
    const sh = this.sh;
    const job = fds.slice();
    if (!sh.interactive) job[0] = { in: EMPTY_INPUT };
    for (const fd of [1, 2]) {
      const o = job[fd]?.out;
      if (o?.tty) job[fd] = { out: { tty: true, write: (d) => (sh.tty ?? o).write(d) } };
    }
    const child = this.fork();
    const parent = this.job.task;
    const trace = parent instanceof Task ? parent.trace : null;
    const task = sh.world.tasks.spawn(sh.ns, text.split(/\s+/)[0] || sh.arg0, (t) => child.withJob({ task: t, effects: this.job.effects }).subshell(node, job), { resident: true, trace });
    const id = sh.jobs.length ? Math.max(...sh.jobs.map((j) => j.id)) + 1 : 1;
    sh.jobs.push({ id, pid: task.pid, command: `${text} &`, task, reported: false });
    sh.lastBg = task.pid;
    if (sh.interactive && sh.dialect === 'bash') this.write(fds, 2, `[${id}] ${task.pid}\n`);
    return 0;
  }

  /** This shell for another job (a background job's own task). */
  withJob(job: JobContext): Interp {
    return new Interp(this.sh, this.fs, this.programs, this.builtins, this.budget, job);
  }

  /** Apply redirections; a number is the failure status (after saying why). */
  *redirect(redirs: readonly Redir[], fds: Fds): Co<Fds | number> {
    const r = yield* applyRedirs(this, redirs, fds);
    if (r instanceof RedirError) {
      this.complain(fds, r.dash, r.bash);
      return this.sh.dialect === 'bash' ? 1 : 2;
    }
    return r;
  }

  // ---- simple commands ---------------------------------------------------------------------

  /**
   * A simple command, charged for what it changed itself: a redirection or a builtin writing
   * /proc/sys (`echo 1 > /proc/sys/net/ipv4/ip_forward`) configures the lab as sysctl -w does, so
   * the line is an undo step; what programs it ran changed is theirs (runArgv accounts it).
   */
  private *simple(node: Extract<Node, { t: 'simple' }>, fds: Fds): Co<number> {
    const { world } = this.sh;
    const effects = this.job.effects;
    const before = world.version;
    const accounted = effects.accounted;
    try {
      return yield* this.simpleCommand(node, fds);
    } finally {
      const own = world.version - before - (effects.accounted - accounted);
      if (own > 0) {
        effects.accounted += own;
        effects.edit = true;
      }
    }
  }

  private *simpleCommand(node: Extract<Node, { t: 'simple' }>, fds: Fds): Co<number> {
    const sh = this.sh;
    sh.line = node.line;
    const substStatus = { last: null as number | null };
    this.lastSubst = substStatus;
    const argv = yield* expandFields(this, node.words);
    const values: [string, string][] = [];
    for (const a of node.assigns) values.push([a.name, yield* expandString(this, a.value)]);
    this.lastSubst = null;
    if (sh.opts.xtrace) this.trace(fds, values, argv);

    if (argv.length === 0) {
      for (const [name, value] of values) if (!sh.setVar(name, value)) throw new ShellError(`${name}: is read only`, `${name}: readonly variable`);
      const r = yield* this.redirect(node.redirs, fds);
      if (typeof r === 'number') return r;
      return substStatus.last ?? 0;
    }
    const name = argv[0];
    const special = this.builtins.special[name];
    if (special) {
      for (const [n, v] of values) if (!sh.setVar(n, v)) throw new ShellError(`${n}: is read only`, `${n}: readonly variable`);
      const r = yield* this.redirect(node.redirs, fds);
      if (typeof r === 'number') {
        if (!sh.interactive) throw new ExitShell(r);
        return r;
      }
      return yield* special(this, argv, r);
    }
    const r = yield* this.redirect(node.redirs, fds);
    if (typeof r === 'number') return r;
    // most commands have no assignments before them: no extra coroutine layer for those
    if (values.length === 0) return yield* this.command(argv, r, values);
    return yield* this.withTempVars(values, () => this.command(argv, r, values));
  }

  /** Set by a simple command while it expands: the status of its last command substitution. */
  private lastSubst: { last: number | null } | null = null;

  /** Assignments before a command apply to that command only (and to its environment). */
  private *withTempVars(values: [string, string][], run: () => Co<number>): Co<number> {
    const saved = values.map(([n]) => [n, this.sh.vars.get(n)] as const);
    for (const [n, v] of values) if (!this.sh.setVar(n, v, { export: true })) throw new ShellError(`${n}: is read only`, `${n}: readonly variable`);
    try {
      return yield* run();
    } finally {
      for (const [n, old] of saved) {
        if (old) this.sh.vars.set(n, old);
        else this.sh.vars.delete(n);
      }
    }
  }

  /** Run argv: a function, a builtin, or a program (what `command` and `exec` also call). */
  *command(argv: string[], fds: Fds, assigns: [string, string][] = [], skipFunctions = false): Co<number> {
    const name = argv[0];
    const fn = skipFunctions ? undefined : this.sh.funcs.get(name);
    if (fn) return yield* this.callFunction(fn, argv, fds);
    const builtin = this.builtins.special[name] ?? this.builtins.regular[name];
    if (builtin) return yield* builtin(this, argv, fds);
    const program = this.findProgram(name);
    if (!program) {
      if (name.includes('/') && this.sh.dialect === 'bash') this.complain(fds, '', `${name}: No such file or directory`);
      else this.complain(fds, `${name}: not found`, `${name}: command not found`);
      return 127;
    }
    const env = this.sh.environment();
    for (const [n, v] of assigns) env[n] = v;
    return yield* this.programs.run(this, [program, ...argv.slice(1)], fds, env);
  }

  /** A program's name as the registry knows it: a bare name found on PATH, or a path into a bin directory. */
  findProgram(name: string): string | null {
    // a path runs what execve() finds there: the registry knows which directories hold programs
    if (name.includes('/')) return this.programs.has(name) ? name : null;
    if (!pathHasBin(this.sh.get('PATH'))) return null;
    return this.programs.has(name) ? name : null;
  }

  *callFunction(body: Node, argv: string[], fds: Fds): Co<number> {
    const sh = this.sh;
    if (sh.funcDepth >= MAX_FUNC_DEPTH) {
      throw new ShellError(`${argv[0]}: function calls nested too deeply (over ${MAX_FUNC_DEPTH})`, `${argv[0]}: maximum function nesting level exceeded (${MAX_FUNC_DEPTH})`, 2, false);
    }
    const saved = { positional: sh.positional, loops: sh.loops, locals: this.locals };
    sh.positional = argv.slice(1);
    sh.funcDepth++;
    sh.loops = 0;
    this.locals = new Map();
    try {
      return yield* this.exec(body, fds);
    } catch (e) {
      if (e instanceof ReturnFromFunction) return e.status;
      throw e;
    } finally {
      for (const [n, old] of this.locals) {
        if (old) sh.vars.set(n, old);
        else sh.vars.delete(n);
      }
      this.locals = saved.locals;
      sh.positional = saved.positional;
      sh.loops = saved.loops;
      sh.funcDepth--;
    }
  }

  /** Variables made local in the running function, with what they were before (`local`). */
  locals: Map<string, ReturnType<ShellState['vars']['get']>> | null = null;

  /** `$( … )`: a subshell whose output is captured; its status is remembered for `x=$(cmd)`. */
  *subst(body: Node | null): Co<string> {
    const out = new BufferOutput();
    const child = this.fork();
    const fds: Fds = [{ in: EMPTY_INPUT }, { out }, this.currentErr];
    const status = yield* child.subshell(body, fds);
    this.sh.status = status;
    if (this.lastSubst) this.lastSubst.last = status;
    return out.text();
  }

  /** Where the running command's stderr goes (command substitutions inherit it). */
  currentErr: { out?: Output } | undefined = undefined;

  private trace(fds: Fds, assigns: [string, string][], argv: string[]): void {
    const ps4 = this.sh.get('PS4') ?? '+ ';
    const quote = (s: string) => (this.sh.dialect === 'bash' && /[^\w@%+=:,./-]/.test(s) ? `'${s.replace(/'/g, "'\\''")}'` : s);
    const words = [...assigns.map(([n, v]) => `${n}=${quote(v)}`), ...argv.map(quote)];
    this.write(fds, 2, `${ps4}${words.join(' ')}\n`);
  }

  /** Words as fields (used by builtins such as `for` lists and eval). */
  *fields(words: readonly Word[]): Co<string[]> {
    return yield* expandFields(this, words);
  }

  isName(s: string): boolean {
    return isName(s);
  }
}

/** Whether $PATH names a directory that holds programs (the last answer kept: PATH rarely changes). */
let lastPath: { path: string | undefined; bin: boolean } = { path: undefined, bin: false };
function pathHasBin(path: string | undefined): boolean {
  if (path !== lastPath.path) lastPath = { path, bin: path !== undefined && path.split(':').some((d) => /^\/(usr\/)?(local\/)?s?bin\/?$/.test(d)) };
  return lastPath.bin;
}
