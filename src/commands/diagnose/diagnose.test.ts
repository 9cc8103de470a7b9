/** Fixes are suggested above the engine, from the drop events and the lab as it stands. */
import { describe, expect, it } from 'vitest';
import { runCommand } from '..';
import { buildWorld } from '../../scenarios/runner';
import { World } from '../../engine/world';
import { probe } from '../../engine';

const lab = (preset: string) => buildWorld({ name: `diagnose-${preset}`, preset, steps: [] });
const fixOf = (r: ReturnType<typeof runCommand>) => r.trace.find((e) => e.fix)?.fix;

describe('diagnose', () => {
  it('a missing route: the route via the node that owns the subnet', () => {
    expect(fixOf(runCommand(lab('before-routes'), 'node01', 'ping -c 1 -W 1 10.244.2.2'))).toEqual({ text: 'add a route to 10.244.2.0/24 via 192.168.1.12 on node01', on: 'node01', run: 'ip route add 10.244.2.0/24 via 192.168.1.12' });
  });

  it('forwarding off: net.ipv4.ip_forward, or the one device still off', () => {
    const w = lab('routed');
    runCommand(w, 'node02', 'sysctl -qw net.ipv4.ip_forward=0');
    expect(fixOf(runCommand(w, 'pod1', 'ping -c 1 -W 1 10.244.2.2'))).toEqual({ text: 'enable net.ipv4.ip_forward on node02', on: 'node02', run: 'sysctl -w net.ipv4.ip_forward=1' });
    runCommand(w, 'node02', 'sysctl -qw net.ipv4.ip_forward=1 && sysctl -qw net.ipv4.conf.eth0.forwarding=0');
    expect(fixOf(runCommand(w, 'pod1', 'ping -c 1 -W 1 10.244.2.2'))).toEqual({ text: 'enable forwarding on eth0 of node02', on: 'node02', run: 'sysctl -w net.ipv4.conf.eth0.forwarding=1' });
  });

  it('a veth whose peer is down, and a bridge that is down under its port', () => {
    const w = new World();
    w.addHost('a');
    w.addHost('b');
    w.addLink('a:eth0', 'b:eth0');
    runCommand(w, 'a', 'ip addr add 10.0.0.1/24 dev eth0');
    runCommand(w, 'b', 'ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 down');
    expect(fixOf(runCommand(w, 'a', 'ping -c 1 -W 1 10.0.0.2'))).toEqual({ text: 'bring eth0 up on b', on: 'b', run: 'ip link set eth0 up' });
    const routed = lab('routed');
    runCommand(routed, 'node02', 'ip link set v-net-0 down');
    expect(fixOf(runCommand(routed, 'pod2', 'ping -c 1 -W 1 10.244.2.1'))).toEqual({ text: 'bring v-net-0 up on node02', on: 'node02', run: 'ip link set v-net-0 up' });
  });

  it('the engine itself suggests nothing: its events carry data, not remedies', () => {
    const w = lab('before-routes');
    const r = runCommand(w, 'node01', 'ping -c 1 -W 1 10.244.2.2');
    const drop = r.trace.find((e) => e.verdict === 'IP_OUTNOROUTES')!;
    expect(drop.dst).toBe('10.244.2.2');
    // the same drop straight from the engine's probe carries no fix
    expect(probe(w, 'node01', '10.244.2.2').trace.find((e) => e.verdict === 'IP_OUTNOROUTES')?.fix).toBeUndefined();
  });
});
