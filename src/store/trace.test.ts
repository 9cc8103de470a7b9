import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../engine/sim/trace';
import { emptyTrace, traceReducers as R } from './trace';

const evs = (n: number): TraceEvent[] =>
  Array.from({ length: n }, (_, i) => ({ seq: i + 1, time: i, netns: 'node01', verdict: 'XMIT', text: `e${i}`, packetId: 1 }));

describe('trace play head', () => {
  const shown = R.show(emptyTrace, evs(4), { on: 'node01', line: 'ping -c 1 10.244.2.2' });
  it('shows a trace from the start and plays it', () => {
    expect(shown).toMatchObject({ cursor: 0, playing: true, title: 'node01: ping -c 1 10.244.2.2', on: 'node01', id: 1 });
    expect(R.show(shown, evs(1), { on: 'a', line: 'b', title: 'T' })).toMatchObject({ playing: false, title: 'T', id: 2 });
  });
  it('ticks to the end and stops there', () => {
    let t = shown;
    const seen = [t.cursor];
    for (let i = 0; i < 6; i++) {
      t = R.tick(t);
      seen.push(t.cursor);
    }
    expect(seen).toEqual([0, 1, 2, 3, 3, 3, 3]);
    expect(t.playing).toBe(false);
  });
  it('does not tick while paused', () => {
    const p = R.pause(shown);
    expect(R.tick(p)).toBe(p);
  });
  it('steps and seeks within bounds, pausing playback', () => {
    expect(R.step(shown, -1)).toMatchObject({ cursor: 0, playing: false });
    expect(R.step(R.step(shown, 1), 1).cursor).toBe(2);
    expect(R.seek(shown, 99).cursor).toBe(3);
    expect(R.seek(shown, -5).cursor).toBe(0);
    expect(R.seek(emptyTrace, 3).cursor).toBe(0);
  });
  it('play from the last event starts over; a one-event trace does not play', () => {
    expect(R.play(R.seek(shown, 3))).toMatchObject({ cursor: 0, playing: true });
    expect(R.play(R.seek(shown, 1))).toMatchObject({ cursor: 1, playing: true });
    expect(R.play(R.show(emptyTrace, evs(1), { on: 'a', line: 'b' })).playing).toBe(false);
  });
  it('accepts only positive speeds', () => {
    expect(R.speed(shown, 2).speed).toBe(2);
    expect(R.speed(shown, 0).speed).toBe(1);
    expect(R.speed(shown, Number.NaN).speed).toBe(1);
  });
});
