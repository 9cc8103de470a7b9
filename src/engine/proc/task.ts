/**
 * Tasks: programs running on the virtual clock, as a kernel runs processes.
 *
 * A task's body is a coroutine (a generator) that yields what it waits for: a virtual time to
 * sleep until, or a wake-up (a socket received something, a child exited) with a deadline. The
 * world's event queue resumes it: a timer event at the deadline, or a wake event at the moment
 * something calls `wake()`. Nothing here reads a real clock; the terminal decides how fast virtual
 * time goes by pumping the world (src/store/terminals.ts), a headless run goes as fast as it can.
 *
 * Signals are thrown into the coroutine at the `yield` it is suspended on, so a program can catch
 * SIGINT and still print what it has (ping's statistics on Ctrl+C); SIGKILL cannot be caught.
 */
import type { Netns } from '../netns/netns';
import type { TraceLog } from '../sim/trace';
import type { TaskTable } from './table';
import { cpuOf } from './cpu';

/** The signals Hoplab delivers, with their numbers (a shell reports death by signal N as 128+N). */
export const SIGNALS = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as const;
export type Signal = keyof typeof SIGNALS;

/**
 * What a coroutine yields. `sleep`: resume at `until`, whatever happens meanwhile (nanosleep).
 * `wait`: resume at the first `wake()`, or at `until` (Infinity: no deadline), like poll().
 */
export type Wait = { readonly kind: 'sleep'; readonly until: number } | { readonly kind: 'wait'; readonly until: number };

/** Why a coroutine was resumed: its deadline came, or something woke it. */
export type Woken = 'timer' | 'wake';

/** A program's body on the virtual clock; it returns its exit status. */
export type Proc<R = number> = Generator<Wait, R, Woken>;

export const sleepUntil = (until: number): Wait => ({ kind: 'sleep', until });
export const waitUntil = (until: number = Infinity): Wait => ({ kind: 'wait', until });

/** Whoever a socket or a child should wake when something arrives for it. */
export interface Waker {
  wake(): void;
}

/**
 * A signal, as the coroutine sees it: thrown at its `yield`. `reason` is set when Hoplab itself
 * stopped the program (a cap or a budget was reached), so the job can say why.
 */
export class Signaled extends Error {
  constructor(
    readonly signal: Signal,
    readonly reason?: string,
  ) {
    super(signal);
    this.name = 'Signaled';
  }
}

/**
 * Virtual ms from a wake-up to the woken task running: a few hops' worth (HOP_DELAY is 5 µs),
 * the order of a process wake-up on an idle Linux machine.
 */
export const WAKEUP_LATENCY_MS = 0.03;

export type TaskState = 'running' | 'sleeping' | 'waiting' | 'exited';

/** The exit status a shell reports for a task killed by `sig` (bash: 128 + signal number). */
export const signalStatus = (sig: Signal): number => 128 + SIGNALS[sig];

/** One running program: a coroutine in a namespace, with a pid, resumed by the world's event queue. */
export class Task implements Waker {
  state: TaskState = 'running';
  exitCode: number | null = null;
  /** the signal that ended it, when one did */
  killedBy: Signal | null = null;
  /** the exception that ended it, when its body threw (a simulator bug) */
  fault: Error | null = null;
  /** bumps on every resume, so a stale timer or wake for an older wait is ignored */
  private gen = 0;
  private deadline = Infinity;
  /** inside step(): a signal sent now (by the task itself, say) waits for its next yield */
  private inStep = false;
  private pending: Signaled | null = null;
  private readonly exitWatchers: ((t: Task) => void)[] = [];
  /** null once exited: a stale timer event may outlive the task, and must not keep its program alive */
  private body: Proc | null = null;

  constructor(
    readonly table: TaskTable,
    readonly pid: number,
    readonly netns: Netns,
    /** the program's name, as ps shows it */
    readonly comm: string,
    /** lives on after the command line that started it (a server, a background job) */
    public resident: boolean,
    /** where the trace events of what this task sends go (its command line's trace); null once exited */
    private traceLog: TraceLog | null,
    /** the CPUs it may run on (a bit per CPU): its parent's, unless taskset changed them */
    public affinity: number,
  ) {}

  /** The CPU it runs on (World.cpu while it steps, and for the kernel work its packets cause). */
  get cpu(): number {
    return cpuOf(this.affinity);
  }

  get trace(): TraceLog | null {
    return this.traceLog;
  }

  /** the trace the last wake-up came with: the command whose packet woke the task (null: a timer) */
  private wokenFor: TraceLog | null = null;

  /**
   * A server task taking the next request on a connection kept open: what it does from now on is
   * the work of whoever sent that request (the packet that woke it), not of the connection's opener.
   */
  followWaker(): void {
    if (this.wokenFor === null || this.exited) return;
    this.traceLog = this.wokenFor;
    if (this.inStep) this.table.world.traceTarget = this.traceLog;
  }

