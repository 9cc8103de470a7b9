import { describe, expect, it } from 'vitest';
import { World } from '../engine/world';
import { runCommand } from '.';
import { Verdict } from '../engine/sim/trace';

const lab = () => {
  const w = new World();
  for (const h of ['h1', 'p1', 'p2']) w.addHost(h);
  const run = (on: string, line: string) => runCommand(w, on, line);
  run('h1', 'ip link add br0 type bridge && ip link set br0 up');
  for (const [v, p] of [['veth1', 'p1'], ['veth2', 'p2']]) {
    run('h1', `ip link add ${v} type veth peer name eth0 netns ${p} && ip link set ${v} master br0 && ip link set ${v} up`);
    run(p, `ip link set eth0 up && ip addr add 10.0.0.${p === 'p1' ? 1 : 2}/24 dev eth0`);
  }
  return { w, run };
};

describe('bridge port settings', () => {
  it('floods a broadcast back out of its ingress port only in hairpin mode', () => {
    const { run } = lab();
    const floods = (r: ReturnType<typeof run>) => r.trace.filter((e) => e.verdict === Verdict.FLOOD && e.netns === 'h1').map((e) => e.text);
    expect(floods(run('p1', 'ping -c 1 -W 1 10.0.0.2'))).toEqual(['br0: broadcast → flooded to veth2']);
    run('p1', 'ip neigh flush dev eth0');
    run('h1', 'bridge link set dev veth1 hairpin on');
    expect(floods(run('p1', 'ping -c 1 -W 1 10.0.0.2'))).toEqual(['br0: broadcast → flooded to veth1, veth2']);
  });

  it('sends a known unicast frame back to the port it came from in hairpin mode, and filters it otherwise', () => {
    const { w, run } = lab();
    run('p1', 'ping -c 1 -W 1 10.0.0.2');
    // p1 sends a frame to its own MAC: the bridge learned that MAC behind veth1, where the frame comes from
    const mac = w.netns('p1')!.devByName('eth0')!.mac;
    run('p1', `ip neigh add 10.0.0.9 lladdr ${mac} dev eth0`);
    const bridged = (r: ReturnType<typeof run>) => r.trace.filter((e) => e.netns === 'h1' && (e.verdict === Verdict.FDB_HIT || e.verdict === Verdict.OTHERHOST)).map((e) => e.text);
    expect(bridged(run('p1', 'ping -c 1 -W 1 10.0.0.9'))).toEqual([`br0: ${mac} is behind veth1, where the frame came from → filtered`]);
    run('h1', 'bridge link set dev veth1 hairpin on');
    expect(bridged(run('p1', 'ping -c 1 -W 1 10.0.0.9'))).toEqual([`br0: fdb says ${mac} is behind veth1 → forwarded out veth1`]);
    run('h1', 'bridge link set dev veth1 hairpin off');
    expect(run('h1', 'bridge -d link show dev veth1').stdout).toContain('    hairpin off guard off root_block off fastleave off learning on flood on mcast_flood on bcast_flood on mcast_router 1 ');
    run('h1', 'bridge link set dev veth1 learning off hairpin on cost 7');
    expect(run('h1', 'bridge -d link show dev veth1').stdout).toMatch(/priority 32 cost 7 \n    hairpin on .* learning off /);
    // a port leaving the bridge forgets its settings
    run('h1', 'ip link set veth1 nomaster && ip link set veth1 master br0');
    expect(run('h1', 'bridge -d link show dev veth1').stdout).toContain('cost 2 \n    hairpin off ');
  });
});

describe('bridge fdb on a bridge port (master)', () => {
  it('keeps a static entry past the ageing time and forwards to it; a dynamic one ages out', () => {
    const { w, run } = lab();
    const mac2 = '02:00:00:00:00:02';
    expect(run('p2', `ip link set eth0 address ${mac2}`).exit).toBe(0);
    expect(run('h1', `bridge fdb add ${mac2} dev veth2 master static`).exit).toBe(0);
    expect(run('h1', 'bridge fdb add 00:11:22:33:44:77 dev veth1 master dynamic').exit).toBe(0);
    w.advance(400_000);
    const shown = run('h1', 'bridge fdb show br br0').stdout;
    expect(shown).toContain(`${mac2} dev veth2 master br0 static\n`);
    expect(shown).not.toContain('00:11:22:33:44:77');
    // p1 knows p2's address: the echo request goes straight to veth2, never flooded there (only p2's ARP for p1 is)
    run('p1', `ip neigh replace 10.0.0.2 lladdr ${mac2} dev eth0`);
    const r = run('p1', 'ping -c 1 -W 1 10.0.0.2');
    expect(r.trace.filter((e) => e.verdict === Verdict.FLOOD && e.netns === 'h1' && e.text.includes('veth2'))).toEqual([]);
    expect(r.stdout).toContain('1 received');
  });
});
