import type { EventQueue } from './events';
import { TRACE_CAP, type TraceEvent, type TraceLog } from './trace';

/**
 * Where trace events are recorded, while someone listens (`tracing`): into the trace of the command
 * whose work is running (the event queue carries that TraceLog from cause to effect, see
 * World.traceTarget), or into the world's own log, which drain() takes. Every event, however made,
 * passes through record(): it gets its sequence number and time there, and there the cap holds.
 */
export class Tracer {
  /** trace events are only built while someone listens */
  tracing = true;
  /** events that belong to no command's trace (probes, tests), until drained */
  log: TraceEvent[] = [];
  seq = 0;

  constructor(private readonly queue: EventQueue) {}

  /** the trace of the command line whose work is running, or null */
  get target(): TraceLog | null {
    return this.queue.context as TraceLog | null;
  }

  set target(log: TraceLog | null) {
    this.queue.context = log;
  }

  /** The one place trace events are stored: the trace of the command whose work this is, capped. */
  record(e: TraceEvent, now: number): void {
    const target = this.target;
    if (target !== null) {
      if (target.closed) return;
      e.seq = ++this.seq;
      e.time = now;
      target.add(e);
      return;
    }
    if (this.log.length >= TRACE_CAP) return;
    e.seq = ++this.seq;
    e.time = now;
    this.log.push(e);
  }

  /** Take the events recorded since the last call. */
  drain(): TraceEvent[] {
    const t = this.log;
    this.log = [];
    return t;
  }
}
