/**
 * Capture slice: capture panels, one per interface, printing a tcpdump-style line for every frame
 * that crosses it; and `ingestTrace`, the one door through which frames that really happened reach
 * every capture (panels and terminal tcpdumps).
 *
 * `ingestTrace` is idempotent: events already seen are skipped, so the lab slice and the terminals
 * may both hand over the same result. Probe traces (the reachability matrix) never changed the
 * world and must not be ingested: showTrace ingests unless its meta says `probe`.
 */
import type { StateCreator } from 'zustand';
import type { TraceEvent } from '../engine/sim/trace';
import { ANY_DEV, formatCaptured, frameKey, framesOnDev, RECENT_FRAMES, type FrameDirection } from '../commands/tcpdump';
import type { AppState } from './index';

export const MAX_CAPTURE_LINES = 2000;

export interface CaptureLine {
  seq: number;
  dir: FrameDirection;
  dev: string;
  text: string;
  /** the packet (request, reply, ARP…) the frame belongs to */
  packetId: number;
}

export interface CaptureSession {
  id: number;
  netns: string;
  dev: string;
  lines: CaptureLine[];
  /** frames captured since start (lines may have been trimmed) */
  count: number;
  paused: boolean;
}

export interface CaptureSlice {
  captures: CaptureSession[];
  activeCapture: number | null;
  /** Open a capture panel on netns/dev (or focus the one already open). */
  startCapture: (netns: string, dev: string) => void;
  closeCapture: (id: number) => void;
  clearCapture: (id: number) => void;
  toggleCapturePause: (id: number) => void;
  selectCapture: (id: number) => void;
  /** Frames that really happened (a command's result.trace): feed capture panels and terminal tcpdumps. */
  ingestTrace: (events: readonly TraceEvent[]) => void;
}

/** Append the frames of `events` that cross the session's interface. Pure. */
export function feedSession(s: CaptureSession, events: readonly TraceEvent[]): CaptureSession {
  if (s.paused) return s;
  const add: CaptureLine[] = [];
  const recent = new Set(s.lines.slice(-RECENT_FRAMES).map((l) => frameKey(l.dev, l.packetId, l.dir)));
  for (const frame of framesOnDev(events, s.netns, s.dev, recent)) {
    const text = formatCaptured(frame, { any: s.dev === ANY_DEV });
    if (text !== null) add.push({ seq: frame.event.seq, dir: frame.dir, dev: frame.dev, text, packetId: frame.event.packetId });
  }
  if (add.length === 0) return s;
  return { ...s, lines: [...s.lines, ...add].slice(-MAX_CAPTURE_LINES), count: s.count + add.length };
}

export const createCaptureSlice: StateCreator<AppState, [], [], CaptureSlice> = (set, get) => {
  // events already handed to captures: the same result may arrive through several doors (the lab
  // slice's showTrace, a terminal), and a replayed world restarts seq, so dedupe by identity
  const ingested = new WeakSet<TraceEvent>();
  let nextId = 1;

  return {
    captures: [],
    activeCapture: null,

    startCapture: (netns, dev) => {
      const existing = get().captures.find((c) => c.netns === netns && c.dev === dev);
      if (existing) return set({ activeCapture: existing.id });
      const id = nextId++;
      set({
        captures: [...get().captures, { id, netns, dev, lines: [], count: 0, paused: false }],
        activeCapture: id,
      });
    },

    closeCapture: (id) => {
      const { captures, activeCapture } = get();
      const i = captures.findIndex((c) => c.id === id);
      if (i < 0) return;
      const rest = captures.filter((c) => c.id !== id);
      set({
        captures: rest,
        activeCapture: activeCapture === id ? (rest[Math.min(i, rest.length - 1)]?.id ?? null) : activeCapture,
      });
    },

    clearCapture: (id) =>
      set({ captures: get().captures.map((c) => (c.id === id ? { ...c, lines: [], count: 0 } : c)) }),

    toggleCapturePause: (id) =>
      set({ captures: get().captures.map((c) => (c.id === id ? { ...c, paused: !c.paused } : c)) }),

    selectCapture: (id) => set({ activeCapture: id }),

    ingestTrace: (events) => {
      const fresh = events.filter((e) => !ingested.has(e));
      if (fresh.length === 0) return;
      for (const e of fresh) ingested.add(e);
      const { captures } = get();
      let changed = false;
      const next = captures.map((c) => {
        const fed = feedSession(c, fresh);
        if (fed !== c) changed = true;
        return fed;
      });
      if (changed) set({ captures: next });
      get().feedTerminalCaptures(fresh);
    },
  };
};
