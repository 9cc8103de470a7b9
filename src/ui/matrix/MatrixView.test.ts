import { describe, expect, it } from 'vitest';
import { shortVerdict } from './MatrixView';

describe('matrix cell words come from the verdict as data', () => {
  it('names each kind of verdict', () => {
    expect(shortVerdict({ kind: 'reply' })).toBe('reply');
    expect(shortVerdict({ kind: 'connect', errno: 'ENETUNREACH' })).toBe('no route');
    expect(shortVerdict({ kind: 'icmp', type: 3, code: 1, from: '10.0.0.1' })).toBe('host unreach.');
    expect(shortVerdict({ kind: 'icmp', type: 11, code: 0, from: '10.0.0.1' })).toBe('TTL');
    expect(shortVerdict({ kind: 'dropped', reason: 'IP_FORWARDING_DISABLED', netns: 'node02' })).toBe('fwd off');
    expect(shortVerdict({ kind: 'no-reply' })).toBe('no reply');
  });
});
