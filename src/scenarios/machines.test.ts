import { describe, expect, it } from 'vitest';
import { runScenario } from './runner';
import type { Scenario } from './scenario';

const lab = (machines: boolean): Scenario => ({
  name: 'machines',
  machines,
  hosts: ['node01', 'node02'],
  lans: { lan0: ['node01:eth0', 'node02:eth0'] },
  steps: [
    { on: 'node01', run: 'ip netns add pod1' },
    { on: 'node02', run: 'ip netns add pod2' },
    { on: 'node01', run: 'ip link add veth-pod1 type veth peer name veth-pod1-br' },
    { on: 'node01', run: 'ip link set veth-pod1 netns pod1' },
    { on: 'node01', run: 'ip netns list' },
    { on: 'node01', run: 'ip netns exec pod2 hostname' },
    { on: 'node01', run: 'ip -n pod2 link' },
    { on: 'node01', run: 'ip link set veth-pod1-br netns pod2' },
    { on: 'node01', run: 'ip -o link show veth-pod1-br' },
    { on: 'node01', run: 'ip -o link show eth0' },
    { on: 'node01', run: 'ip netns exec pod1 ip -o link show veth-pod1' },
    { on: 'node02', run: 'ip netns del pod1' },
  ],
});

const cut = (s: string) => s.replace(/link\/ether \S+ brd \S+/, 'link/ether …');

describe('scenarios with "machines": true', () => {
  it('gives each host its own namespaces: another machine\'s are unknown to it, and links into them show an id', () => {
    const r = runScenario(lab(true)).results;
    // id 0 went to the LAN switch, which eth0 reaches into
    expect(r[4].stdout).toBe('pod1 (id: 1)\n');
    expect([r[5].exit, r[5].stderr]).toEqual([255, 'Cannot open network namespace "pod2": No such file or directory\n']);
    expect([r[6].exit, r[6].stderr]).toEqual([255, 'Cannot open network namespace "pod2": No such file or directory\n']);
    expect([r[7].exit, r[7].stderr]).toEqual([255, 'Error: argument "pod2" is wrong: Invalid "netns" value\n\n']);
    expect(cut(r[8].stdout)).toMatch(/veth-pod1-br@if\d+: .* link\/ether … link-netns pod1$/m);
    // the LAN switch is no namespace a machine can name
    expect(cut(r[9].stdout)).toMatch(/eth0@if\d+: .* link\/ether … link-netnsid \d+$/m);
    expect(cut(r[10].stdout)).toMatch(/veth-pod1@if\d+: .* link\/ether … link-netnsid \d+$/m);
    expect([r[11].exit, r[11].stderr]).toEqual([1, 'Cannot remove namespace file "/run/netns/pod1": No such file or directory\n']);
  });

  it('without it, every namespace is visible from everywhere, as on the one kernel the oracle records on', () => {
    const r = runScenario(lab(false)).results;
    expect(r[4].stdout).toContain('pod2');
    expect(r[5].stdout).toBe('pod2\n');
    expect(r[9].stdout).toContain('link-netns __lan_lan0');
  });
});
