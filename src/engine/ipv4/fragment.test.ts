/**
 * Fragmentation and reassembly as the kernel does them: a datagram too big for a link leaves in
 * pieces that fit (payloads in multiples of 8), is whole again only where it is delivered, and a
 * datagram missing a piece is dropped after ipfrag_time with an ICMP time exceeded.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { World } from '../world';
import { ipFragment } from './fragment';
import { icmpPacket, ipTotalLength } from '../wire/ipv4';
import { asIpv4 } from '../addr/ipv4';
import { ipLocalDeliver } from './input';
import { mustRun, routed } from '../../commands/testLab';

/** h1 — r1 — h2, the second link's mtu 1400 */
function path(): World {
  const w = routed({ left: '10.0.0', right: '10.0.1' });
  mustRun(w, 'r1', 'ip link set eth1 mtu 1400');
  mustRun(w, 'h2', 'ip link set eth0 mtu 1400');
  return w;
}

describe('IP fragmentation', () => {
  it('splits into pieces that fit, payloads a multiple of 8, the last without "more fragments"', () => {
    const w = path();
    const ns = w.netns('h1')!;
    const pkt = icmpPacket(1, asIpv4(0x0a000002), asIpv4(0x0a000102), 64, 7, { type: 8, code: 0, id: 1, seq: 1, payloadLen: 3000 });
    const parts = ipFragment(ns, ns.devByName('eth0')!, pkt, 1400);
    expect(parts.map((p) => p.frag)).toEqual([
      { offset: 0, len: 1376, more: true },
      { offset: 1376, len: 1376, more: true },
      { offset: 2752, len: 256, more: false },
    ]);
    expect(parts.every((p) => ipTotalLength(p) <= 1400 && !p.df && p.id === 7)).toBe(true);
    // a fragment cut again keeps its place in the datagram and its "more fragments"
    expect(ipFragment(ns, ns.devByName('eth0')!, parts[0], 600).map((p) => p.frag)).toEqual([
      { offset: 0, len: 576, more: true },
      { offset: 576, len: 576, more: true },
      { offset: 1152, len: 224, more: true },
    ]);
  });

  it('a ping too big for the second link is fragmented by the router and whole at h2; with DF it is refused there', () => {
    const w = path();
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 -s 1400 -M dont 10.0.1.2');
    expect(r.stdout).toContain('1408 bytes from 10.0.1.2: icmp_seq=1 ttl=63');
    expect(r.trace.some((e) => e.verdict === 'FRAGMENTED' && e.netns === 'r1' && e.dev === 'eth1')).toBe(true);
    expect(r.trace.filter((e) => e.verdict === 'DEFRAG').map((e) => e.netns)).toEqual(['h2', 'h1']);
    const df = runCommand(w, 'h1', 'ping -c 1 -W 1 -s 1400 -M do 10.0.1.2');
    expect(df.stdout).toContain('From 10.0.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)');
    expect(df.trace.find((e) => e.verdict === 'PKT_TOO_BIG')).toMatchObject({ netns: 'r1', dev: 'eth0' });
    // the path mtu is learned: the next one is refused before it leaves
    const again = runCommand(w, 'h1', 'ping -c 1 -W 1 -s 1400 -M do 10.0.1.2');
    expect(again.stderr).toBe('ping: local error: message too long, mtu=1400\n');
    expect(again.trace).toEqual([]);
  });

  it('a datagram missing a piece is dropped after ipfrag_time, with an ICMP time exceeded about its first piece', () => {
    const w = path();
    const h2 = w.netns('h2')!;
    const eth0 = h2.devByName('eth0')!;
    const pkt = icmpPacket(w.nextPid(), asIpv4(0x0a000002), asIpv4(0x0a000102), 63, 9, { type: 8, code: 0, id: 1, seq: 1, payloadLen: 3000 });
    const [first, , last] = ipFragment(h2, eth0, pkt, 1400);
    ipLocalDeliver(h2, eth0, first);
    ipLocalDeliver(h2, eth0, last);
    w.drainTrace();
    w.runUntil(w.now + 29_000);
    expect(w.drainTrace().some((e) => e.verdict === 'FRAG_REASM_TIMEOUT')).toBe(false);
    w.runUntil(w.now + 2_000);
    const t = w.drainTrace();
    expect(t.find((e) => e.verdict === 'FRAG_REASM_TIMEOUT')).toMatchObject({ netns: 'h2', dev: 'eth0' });
    expect(t.some((e) => e.packet?.icmp?.name === 'ip reassembly time exceeded')).toBe(true);
  });
});
