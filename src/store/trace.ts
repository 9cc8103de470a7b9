/**
 * Trace slice: the event stream of the last traced command (a ping from a terminal, a probe from
 * the reachability matrix, a ping picked on the canvas) and a play head over it.
 *
 * The canvas animates `trace.events[trace.cursor]`; the trace panel lists every event and lets the
 * student play, pause, step and seek. Nothing here reaches into the engine: events are plain data.
 */
import type { StateCreator } from 'zustand';
import type { SuggestedFix, TraceEvent } from '../engine/sim/trace';
import type { AppState } from './index';
import { GROUPED_MIN, groupStops, groupTrace, type TraceGroup } from './traceGroups';

export const TRACE_SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16] as const;
/** Milliseconds one step lasts at speed 1. */
export const TRACE_STEP_MS = 450;

export interface TraceState {
  events: TraceEvent[];
  cursor: number;
  playing: boolean;
  speed: number;
  title: string;
  /** where the traced command ran, and the command line (so it can be run again) */
  on: string | null;
  line: string | null;
  /** bumps on every showTrace, so views can tell a new trace from a replay of the same one */
  id: number;
  /** the verdict in words when the caller has one (a probe's "Network is unreachable") */
  summary: string | null;
  /** a long trace's events by packet (empty for a short one, which plays event by event) */
  groups: TraceGroup[];
  /** where playback stops in a grouped trace (the end of each group) */
  stops: number[];
  /** the suggested fix of this trace was applied (the button goes, "Run again" shows the new path) */
  fixApplied: boolean;
}

export interface TraceMeta {
  on: string;
  line: string;
  /** defaults to "node01: ping -c 1 10.244.2.2" */
  title?: string;
  /** the verdict in words, shown when the trace has no events (nothing left the host) */
  summary?: string;
  /**
   * The events come from a probe (what *would* happen, e.g. the reachability matrix): shown, but
   * not handed to packet captures. Without it the frames are taken as real and captured.
   */
  probe?: boolean;
}

export interface TraceSlice {
  trace: TraceState;
  /** Show a new trace and start playing it from the first event. */
  showTrace: (events: TraceEvent[], meta: TraceMeta) => void;
  /** Move the play head by one event (pauses playback). */
  stepTrace: (delta: 1 | -1) => void;
  /** Jump to event `index` (clamped; pauses playback). */
  seekTrace: (index: number) => void;
  playTrace: () => void;
  pauseTrace: () => void;
  /** Advance by one event while playing; stops at the last event. Driven by the trace panel's timer. */
  tickTrace: () => void;
  setTraceSpeed: (speed: number) => void;
  clearTrace: () => void;
  /** Run the trace's suggested fix in its host's terminal; once it changed the lab, the fix button goes. */
  applyTraceFix: (fix: SuggestedFix) => void;
}

export const emptyTrace: TraceState = {
  events: [],
  cursor: 0,
  playing: false,
  speed: 1,
  title: '',
  on: null,
  line: null,
  id: 0,
  summary: null,
  groups: [],
  stops: [],
  fixApplied: false,
};

const clamp = (i: number, n: number): number => (n === 0 ? 0 : Math.min(Math.max(Math.trunc(i), 0), n - 1));

/** Pure transitions, exported for tests and for anyone driving a trace outside the store. */
export const traceReducers = {
  // no cap here: every trace comes from an engine TraceLog, capped where its events are recorded
  show(t: TraceState, events: TraceEvent[], meta: TraceMeta): TraceState {
    const groups = events.length >= GROUPED_MIN ? groupTrace(events) : [];
    return {
      ...t,
      events,
      groups,
      stops: groups.length > 0 ? groupStops(groups, events.length) : [],
      fixApplied: false,
      cursor: 0,
      playing: events.length > 1,
      title: meta.title ?? `${meta.on}: ${meta.line}`,
      on: meta.on,
      line: meta.line,
      id: t.id + 1,
      summary: meta.summary ?? null,
    };
  },
  step(t: TraceState, delta: 1 | -1): TraceState {
    return { ...t, cursor: clamp(t.cursor + delta, t.events.length), playing: false };
  },
  seek(t: TraceState, index: number): TraceState {
    return { ...t, cursor: clamp(index, t.events.length), playing: false };
  },
  play(t: TraceState): TraceState {
    if (t.events.length < 2) return { ...t, playing: false };
    // playing from the last event starts over, like a media player
    const cursor = t.cursor >= t.events.length - 1 ? 0 : t.cursor;
    return { ...t, cursor, playing: true };
  },
  pause(t: TraceState): TraceState {
    return { ...t, playing: false };
  },
  tick(t: TraceState): TraceState {
    if (!t.playing) return t;
    const last = t.events.length - 1;
    if (t.cursor >= last) return { ...t, playing: false };
    // a grouped trace plays from the end of one packet's story to the next
    const cursor = t.stops.length > 0 ? (t.stops.find((i) => i > t.cursor) ?? last) : t.cursor + 1;
    return { ...t, cursor, playing: cursor < last };
  },
  fixApplied(t: TraceState): TraceState {
    return { ...t, fixApplied: true };
  },
  speed(t: TraceState, speed: number): TraceState {
    if (!Number.isFinite(speed) || speed <= 0) return t;
    return { ...t, speed };
  },
};

export const createTraceSlice: StateCreator<AppState, [], [], TraceSlice> = (set, get) => ({
  trace: emptyTrace,
  showTrace: (events, meta) => {
    const trace = traceReducers.show(get().trace, events, meta);
    set({ trace });
    if (!meta.probe) get().ingestTrace(trace.events);
  },
  stepTrace: (delta) => set({ trace: traceReducers.step(get().trace, delta) }),
  seekTrace: (index) => set({ trace: traceReducers.seek(get().trace, index) }),
  playTrace: () => set({ trace: traceReducers.play(get().trace) }),
  pauseTrace: () => set({ trace: traceReducers.pause(get().trace) }),
  tickTrace: () => {
    const t = get().trace;
    const next = traceReducers.tick(t);
    if (next !== t) set({ trace: next });
  },
  setTraceSpeed: (speed) => set({ trace: traceReducers.speed(get().trace, speed) }),
  clearTrace: () => set({ trace: { ...emptyTrace, speed: get().trace.speed, id: get().trace.id + 1 } }),
  applyTraceFix: (fix) => {
    const ops = get().doc.ops.length;
    get().submitLine(fix.on, fix.run, { local: false });
    if (get().doc.ops.length > ops) set({ trace: traceReducers.fixApplied(get().trace) });
  },
});
