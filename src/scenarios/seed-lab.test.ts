/**
 * The three-node lab of the lesson (LAB.md), stage by stage, as a student would walk through it.
 * Each test is one sentence of the handout; the trace assertions are what the trace panel shows.
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_START_MS, runCommand, type CommandResult } from '../commands';
import { LAN_NS_PREFIX, type TraceEvent } from '../engine';
import type { World } from '../engine/world';
import { buildWorld } from './runner';

/** A lab at one preset stage, with a terminal per namespace. */
function lab(preset: string) {
  const world: World = buildWorld({ name: `seed-lab-${preset}`, preset, steps: [] });
  return {
    world,
    on: (netns: string) => ({
      run: (line: string): CommandResult => runCommand(world, netns, line),
    }),
  };
}

/** Where the first echo request (or reply) went: namespace/device per hop, the LAN switch as one hop. */
function path(trace: TraceEvent[], icmp: 'echo request' | 'echo reply'): string[] {
  const hops: string[] = [];
  for (const e of trace) {
    if (e.packet?.icmp?.name !== icmp || e.packet.icmp.seq !== 1) continue;
    if (e.verdict !== 'XMIT' && e.verdict !== 'RCV' && e.verdict !== 'BR_LOCAL') continue;
    const hop = e.netns.startsWith(LAN_NS_PREFIX) ? e.netns.slice(LAN_NS_PREFIX.length) : `${e.netns} ${e.dev}`;
    if (hops[hops.length - 1] !== hop) hops.push(hop);
  }
  return hops;
}

const drops = (t: TraceEvent[]) => t.filter((e) => ['IP_OUTNOROUTES', 'IP_INNOROUTES', 'IP_FORWARDING_DISABLED', 'NEIGH_FAILED', 'RTN_UNREACHABLE'].includes(e.verdict));

