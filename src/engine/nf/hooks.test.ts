/**
 * Netfilter hook points: functions registered per namespace run in priority order at the kernel's
 * places, may drop, rewrite (NAT) or steal a packet, and cost nothing once unregistered.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { parseIpv4 } from '../addr/ipv4';
import { nfHookName, NF_ACCEPT, NF_BR, NF_DROP, NF_INET, NF_IP_PRI, NF_STOLEN, nfHookEntries, nfRegisterNetHook, nfReinject, nfUnregisterNetHook, type NfHookOps, type NfHookState } from './hooks';
import { withAddrs, type Ipv4Packet } from '../wire/ipv4';
import type { Frame } from '../wire/ethernet';
import { World } from '../world';
import { mustRun, routed } from '../../commands/testLab';

/** h1 — r1 — h2, routed through r1; h2 has a second address. */
function routedLab(): World {
  const w = routed();
  mustRun(w, 'h2', 'ip addr add 10.2.0.3/24 dev eth0');
  return w;
}

const ops = (hook: NfHookOps['hook'], priority: number, fn: NfHookOps['fn'], owner = 'test'): NfHookOps => ({ hook, priority, owner, fn });

describe('netfilter hook points', () => {
  it('run in priority order at each of the five IPv4 points, where the kernel has them', () => {
    const w = routedLab();
    const seen: string[] = [];
    for (const ns of ['h1', 'r1', 'h2']) {
      for (const hook of Object.values(NF_INET)) {
        nfRegisterNetHook(w.netns(ns)!, ops(hook, NF_IP_PRI.FILTER, (s) => (seen.push(`${ns} ${nfHookName(hook)} ${(s.pkt as Ipv4Packet).icmp?.type}`), NF_ACCEPT)));
      }
    }
    expect(runCommand(w, 'h1', 'ping -c 1 -W 1 10.2.0.2').exit).toBe(0);
    expect(seen).toEqual([
      'h1 OUTPUT 8',
      'h1 POSTROUTING 8',
      'r1 PREROUTING 8',
      'r1 FORWARD 8',
      'r1 POSTROUTING 8',
      'h2 PREROUTING 8',
      'h2 INPUT 8',
      'h2 OUTPUT 0',
      'h2 POSTROUTING 0',
      'r1 PREROUTING 0',
      'r1 FORWARD 0',
      'r1 POSTROUTING 0',
      'h1 PREROUTING 0',
      'h1 INPUT 0',
    ]);
  });

  it('keep priority order whatever the registration order (raw before mangle before filter)', () => {
    const w = routedLab();
    const ns = w.netns('h2')!;
    const order: string[] = [];
    const mk = (name: string, pri: number) => ops(NF_INET.LOCAL_IN, pri, () => (order.push(name), NF_ACCEPT), name);
    for (const o of [mk('filter', NF_IP_PRI.FILTER), mk('raw', NF_IP_PRI.RAW), mk('confirm', NF_IP_PRI.CONNTRACK_CONFIRM), mk('mangle', NF_IP_PRI.MANGLE)]) nfRegisterNetHook(ns, o);
    expect(nfHookEntries(ns, NF_INET.LOCAL_IN).map((o) => o.owner)).toEqual(['raw', 'mangle', 'filter', 'confirm']);
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.2.0.2');
    expect(order).toEqual(['raw', 'mangle', 'filter', 'confirm']);
  });

  it('a drop at INPUT stops the packet there, traced once with the reason', () => {
    const w = routedLab();
    const h2 = w.netns('h2')!;
    const later = ops(NF_INET.LOCAL_IN, NF_IP_PRI.CONNTRACK_CONFIRM, () => {
      throw new Error('runs after a drop');
    });
    nfRegisterNetHook(h2, later);
    nfRegisterNetHook(
      h2,
      ops(NF_INET.LOCAL_IN, NF_IP_PRI.FILTER, (s) => {
        s.reason = 'rule 1 of INPUT: -p icmp -j DROP';
        return NF_DROP;
      }),
    );
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 10.2.0.2');
    expect(r.exit).toBe(1);
    const drops = r.trace.filter((e) => e.verdict === 'NETFILTER_DROP');
    expect(drops.map((e) => [e.netns, e.dev, e.text])).toEqual([['h2', 'eth0', 'h2: rule 1 of INPUT: -p icmp -j DROP (netfilter INPUT) → dropped']]);
    expect(r.trace.some((e) => e.verdict === 'ICMP_REPLY')).toBe(false);
  });

  it('a rewrite at PREROUTING (DNAT) is what routing and the next step see', () => {
    const w = routedLab();
    const r1 = w.netns('r1')!;
    const to = parseIpv4('10.2.0.3')!;
    const from = parseIpv4('10.9.9.9')!;
    nfRegisterNetHook(
      r1,
      ops(NF_INET.PRE_ROUTING, NF_IP_PRI.NAT_DST, (s) => {
        const p = s.pkt as Ipv4Packet;
        if (p.dst === from) s.pkt = withAddrs(p, p.src, to);
        return NF_ACCEPT;
      }),
    );
    const got: number[] = [];
    nfRegisterNetHook(w.netns('h2')!, ops(NF_INET.LOCAL_IN, NF_IP_PRI.FILTER, (s) => (got.push((s.pkt as Ipv4Packet).dst), NF_ACCEPT)));
    // the reply comes from 10.2.0.3, which is not what ping asked: no SNAT back, so no reply counts
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.9.9.9');
    expect(got).toEqual([to]);
  });

  it('a stolen packet goes on when given back', () => {
    const w = routedLab();
    const r1 = w.netns('r1')!;
    const held: NfHookState[] = [];
    nfRegisterNetHook(r1, ops(NF_INET.FORWARD, NF_IP_PRI.FILTER, (s) => (held.push(s), NF_STOLEN)));
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 10.2.0.2');
    expect(r.exit).toBe(1);
    expect(held).toHaveLength(1);
    nfUnregisterNetHook(r1, nfHookEntries(r1, NF_INET.FORWARD)[0]);
    let replies = 0;
    nfRegisterNetHook(w.netns('h1')!, ops(NF_INET.LOCAL_IN, 0, (s) => ((s.pkt as Ipv4Packet).icmp?.type === 0 && replies++, NF_ACCEPT)));
    nfReinject(held[0]);
    w.advance(1000);
    expect(replies).toBe(1);
  });

  it('cost nothing once the last function is gone: the namespace has no hook table again', () => {
    const w = routedLab();
    const h2 = w.netns('h2')!;
    const o = ops(NF_INET.LOCAL_IN, 0, () => NF_ACCEPT);
    nfRegisterNetHook(h2, o);
    expect(h2.nfHooks).not.toBeNull();
    nfUnregisterNetHook(h2, o);
    expect(h2.nfHooks).toBeNull();
  });

  it('bridge hooks see bridged frames: PREROUTING, FORWARD and POSTROUTING per port', () => {
    const w = new World();
    for (const h of ['a', 'b']) w.addHost(h);
    w.addLan('lan0', ['a:eth0', 'b:eth0']);
    runCommand(w, 'a', 'ip addr add 10.0.0.1/24 dev eth0');
    runCommand(w, 'b', 'ip addr add 10.0.0.2/24 dev eth0');
    const lan = w.netns('__lan_lan0')!;
    const seen: string[] = [];
    for (const hook of [NF_BR.PRE_ROUTING, NF_BR.FORWARD, NF_BR.POST_ROUTING]) {
      nfRegisterNetHook(lan, ops(hook, 0, (s) => ((s.pkt as Frame).ip?.icmp?.type === 8 && seen.push(`${nfHookName(hook)} ${s.in?.name}>${s.out?.name ?? ''}`), NF_ACCEPT)));
    }
    expect(runCommand(w, 'a', 'ping -c 1 -W 1 10.0.0.2').exit).toBe(0);
    expect(seen).toEqual(['bridge PREROUTING p0>', 'bridge FORWARD p0>p1', 'bridge POSTROUTING p0>p1']);
  });
});
