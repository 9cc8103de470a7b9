import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../engine/sim/trace';
import { decidedBy } from './PacketInspector';

const ev = (netns: string, packetId: number, over: Partial<TraceEvent> = {}): TraceEvent => ({ seq: 0, time: 0, netns, verdict: 'XMIT', text: '', packetId, ...over });

describe('decidedBy', () => {
  const events = [
    ev('node01', 1, { verdict: 'FIB_MATCH', route: '10.244.2.2 via 192.168.1.12 dev eth0' }),
    ev('node01', 2, { verdict: 'FIB_MATCH', route: 'default via 10.244.1.1' }),
    ev('node01', 1, { verdict: 'XMIT' }),
    ev('node02', 1, { verdict: 'RCV' }),
    ev('node02', 1, { verdict: 'FDB_HIT', fdb: 'aa dev veth master v-net-0' }),
  ];
  it('finds the route of the same packet in the same namespace', () => {
    expect(decidedBy(events, 2, 'route')).toEqual({ text: '10.244.2.2 via 192.168.1.12 dev eth0', at: 0 });
    expect(decidedBy(events, 3, 'route')).toBeNull(); // node02 has not looked it up yet
    expect(decidedBy(events, 4, 'fdb')).toEqual({ text: 'aa dev veth master v-net-0', at: 4 });
  });
});
