import { describe, expect, it } from 'vitest';
import { presetDoc, replay } from '../../store/replay';
import { probeTrace } from '../../store/matrix';
import { partIndex } from './lockstep';

describe('lockstep traces', () => {
  it('the unreachable and the routed ping part where node01 finds no route', () => {
    const a = probeTrace(replay(presetDoc('before-routes')), 'node01', '10.244.2.2').trace;
    const b = probeTrace(replay(presetDoc('routed')), 'node01', '10.244.2.2').trace;
    const k = partIndex(a, b);
    expect(k).toBe(0);
    expect(a[k].verdict).toBe('IP_OUTNOROUTES');
    expect(b[k].verdict).toBe('FIB_MATCH');
  });
  it('forwarding off at node02 parts later, at node02', () => {
    const a = probeTrace(replay(presetDoc('routed')), 'pod1', '10.244.2.2').trace;
    const labOff = presetDoc('routed');
    labOff.ops.push({ kind: 'cmd', on: 'node02', run: 'sysctl -w net.ipv4.ip_forward=0', edit: true });
    const b = probeTrace(replay(labOff), 'pod1', '10.244.2.2').trace;
    const k = partIndex(a, b);
    expect(k).toBeGreaterThan(5);
    expect(b[k].netns).toBe('node02');
    expect(b[k].verdict).toBe('IP_FORWARDING_DISABLED');
    expect(partIndex(a, a)).toBe(-1);
  });
});
