import type { Netns } from '../netns/netns';
import type { TraceLog } from '../sim/trace';
import type { World } from '../world';
import { Task, type Proc, type Signal } from './task';
import { ALL_CPUS } from './cpu';

/** The first pid handed out: low numbers belong to a system's own daemons. */
const FIRST_PID = 100;

/**
 * The world's task table: every program running on the virtual clock, by pid. Tasks belong to a
 * namespace and die with it; a resident task (a server, a background job) outlives the command
 * line that started it.
 */
export class TaskTable {
  private readonly tasks = new Map<number, Task>();
  private pidSeq = FIRST_PID - 1;
  /** the task whose step runs now (the parent of what it spawns), if any */
  current: Task | null = null;

  constructor(readonly world: World) {}

  /**
   * Start a program: its first step runs now, so a command that needs no time is done on return.
   * `trace` is where the events of the packets it sends go (its command line's trace). It may run
   * on the CPUs its parent (the task stepping now) may, or on `affinity` (taskset).
   */
  spawn(netns: Netns, comm: string, body: (task: Task) => Proc, opts: { resident?: boolean; trace?: TraceLog | null; affinity?: number } = {}): Task {
    const pid = ++this.pidSeq;
    const affinity = opts.affinity ?? this.current?.affinity ?? ALL_CPUS;
    const task = new Task(this, pid, netns, comm, opts.resident ?? false, opts.trace ?? null, affinity);
    this.tasks.set(pid, task);
    // the body closes over its task: the sockets it opens wake it
    task.start(body(task));
    return task;
  }

  get(pid: number): Task | undefined {
    return this.tasks.get(pid);
  }

  /** Live tasks, oldest first. */
  list(): Task[] {
    return [...this.tasks.values()];
  }

  get size(): number {
    return this.tasks.size;
  }

  /** kill(2): deliver a signal; false when there is no such task. */
  signal(pid: number, sig: Signal, reason?: string): boolean {
    const t = this.tasks.get(pid);
    if (!t) return false;
    t.signal(sig, reason);
    return true;
  }

  /** A namespace is going away: its programs die with it. */
  killNetns(ns: Netns): void {
    for (const t of [...this.tasks.values()]) if (t.netns === ns) t.signal('SIGKILL');
  }

  /** The event queue was emptied (Hoplab stopped a storm): every sleeping task gets its timer back. */
  rearm(): void {
    for (const t of this.tasks.values()) t.rearm();
  }

  /** Called by a task as it exits. */
  reap(t: Task): void {
    this.tasks.delete(t.pid);
  }
}
