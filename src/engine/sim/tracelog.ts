import type { TraceEvent } from './trace';

/** Trace events kept per command; a storm beyond this is summarised, not recorded frame by frame. */
export const TRACE_CAP = 5_000;

/**
 * The record of what packets met, while someone listens (`tracing`). Every event, however made,
 * gets its sequence number and time here, and here the cap holds.
 */
export class TraceLog {
  /** trace events are only built while someone listens */
  tracing = true;
  log: TraceEvent[] = [];
  seq = 0;

  /** Record a plain event. */
  emit(e: Omit<TraceEvent, 'seq' | 'time'>, now: number): void {
    if (!this.tracing || this.log.length >= TRACE_CAP) return;
    this.log.push({ ...e, seq: ++this.seq, time: now });
  }

  /** Record an event built by the caller (only while tracing). */
  emitEvent(e: TraceEvent, now: number): void {
    if (this.log.length >= TRACE_CAP) return;
    e.seq = ++this.seq;
    e.time = now;
    this.log.push(e);
  }

  /** Record the event that says why the simulation stopped: kept even past the cap. */
  final(e: Omit<TraceEvent, 'seq' | 'time'>, now: number): void {
    if (this.tracing) this.log.push({ ...e, seq: ++this.seq, time: now });
  }

  /** Take the events recorded since the last call. */
  drain(): TraceEvent[] {
    const t = this.log;
    this.log = [];
    return t;
  }
}
