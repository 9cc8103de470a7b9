import { describe, expect, it } from 'vitest';
import { bridgeCommands, deleteMachineSteps, machineSteps, nextFreeAddr, nodeNumber, podCommands, previewLine } from './plans';
import { seedSnapshot } from '../canvas/fixture.test-data';

describe('add plans', () => {
  it('suggests the first free address of a subnet', () => {
    const snap = seedSnapshot();
    expect(nextFreeAddr(snap, '10.244.1.1/24')).toBe('10.244.1.3/24'); // .2 is pod1
    expect(nextFreeAddr(snap, '192.168.1.0/24', 11)).toBe('192.168.1.13/24');
    expect(nextFreeAddr(snap, 'nonsense')).toBeNull();
  });

  it('numbers nodes from their names', () => {
    expect(nodeNumber('node03', 0)).toBe(3);
    expect(nodeNumber('router', 4)).toBe(5);
  });

  it('attaches a pod the way the lesson does', () => {
    expect(podCommands('pod4', 'v-net-0', '10.244.1.3/24', '10.244.1.1')).toEqual([
      'ip netns add pod4',
      'ip link add veth-pod4 type veth peer name veth-pod4-br',
      'ip link set veth-pod4 netns pod4',
      'ip link set veth-pod4-br master v-net-0',
      'ip link set veth-pod4-br up',
      'ip -n pod4 addr add 10.244.1.3/24 dev veth-pod4',
      'ip -n pod4 link set veth-pod4 up',
      'ip -n pod4 route add default via 10.244.1.1',
    ]);
  });

  it('creates a bridge up with its address', () => {
    expect(bridgeCommands('v-net-0', '10.244.4.1/24')).toEqual(['ip link add v-net-0 type bridge', 'ip link set dev v-net-0 up', 'ip addr add 10.244.4.1/24 dev v-net-0']);
    expect(bridgeCommands('br1', ' ')).toHaveLength(2);
  });

  it('plugs a new machine into a LAN', () => {
    expect(machineSteps('node04', 'lan0', '192.168.1.14/24')).toEqual([
      { kind: 'host', name: 'node04' },
      { kind: 'lan-member', lan: 'lan0', member: 'node04:eth0' },
      { kind: 'cmd', on: 'node04', run: 'ip addr add 192.168.1.14/24 dev eth0' },
    ]);
    expect(machineSteps('node04', '', '')).toEqual([{ kind: 'host', name: 'node04' }]);
  });

  it('deletes a node with the pods drawn inside it, a bare machine alone', () => {
    const snap = seedSnapshot();
    expect(deleteMachineSteps(snap, { pod1: 'node01' }, 'node01')).toEqual([
      { kind: 'remove-host', name: 'pod1' },
      { kind: 'remove-host', name: 'node01' },
    ]);
    expect(deleteMachineSteps(snap, { pod1: 'node01' }, 'node02')).toEqual([{ kind: 'remove-host', name: 'node02' }]);
    expect(previewLine({ kind: 'remove-lan', name: 'lan0' })).toBe('# delete LAN switch lan0, unplugging every cable');
  });
});
