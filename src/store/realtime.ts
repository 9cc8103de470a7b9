/**
 * How a terminal runs a command in real time. The engine only knows virtual time; here the store
 * decides how fast it goes: each frame it pumps the world for a few milliseconds of CPU, up to
 * where virtual time should be by now (it follows real time while a command waits, as ping's
 * one-second interval does on Linux), so the page stays responsive and Ctrl+C works at any time.
 */

/** Real time, as the app gives it to the store (tests give a fake one, or none: commands then run to their end at once). */
export interface RealTime {
  /** milliseconds, monotonic */
  now(): number;
  /** run fn soon, after the page had a chance to paint and take input */
  later(fn: () => void): void;
}

/** CPU one frame gives to the simulation, in ms: half a 60 Hz frame, the rest is the page's. */
export const SLICE_MS = 8;

/** How far the simulation may run ahead of real time: packets in flight (microseconds) land at once. */
export const LOOKAHEAD_MS = 5;

export function browserRealTime(): RealTime {
  return {
    now: () => performance.now(),
    later: (fn) => {
      // a hidden tab gets no animation frames: a timer keeps a running command going there too
      if (typeof document !== 'undefined' && document.hidden) setTimeout(fn, 50);
      else requestAnimationFrame(() => fn());
    },
  };
}

/**
 * Virtual time that follows real time from an anchor. When the CPU cannot keep up (a flood of
 * packets), virtual time falls behind; the pacer then re-anchors, so the waits that follow last
 * as long as they should instead of being skipped to catch up.
 */
export class Pacer {
  private v0: number;
  private r0: number;

  constructor(
    private readonly clock: RealTime,
    virtualNow: number,
  ) {
    this.v0 = virtualNow;
    this.r0 = clock.now();
  }

  /** Where virtual time should be now. */
  target(): number {
    return this.v0 + (this.clock.now() - this.r0) + LOOKAHEAD_MS;
  }

  /** After a slice that stopped short of its target: follow real time from where the world is. */
  fellBehind(virtualNow: number): void {
    this.v0 = virtualNow;
    this.r0 = this.clock.now();
  }

  /** A predicate for World.runUntil: true once this slice's CPU is used (the clock is read every 4 events). */
  sliceOver(): () => boolean {
    const end = this.clock.now() + SLICE_MS;
    let n = 0;
    return () => (++n & 3) === 0 && this.clock.now() > end;
  }
}
