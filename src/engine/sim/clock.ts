import { EventQueue } from './events';

/** Events a single command may cause before the simulator declares a loop and stops it. */
export const EVENT_BUDGET = 50_000;

/**
 * The virtual clock and its event queue. Time moves only when events run: the engine never sleeps,
 * it jumps to the next event. Every event counts against a budget, so a forwarding loop ends.
 */
export class Clock {
  now = 0;
  readonly queue = new EventQueue();
  /** events processed since the budget was last reset */
  budgetUsed = 0;
  budgetExceeded = false;

  schedule(delay: number, fn: () => void): void {
    this.queue.push(this.now + delay, fn);
  }

  /** schedule(delay, () => fn(a, b)) without allocating the closure (the packet path does this per hop). */
  scheduleCall<A, B>(delay: number, fn: (a: A, b: B) => void, a: A, b: B): void {
    this.queue.push(this.now + delay, fn, a, b);
  }

  /**
   * Run events up to and including time `until` (or until `stop()` says so), then set the clock
   * there. Returns false when the budget ran out: the queue is emptied and the clock stays where it was.
   */
  runUntil(until: number, stop?: () => boolean): boolean {
    for (;;) {
      if (stop?.()) return true;
      const t = this.queue.peekTime();
      if (t === undefined || t > until) break;
      const e = this.queue.pop()!;
      this.now = Math.max(this.now, e.at);
      // an event works for whoever caused it: what it records goes to that command's trace
      this.queue.context = e.ctx;
      this.queue.cpu = e.cpu;
      if (++this.budgetUsed > EVENT_BUDGET) {
        this.budgetExceeded = true;
        this.queue.clear();
        return false;
      }
      e.fn(e.a, e.b);
    }
    if (!stop?.()) this.now = Math.max(this.now, until);
    return true;
  }
}
