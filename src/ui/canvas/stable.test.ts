import { describe, expect, it } from 'vitest';
import { keepMeasured, reuseUnchanged, sameValue } from './stable';

describe('sameValue', () => {
  it('compares plain values structurally', () => {
    expect(sameValue({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null })).toBe(true);
    expect(sameValue({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameValue([1, 2], [1, 2, 3])).toBe(false);
    expect(sameValue(null, {})).toBe(false);
  });

  it('skips the top-level keys it is told to ignore, and only those', () => {
    expect(sameValue({ id: 'a', measured: { width: 1 } }, { id: 'a' }, ['measured'])).toBe(true);
    expect(sameValue({ id: 'a', data: { measured: 1 } }, { id: 'a', data: {} }, ['measured'])).toBe(false);
  });
});

describe('reuseUnchanged', () => {
  const a = { id: 'a', data: { ports: ['eth0'] }, position: { x: 0, y: 0 } };
  const b = { id: 'b', data: { ports: ['eth0'] }, position: { x: 10, y: 0 } };

  it('keeps the previous object for an unchanged item and takes the new one for a changed item', () => {
    const next = [structuredClone(a), { ...structuredClone(b), position: { x: 20, y: 0 } }];
    const out = reuseUnchanged([a, b], next);
    expect(out[0]).toBe(a);
    expect(out[1]).toBe(next[1]);
  });

  it('returns the previous list itself when nothing changed', () => {
    const prev = [a, b];
    expect(reuseUnchanged(prev, [structuredClone(a), structuredClone(b)])).toBe(prev);
  });

  it('keeps a measured box for an unchanged graph box when told to ignore measured', () => {
    const sized = { ...a, measured: { width: 120, height: 40 } };
    const prev = [sized, b];
    expect(reuseUnchanged(prev, [structuredClone(a), structuredClone(b)], ['measured'])).toBe(prev);
    expect(reuseUnchanged(prev, [structuredClone(a), structuredClone(b)])[0]).not.toBe(sized);
  });

  it('returns a new list when items are added, removed or reordered', () => {
    const prev = [a, b];
    expect(reuseUnchanged(prev, [structuredClone(a)])).toEqual([a]);
    expect(reuseUnchanged(prev, [structuredClone(a)])).not.toBe(prev);
    const swapped = reuseUnchanged(prev, [structuredClone(b), structuredClone(a)]);
    expect(swapped).not.toBe(prev);
    expect(swapped[0]).toBe(b);
    expect(swapped[1]).toBe(a);
  });
});

describe('keepMeasured', () => {
  type Box = { id: string; data: { ports: string[] }; measured?: { width: number; height: number } };
  const lan: Box = { id: 'lan:lan0', data: { ports: ['node01/eth0', 'node02/eth0'] }, measured: { width: 660, height: 64 } };
  const host: Box = { id: 'host:node01', data: { ports: ['eth0'] }, measured: { width: 344, height: 120 } };

  it('gives a changed box the size React Flow measured, so that its handle bounds and cables stay', () => {
    const grown: Box = { id: 'lan:lan0', data: { ports: ['node01/eth0', 'node02/eth0', 'node04/eth0'] } };
    const out = keepMeasured([lan, host], reuseUnchanged([lan, host], [grown, structuredClone(host)], ['measured']));
    expect(out[0].data).toBe(grown.data);
    expect(out[0].measured).toEqual({ width: 660, height: 64 });
    expect(out[1]).toBe(host);
  });

  it('leaves new boxes, boxes never measured and an unchanged list alone', () => {
    const fresh: Box = { id: 'host:node04', data: { ports: ['eth0'] } };
    const unmeasured: Box = { id: 'lan:lan0', data: { ports: [] } };
    const next = [{ ...unmeasured, data: { ports: ['x'] } }, fresh];
    expect(keepMeasured([unmeasured], next)).toBe(next);
    const same = [lan, host];
    expect(keepMeasured(same, same)).toBe(same);
  });
});
