import { describe, expect, it } from 'vitest';
import { packetTag } from './nodes';
import type { TraceEvent } from '../../engine/sim/trace';

const ev = (packet: TraceEvent['packet']): TraceEvent => ({ seq: 1, time: 0, netns: 'pod1', dev: 'eth0', verdict: 'XMIT', text: '', packetId: 1, packet });

describe('packetTag', () => {
  it('names ICMP, ARP and UDP packets', () => {
    expect(packetTag(ev({ ip: { src: '10.244.1.2', dst: '10.244.2.2', ttl: 64, proto: 'ICMP' }, icmp: { type: 8, code: 0, name: 'echo request' } }))).toBe('echo request 10.244.1.2 → 10.244.2.2');
    expect(packetTag(ev({ arp: { op: 'request', senderIp: '192.168.1.11', senderMac: 'aa', targetIp: '192.168.1.12', targetMac: '00' } }))).toBe('ARP who-has 192.168.1.12');
    expect(packetTag(ev({ arp: { op: 'reply', senderIp: '192.168.1.12', senderMac: 'bb', targetIp: '192.168.1.11', targetMac: 'aa' } }))).toBe('ARP 192.168.1.12 is-at bb');
    expect(packetTag(ev({ ip: { src: 'a', dst: 'b', ttl: 1, proto: 'UDP' }, udp: { sport: 1, dport: 33434 } }))).toBe('UDP :33434 a → b');
    expect(packetTag(ev(undefined))).toBeNull();
  });
});
