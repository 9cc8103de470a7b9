/**
 * A command line as a job: the shell running it is a task on the virtual clock, its output is
 * streamed as it is written, Ctrl+C is a SIGINT, and its trace holds only the packets it caused.
 *
 * Two drivers use it. Headless (`runCommand`: scenarios, replay, tests) runs the job to its end as
 * fast as the events go. The terminal (src/store/terminals.ts) pumps it in small slices of real
 * time, so the page stays responsive and virtual time can follow real time.
 */
import { diagnose } from './diagnose';
import { TraceLog } from '../engine/sim/trace';
import { signalStatus, type Task } from '../engine/proc/task';
import type { World } from '../engine/world';
import type { CommandResult } from './types';
import type { Ctx, Effects, Sink } from './context';
import { runShellLine } from './shell/sh';

export interface JobOptions {
  /** which shell's words to use for errors: bash (a terminal) or sh (`sh -c`, scenario steps) */
  shell?: 'sh' | 'bash';
  /** standard input, for the first command of the line that reads it (a scenario step's `stdin`) */
  stdin?: string;
}

/** How a headless run ends a job that nothing can ever wake, and why. */
const WAITS_FOREVER = 'nothing left in the lab can wake it, so Hoplab stopped it (Linux would wait forever)';

export class Job {
  readonly trace = new TraceLog();
  /** the shell running the line; null when the line never started (syntax error, no such namespace) */
  readonly task: Task | null;
  readonly startedAt: number;
  /** virtual time at which SIGINT was delivered, for a faithful replay */
  interruptedAt: number | null = null;
  private readonly stdout: string[] = [];
  private readonly stderr: string[] = [];
  /** stdout and stderr as a terminal shows them: in the order they were written, not yet taken */
  private tty: string[] = [];
  private readonly effects: Effects = { edit: false, fault: false, accounted: 0 };
  private immediate: { exit: number } | null = null;
  private result: CommandResult | null = null;

  constructor(
    readonly world: World,
    readonly on: string,
    readonly line: string,
    opts: JobOptions = {},
  ) {
    const shell = opts.shell ?? 'bash';
    this.startedAt = world.now;
    // events nobody owns (timers of earlier work) are not this line's
    world.drainTrace();
    const ns = world.netns(on);
    const out = this.sink(this.stdout);
    const err = this.sink(this.stderr);
    if (!ns) {
      err.push(`${shell}: cannot enter namespace "${on}"\n`);
      this.immediate = { exit: 1 };
      this.task = null;
      return;
    }
    // ps shows the shell as the line's first word, as a terminal's title would
    const comm = /^\s*([^\s;&|<>()]+)/.exec(line)?.[1] ?? shell;
    this.task = world.tasks.spawn(
      ns,
      comm,
      (task) => {
        const ctx: Ctx = { world, ns, out, err, shell, task, effects: this.effects };
        return runShellLine(ctx, line, opts.stdin);
      },
      { trace: this.trace },
    );
  }

  private sink(stream: string[]): Sink {
    return {
      push: (...chunks: string[]) => {
        stream.push(...chunks);
        this.tty.push(...chunks);
      },
    };
  }

  get done(): boolean {
    return this.task === null || this.task.exited;
  }

  /** Text written since the last call, stdout and stderr interleaved as a terminal shows them. */
  takeOutput(): string {
    if (this.tty.length === 0) return '';
    const text = this.tty.join('');
    this.tty = [];
    return text;
  }

  /** Ctrl+C: SIGINT to the line's foreground program (ping prints its statistics and exits). */
  interrupt(): void {
    if (this.done) return;
    this.interruptedAt ??= this.world.now;
    this.task!.signal('SIGINT');
  }