describe('the three-node lab, as the handout tells it', () => {
  it('1. the nodes share a LAN: node01 reaches node02 directly, ttl 64', () => {
    const l = lab('fresh');
    const r = l.on('node01').run('ping -c 1 192.168.1.12');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('64 bytes from 192.168.1.12: icmp_seq=1 ttl=64');
    expect(path(r.trace, 'echo request')).toEqual(['node01 eth0', 'lan0', 'node02 eth0']);
  });

  it('2. each node has a bridge v-net-0 with the pods\' gateway address', () => {
    const l = lab('bridges');
    expect(l.on('node02').run('ip -br addr show dev v-net-0').stdout).toMatch(/^v-net-0 +UNKNOWN +10\.244\.2\.1\/24 /);
    expect(l.on('node02').run('ip route').stdout).toContain('10.244.2.0/24 dev v-net-0 proto kernel scope link src 10.244.2.1');
  });

  it('3. a pod is a namespace joined to the bridge by a veth pair; it reaches its node through the gateway', () => {
    const l = lab('pods');
    expect(l.on('pod1').run('ip route').stdout).toBe('default via 10.244.1.1 dev veth-pod1 \n10.244.1.0/24 dev veth-pod1 proto kernel scope link src 10.244.1.2 \n');
    expect(l.on('node01').run('bridge link').stdout).toMatch(/veth-pod1-br@if\d+: .* master v-net-0 state forwarding/);
    const r = l.on('pod1').run('ping -c 1 10.244.1.1');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('ttl=64');
    expect(path(r.trace, 'echo request')).toEqual(['pod1 veth-pod1', 'node01 veth-pod1-br', 'node01 v-net-0']);
  });

  it('4. before the routes, node01 cannot reach pod2: "ping: connect: Network is unreachable", at once', () => {
    const l = lab('before-routes');
    const t0 = l.world.now;
    const r = l.on('node01').run('ping 10.244.2.2');
    expect(r.exit).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('ping: connect: Network is unreachable\n');
    // nothing was sent: the trace is the one failed route lookup, with the route to add
    expect(r.trace).toHaveLength(1);
    expect(r.trace[0]).toMatchObject({ netns: 'node01', verdict: 'IP_OUTNOROUTES', fix: { on: 'node01', run: 'ip route add 10.244.2.0/24 via 192.168.1.12' } });
    // no time passes beyond the command's own start: no packet waited for an answer
    expect(l.world.now - t0).toBe(COMMAND_START_MS);
  });

  it('4b. pod1 has a default route, so its packet does leave, and dies at node01 (forwarding is off there)', () => {
    const l = lab('before-routes');
    const r = l.on('pod1').run('ping -c 1 -W 1 10.244.2.2');
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('1 packets transmitted, 0 received, 100% packet loss');
    const [drop] = drops(r.trace);
    expect(drop).toMatchObject({ netns: 'node01', dev: 'v-net-0', verdict: 'IP_FORWARDING_DISABLED', fix: { on: 'node01', run: 'sysctl -w net.ipv4.ip_forward=1' } });
  });

  it('5. after the routes with ip_forward=0, the request reaches node02 and is dropped there, silently', () => {
    const l = lab('before-routes');
    for (const [on, line] of [
      ['node01', 'ip route add 10.244.2.2 via 192.168.1.12'],
      ['node02', 'ip route add 10.244.1.2 via 192.168.1.11'],
    ]) {
      expect(l.on(on).run(line)).toMatchObject({ exit: 0, stdout: '', stderr: '' });
    }
    expect(l.on('node02').run('sysctl net.ipv4.ip_forward').stdout).toBe('net.ipv4.ip_forward = 0\n');
    const r = l.on('node01').run('ping -c 1 -W 1 10.244.2.2');
    // 100% packet loss and no error line: nobody tells node01 anything
    expect(r.exit).toBe(1);
    expect(r.stdout).toBe('PING 10.244.2.2 (10.244.2.2) 56(84) bytes of data.\n\n--- 10.244.2.2 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n');
    expect(r.stdout).not.toContain('From ');
    expect(path(r.trace, 'echo request')).toEqual(['node01 eth0', 'lan0', 'node02 eth0']);
    const d = drops(r.trace);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ netns: 'node02', dev: 'eth0', verdict: 'IP_FORWARDING_DISABLED' });
    expect(d[0].text).toContain('net.ipv4.ip_forward = 0');
    expect(d[0].fix).toEqual({ text: 'enable net.ipv4.ip_forward on node02', on: 'node02', run: 'sysctl -w net.ipv4.ip_forward=1' });
  });

  it('6. running the suggested fix turns forwarding on; replies come back with ttl 63 along node01 eth0 → LAN → node02 eth0 → v-net-0 → veth-pod2-br → pod2 and back', () => {
    const l = lab('before-routes');
    l.on('node01').run('ip route add 10.244.2.2 via 192.168.1.12');
    l.on('node02').run('ip route add 10.244.1.2 via 192.168.1.11');
    const fix = drops(l.on('node01').run('ping -c 1 -W 1 10.244.2.2').trace)[0].fix!;
    expect(l.on(fix.on).run(fix.run)).toMatchObject({ exit: 0, stdout: 'net.ipv4.ip_forward = 1\n' });
    const r = l.on('node01').run('ping -c 1 10.244.2.2');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('64 bytes from 10.244.2.2: icmp_seq=1 ttl=63');
    expect(drops(r.trace)).toEqual([]);
    expect(path(r.trace, 'echo request')).toEqual(['node01 eth0', 'lan0', 'node02 eth0', 'node02 v-net-0', 'node02 veth-pod2-br', 'pod2 veth-pod2']);
    expect(path(r.trace, 'echo reply')).toEqual(['pod2 veth-pod2', 'node02 veth-pod2-br', 'node02 v-net-0', 'node02 eth0', 'lan0', 'node01 eth0']);
    // node02 decremented the TTL exactly once on the way in
    const fwd = r.trace.find((e) => e.verdict === 'FORWARD' && e.packet?.icmp?.name === 'echo request')!;
    expect(fwd).toMatchObject({ netns: 'node02', dev: 'v-net-0', packet: { ip: { ttl: 63 } } });
  });

  it('7. with routes and forwarding on every node, pods reach each other: ttl 62, two routers on the way', () => {
    const l = lab('routed');
    const r = l.on('pod1').run('ping -c 1 10.244.2.2');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('ttl=62');
    expect(path(r.trace, 'echo request')).toEqual([
      'pod1 veth-pod1',
      'node01 veth-pod1-br',
      'node01 v-net-0',
      'node01 eth0',
      'lan0',
      'node02 eth0',
      'node02 v-net-0',
      'node02 veth-pod2-br',
      'pod2 veth-pod2',
    ]);
    const t = l.on('pod1').run('traceroute -n 10.244.3.2');
    expect(t.stdout.split('\n').slice(1, 4).map((s) => s.trim().split(/\s+/)[1])).toEqual(['10.244.1.1', '192.168.1.13', '10.244.3.2']);
  });

  it('7b. the lecture\'s routes are per pod (/32): node02\'s own bridge address is still unreachable from node01', () => {
    const l = lab('routed');
    const r = l.on('node01').run('ping -c 1 10.244.2.1');
    expect(r.stderr).toBe('ping: connect: Network is unreachable\n');
    expect(r.trace[0].fix?.run).toBe('ip route add 10.244.2.0/24 via 192.168.1.12');
  });

  it('8. a single large network: a router owns the /16 summary and pods still reach each other (ttl 61, three routers)', () => {
    const l = lab('single-network');
    expect(l.on('node01').run('ip route show 10.244.0.0/16').stdout).toBe('10.244.0.0/16 via 192.168.1.1 dev eth0 \n');
    const r = l.on('pod1').run('ping -c 1 10.244.3.2');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('ttl=61');
    expect(r.trace.filter((e) => e.verdict === 'FORWARD' && e.packet?.icmp?.name === 'echo request').map((e) => e.netns)).toEqual(['node01', 'router', 'node03']);
    // a node talking to another node's bridge goes via the router, which says there is a shorter way
    const n = l.on('node01').run('ping -c 1 10.244.2.1');
    expect(n.stdout).toContain('From 192.168.1.1: icmp_seq=1 Redirect Host(New nexthop: 192.168.1.12)');
  });

  it('8b. with forwarding off on the router, the summary route leads nowhere: dropped at the router', () => {
    const l = lab('single-network');
    l.on('router').run('sysctl -w net.ipv4.ip_forward=0');
    const r = l.on('pod1').run('ping -c 1 -W 1 10.244.3.2');
    expect(r.exit).toBe(1);
    expect(drops(r.trace)[0]).toMatchObject({ netns: 'router', verdict: 'IP_FORWARDING_DISABLED', fix: { on: 'router' } });
  });
});
