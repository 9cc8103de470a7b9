/** A hand-written WorldSnapshot: the seed lab with two nodes, one pod on node01 (for graph tests). */
import type { DevSnapshot, WorldSnapshot } from '../../engine/snapshot';

let ifindex = 0;
export function dev(name: string, kind: DevSnapshot['kind'], extra: Partial<DevSnapshot> = {}): DevSnapshot {
  return {
    ifindex: ++ifindex,
    name,
    kind,
    mac: `02:00:00:00:00:${ifindex.toString(16).padStart(2, '0')}`,
    adminUp: true,
    carrier: true,
    operstate: kind === 'loopback' ? 'UNKNOWN' : 'UP',
    addrs: [],
    ...extra,
  };
}
const a = (addr: string, prefixlen: number) => ({ addr, prefixlen, secondary: false });

export function seedSnapshot(): WorldSnapshot {
  return {
    version: 7,
    netns: [
      {
        name: 'node01',
        role: 'host',
        ipForward: false,
        routes: ['10.244.1.0/24 dev v-net-0 proto kernel scope link src 10.244.1.1', '192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.11'],
        devs: [
          dev('lo', 'loopback', { addrs: [a('127.0.0.1', 8)] }),
          dev('eth0', 'veth', { addrs: [a('192.168.1.11', 24)], peer: { netns: '__lan_lan0', dev: 'p1' } }),
          dev('v-net-0', 'bridge', { addrs: [a('10.244.1.1', 24)] }),
          dev('veth-pod1-br', 'veth', { master: 'v-net-0', peer: { netns: 'pod1', dev: 'veth-pod1' } }),
        ],
      },
      {
        name: 'node02',
        role: 'host',
        ipForward: true,
        routes: ['192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.12'],
        devs: [
          dev('lo', 'loopback', { addrs: [a('127.0.0.1', 8)] }),
          dev('eth0', 'veth', { addrs: [a('192.168.1.12', 24)], peer: { netns: '__lan_lan0', dev: 'p2' }, adminUp: false, operstate: 'DOWN' }),
        ],
      },
      {
        name: 'pod1',
        role: 'host',
        ipForward: false,
        routes: ['default via 10.244.1.1 dev veth-pod1', '10.244.1.0/24 dev veth-pod1 proto kernel scope link src 10.244.1.2'],
        devs: [
          dev('lo', 'loopback'),
          dev('veth-pod1', 'veth', { addrs: [a('10.244.1.2', 24)], peer: { netns: 'node01', dev: 'veth-pod1-br' } }),
        ],
      },
      {
        name: '__lan_lan0',
        role: 'lan',
        ipForward: false,
        routes: [],
        devs: [
          dev('br0', 'bridge'),
          dev('p1', 'veth', { master: 'br0', peer: { netns: 'node01', dev: 'eth0' } }),
          dev('p2', 'veth', { master: 'br0', peer: { netns: 'node02', dev: 'eth0' }, carrier: false, operstate: 'LOWERLAYERDOWN' }),
        ],
      },
    ],
    lans: [{ name: 'lan0', members: [{ netns: 'node01', dev: 'eth0' }, { netns: 'node02', dev: 'eth0' }] }],
  };
}
