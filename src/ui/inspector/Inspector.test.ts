import { describe, expect, it } from 'vitest';
import { deletePodCommands, routeAddCommand, routeDelCommand, viaExample } from './Inspector';
import { seedSnapshot } from '../canvas/fixture.test-data';

describe('inspector commands', () => {
  it('suggests a gateway the namespace already uses (a pod its bridge), else node02', () => {
    expect(viaExample({ routes: ['default via 10.244.2.1 dev eth0', '10.244.2.0/24 dev eth0 proto kernel scope link src 10.244.2.2'] })).toBe('10.244.2.1');
    expect(viaExample({ routes: ['192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.11'] })).toBe('192.168.1.12');
  });
  it('deletes a route identified by destination, gateway and device', () => {
    expect(routeDelCommand('10.244.2.2 via 192.168.1.12 dev eth0')).toBe('ip route del 10.244.2.2 via 192.168.1.12 dev eth0');
    expect(routeDelCommand('default via 10.244.1.1 dev veth-pod1 metric 100')).toBe('ip route del default via 10.244.1.1 dev veth-pod1 metric 100');
    expect(routeDelCommand('10.244.1.0/24 dev v-net-0 proto kernel scope link src 10.244.1.1')).toBe('ip route del 10.244.1.0/24 dev v-net-0');
    expect(routeDelCommand('unreachable 10.9.0.0/16')).toBe('ip route del unreachable 10.9.0.0/16');
  });

  it('builds ip route add from the form', () => {
    expect(routeAddCommand(' 10.244.2.2 ', '192.168.1.12', '')).toBe('ip route add 10.244.2.2 via 192.168.1.12');
    expect(routeAddCommand('default', '', 'eth0')).toBe('ip route add default dev eth0');
    expect(routeAddCommand('  ', '1.2.3.4', '')).toBeNull();
  });

  it('deletes a pod like a CNI DEL: its veth pair on the node, then the namespace', () => {
    const pod1 = seedSnapshot().netns.find((n) => n.name === 'pod1')!;
    expect(deletePodCommands(pod1, 'node01')).toEqual(['ip link del veth-pod1-br', 'ip netns del pod1']);
  });
});