  /**
   * Run the world until the job ends, virtual time reaches `until`, nothing is left to run, or
   * `shouldYield()` says the slice of real time is used up. Faults and storms are reported to
   * the job, never thrown.
   */
  pump(until: number, shouldYield?: () => boolean): void {
    if (this.done) return;
    const w = this.world;
    const task = this.task!;
    const stop = shouldYield ? () => task.exited || w.queue.size === 0 || shouldYield() : () => task.exited || w.queue.size === 0;
    try {
      w.runUntil(until, stop);
    } catch (e) {
      // a simulator bug in one event: that event is lost, the job is told, the lab is rebuilt after
      this.effects.fault = true;
      this.stderr.push(`${task.comm}: internal simulator error: ${(e as Error).message}\n`);
      this.tty.push(`${task.comm}: internal simulator error: ${(e as Error).message}\n`);
    }
    if (w.budgetExceeded) {
      w.budgetExceeded = false;
      this.stop(`${task.comm}: stopped by Hoplab: frames or packets went round in circles (a bridge loop or a broadcast storm: 50,000 events in a row moved no program forward); Linux would keep forwarding them\n`);
    }
  }

  /** Hoplab ends the job and says why (a budget or a cap): SIGINT, so a program can still report what it did. */
  stop(note: string): void {
    const task = this.task;
    if (!task || task.exited) return;
    this.stderr.push(note);
    this.tty.push(note);
    task.signal('SIGINT', note);
    if (!task.exited) task.signal('SIGKILL');
  }

  /** Headless: run to the end as fast as events allow; `interruptAt` replays a Ctrl+C at that virtual time. */
  runToEnd(interruptAt?: number): void {
    const w = this.world;
    while (!this.done) {
      const pendingInterrupt = interruptAt !== undefined && this.interruptedAt === null;
      if (pendingInterrupt && w.now >= interruptAt) {
        this.interrupt();
        continue;
      }
      const next = w.queue.peekTime();
      if (next === undefined) {
        this.stop(`${this.task!.comm}: ${WAITS_FOREVER}\n`);
        break;
      }
      if (pendingInterrupt && next > interruptAt) {
        w.runUntil(interruptAt);
        continue;
      }
      this.pump(pendingInterrupt ? interruptAt : Infinity);
    }
  }

  /** What the line printed and its status; only once it is done. */
  finish(): CommandResult {
    if (this.result) return this.result;
    if (!this.done) throw new Error('the job is still running');
    const task = this.task;
    let exit = this.immediate?.exit ?? task!.exitCode ?? 0;
    if (task?.fault) {
      this.effects.fault = true;
      this.stderr.push(`${task.comm}: internal simulator error: ${task.fault.message}\n`);
      exit = 70;
    } else if (task?.killedBy) exit = signalStatus(task.killedBy);
    // a fault in the simulator is not the program's answer: say so in the status too
    if (this.effects.fault) exit = 70;
    this.world.closeTrace(this.trace);
    diagnose(this.world, this.trace.events);
    this.result = {
      stdout: this.stdout.join(''),
      stderr: this.stderr.join(''),
      exit,
      trace: this.trace.events,
      edit: this.effects.edit,
      fault: this.effects.fault,
      ...(this.interruptedAt !== null ? { interruptedAt: this.interruptedAt } : {}),
    };
    return this.result;
  }
}

/** Start a command line in a namespace; its first step runs now. */
export function startJob(world: World, on: string, line: string, opts: JobOptions = {}): Job {
  return new Job(world, on, line, opts);
}

/**
 * Run one shell line in a namespace to its end, headless: `a; b && c || d`, exactly as the real
 * tools answer. Never throws: a simulator fault becomes an error message and `fault` is set (the
 * store then rebuilds the lab from its document, so a fault leaves the lab as it was).
 */
export function runCommand(world: World, on: string, line: string, opts: JobOptions & { interruptAt?: number } = {}): CommandResult {
  let job: Job;
  try {
    job = new Job(world, on, line, opts);
    job.runToEnd(opts.interruptAt);
    return job.finish();
  } catch (e) {
    return { stdout: '', stderr: `hoplab: internal simulator error: ${(e as Error).message}\n`, exit: 70, trace: [], fault: true };
  }
}