  /** Give the task its program and run its first step (TaskTable.spawn does this). */
  start(body: Proc): void {
    this.body = body;
    this.step('timer');
  }

  get exited(): boolean {
    return this.state === 'exited';
  }

  /** Call fn when the task exits (at once if it has). */
  onExit(fn: (t: Task) => void): void {
    if (this.exited) fn(this);
    else this.exitWatchers.push(fn);
  }

  /**
   * Something the task waits for happened: resume it (once) after the scheduler's wake-up latency,
   * as a woken process runs a little later, while what the kernel does at once on its behalf
   * (the ACK of a FIN, a frame crossing the next hop) goes on meanwhile.
   */
  wake(): void {
    if (this.state !== 'waiting') return;
    const w = this.table.world;
    this.state = 'running';
    w.scheduleCall(WAKEUP_LATENCY_MS, resumeTask, this, this.gen);
  }

  /** Deliver a signal now: thrown into the coroutine (SIGKILL ends it without running its handlers). */
  signal(sig: Signal, reason?: string): void {
    if (this.exited) return;
    if (this.inStep) {
      if (!this.pending || sig === 'SIGKILL') this.pending = new Signaled(sig, reason);
      return;
    }
    if (sig === 'SIGKILL') {
      this.gen++;
      try {
        this.body!.return(signalStatus(sig));
      } catch {
        // a finally block that throws while being killed changes nothing: the task is gone
      }
      this.finish(signalStatus(sig), sig);
      return;
    }
    this.step('timer', new Signaled(sig, reason));
  }

  /** Resume the coroutine (or throw a signal into it) and arm what it yields next. */
  step(why: Woken, signal?: Signaled): void {
    if (this.exited) return;
    const w = this.table.world;
    this.gen++;
    this.state = 'running';
    const outer = w.traceTarget;
    this.wokenFor = outer;
    const outerCpu = w.cpu;
    const outerTask = this.table.current;
    w.traceTarget = this.traceLog;
    w.cpu = this.cpu;
    this.table.current = this;
    // a task that runs is progress: the loop budget counts events between two steps of a task
    w.budgetUsed = 0;
    let r: IteratorResult<Wait, number>;
    this.inStep = true;
    try {
      r = signal ? this.body!.throw(signal) : this.body!.next(why);
    } catch (e) {
      this.inStep = false;
      w.traceTarget = outer;
      w.cpu = outerCpu;
      this.table.current = outerTask;
      if (e instanceof Signaled) this.finish(signalStatus(e.signal), e.signal);
      else {
        this.fault = e instanceof Error ? e : new Error(String(e));
        this.finish(70, null);
      }
      return;
    }
    this.inStep = false;
    w.traceTarget = outer;
    w.cpu = outerCpu;
    this.table.current = outerTask;
    if (r.done) {
      this.finish(r.value, null);
      return;
    }
    this.arm(r.value);
    const pending = this.pending;
    if (pending) {
      this.pending = null;
      this.signal(pending.signal, pending.reason);
    }
  }

  private arm(wait: Wait): void {
    const w = this.table.world;
    this.state = wait.kind === 'sleep' ? 'sleeping' : 'waiting';
    this.deadline = wait.until;
    if (wait.until !== Infinity) this.armTimer(w);
  }

  /**
   * The timer belongs to no command's trace (step() sets the task's own), so that when the task
   * is woken earlier and the event goes stale, it holds no finished command's trace until it fires.
   */
  private armTimer(w: TaskTable['world']): void {
    const cause = w.traceTarget;
    w.traceTarget = null;
    w.scheduleCall(Math.max(0, this.deadline - w.now), timerTask, this, this.gen);
    w.traceTarget = cause;
  }

  /** The event queue was emptied (Hoplab stopped a storm): put this task's timer back. */
  rearm(): void {
    if (this.exited || this.state === 'running' || this.deadline === Infinity) return;
    this.armTimer(this.table.world);
  }

  private finish(code: number, sig: Signal | null): void {
    this.state = 'exited';
    this.exitCode = code;
    this.killedBy = sig;
    this.body = null;
    this.traceLog = null;
    this.table.reap(this);
    for (const fn of this.exitWatchers.splice(0)) fn(this);
  }

  /** Virtual time the task waits until (Infinity: until woken); meaningless while running or exited. */
  get waitsUntil(): number {
    return this.deadline;
  }

  isCurrent(gen: number): boolean {
    return gen === this.gen && !this.exited;
  }
}

function resumeTask(t: Task, gen: number): void {
  if (t.isCurrent(gen)) t.step('wake');
}

function timerTask(t: Task, gen: number): void {
  if (t.isCurrent(gen) && t.state !== 'running') t.step('timer');
}
