import { describe, expect, it } from 'vitest';
import { isEditLine, netnsCreators, nextName } from './doc';

describe('doc helpers', () => {
  it('tells configuration from probing', () => {
    expect(isEditLine('ip route add 10.244.2.2 via 192.168.1.12')).toBe(true);
    expect(isEditLine('sysctl -w net.ipv4.ip_forward=1')).toBe(true);
    expect(isEditLine('ping -c 1 10.244.2.2')).toBe(false);
    expect(isEditLine('ip netns exec pod1 ping 10.244.2.2')).toBe(false);
    expect(isEditLine('ping -c1 10.0.0.1; ip link set eth0 down')).toBe(true);
    expect(isEditLine('traceroute 10.244.3.2')).toBe(false);
  });

  it('finds which node created each namespace', () => {
    const creators = netnsCreators({
      base: { name: 'x', steps: [{ on: 'node01', run: 'ip netns add pod1' }] },
      ops: [
        { kind: 'cmd', on: 'node02', run: 'ip link add v type bridge && ip netns add web', edit: true },
        { kind: 'host', name: 'node03' },
      ],
    });
    expect(creators).toEqual({ pod1: 'node01', web: 'node02' });
  });

  it('picks the next free name', () => {
    expect(nextName('node', ['node01', 'node02'], 1, 2)).toBe('node03');
    expect(nextName('pod', ['pod1', 'pod3'])).toBe('pod2');
    expect(nextName('v-net-', [], 0)).toBe('v-net-0');
  });
});
