import { formatIpv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { registerSoftState } from '../rollback/softstate';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import { ICMP, ICMP_EXC } from '../wire/icmp';
import { asFragment, datagramLength, IPV4_HEADER, ipTotalLength, reassembled, type Ipv4Packet } from '../wire/ipv4';
import { ipView } from '../wire/view';
import { icmpSend } from './icmp';

/**
 * IP fragmentation (net/ipv4/ip_output.c ip_do_fragment) and reassembly (net/ipv4/ip_fragment.c
 * ip_defrag). A fragment carries its datagram's transport message by reference and says which
 * bytes of the payload it holds; the receiver keeps a queue per (src, dst, id, protocol) until the
 * bytes add up, and gives up after ipfrag_time.
 */

/** net.ipv4.ipfrag_time: 30 s */
const IPFRAG_TIME = 30_000;

const fragWords = (e: PacketEvent, ns: Netns, pkt: Ipv4Packet, pieces: Ipv4Packet[]) =>
  `${nsLabel(ns)}: ${ipTotalLength(pkt)} bytes to ${formatIpv4(pkt.dst)} do not fit the mtu of ${e.dev} → sent in ${pieces.length} fragments of at most ${ipTotalLength(pieces[0])} bytes`;
const defragWords = (_e: PacketEvent, ns: Netns, pkt: Ipv4Packet) => `${nsLabel(ns)}: the last fragment from ${formatIpv4(pkt.src)} came → the ${datagramLength(pkt)}-byte datagram is whole again`;

/**
 * ip_do_fragment(): pkt (a datagram, or a fragment of one) in pieces that fit mtu, each payload a
 * multiple of 8 bytes but the last; the last piece keeps pkt's "more fragments".
 */
export function ipFragment(ns: Netns, dev: Netdev, pkt: Ipv4Packet, mtu: number): Ipv4Packet[] {
  const start = pkt.frag?.offset ?? 0;
  const total = ipTotalLength(pkt) - IPV4_HEADER;
  const step = (mtu - IPV4_HEADER) & ~7;
  const out: Ipv4Packet[] = [];
  for (let off = 0; off < total; off += step) {
    const len = Math.min(step, total - off);
    const last = off + len >= total;
    out.push(asFragment(pkt, { offset: start + off, len, more: last ? (pkt.frag?.more ?? false) : true }));
  }
  const w = ns.world;
  if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, dev.name, Verdict.FRAGMENTED, pkt, fragWords, ns, pkt, out));
  return out;
}

/** One datagram being put together again (struct ipq). */
interface Ipq {
  /** the payload bytes each offset brought (a fragment sent twice counts once) */
  readonly parts: Map<number, number>;
  /** the payload's length, once the last fragment came */
  total: number | undefined;
  /** the first fragment (offset 0), which an ICMP error about a lost datagram quotes */
  first: Ipv4Packet | undefined;
  readonly dev: Netdev;
  readonly expires: number;
}

const queues = new WeakMap<Netns, Map<string, Ipq>>();

const ipqKey = (p: Ipv4Packet) => `${p.src}|${p.dst}|${p.id}|${p.proto}`;

/**
 * ip_defrag(): queue a fragment; the whole datagram when this one completes it, else undefined.
 * A queue still incomplete after ipfrag_time is dropped (ip_expire()), with an ICMP "fragment
 * reassembly time exceeded" when its first fragment had come.
 */
export function ipDefrag(ns: Netns, dev: Netdev, frag: Ipv4Packet): Ipv4Packet | undefined {
  const w = ns.world;
  const f = frag.frag!;
  w.willChange(ns);
  let qs = queues.get(ns);
  if (!qs) queues.set(ns, (qs = new Map()));
  const key = ipqKey(frag);
  let q = qs.get(key);
  if (!q) {
    q = { parts: new Map(), total: undefined, first: undefined, dev, expires: w.now + IPFRAG_TIME };
    qs.set(key, q);
    w.scheduleCall(IPFRAG_TIME, ipExpire, ns, key);
  }
  q.parts.set(f.offset, f.len);
  if (f.offset === 0) q.first = frag;
  if (!f.more) q.total = f.offset + f.len;
  if (q.total === undefined) return undefined;
  let have = 0;
  for (const len of q.parts.values()) have += len;
  if (have < q.total) return undefined;
  qs.delete(key);
  const whole = reassembled(frag);
  if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, dev.name, Verdict.DEFRAG, whole, defragWords, ns, whole));
  return whole;
}

/** ip_expire() */
function ipExpire(ns: Netns, key: string): void {
  const qs = queues.get(ns);
  const q = qs?.get(key);
  if (!q || q.expires > ns.world.now) return;
  const w = ns.world;
  w.willChange(ns);
  qs!.delete(key);
  const first = q.first;
  if (!first) return;
  if (w.drop(Verdict.FRAG_REASM_TIMEOUT, ns.name, q.dev.name))
    w.emit({ netns: ns.name, dev: q.dev.name, verdict: Verdict.FRAG_REASM_TIMEOUT, packetId: first.pid, packet: ipView(first), text: `${nsLabel(ns)}: the fragments from ${formatIpv4(first.src)} never made a whole datagram in ${IPFRAG_TIME / 1000} s → dropped, ICMP time exceeded sent back` });
  icmpSend(ns, first, ICMP.TIME_EXCEEDED, ICMP_EXC.FRAGTIME, { dev: q.dev });
}

const NONE: [string, Ipq][] = [];

registerSoftState<never, [string, Ipq][]>({
  name: 'ip fragment queues',
  netns: {
    save: (ns) => {
      const qs = queues.get(ns);
      return qs && qs.size ? [...qs].map(([k, q]) => [k, { ...q, parts: new Map(q.parts) }]) : NONE;
    },
    restore: (ns, saved) => {
      if (!queues.get(ns) && saved.length === 0) return;
      queues.set(ns, new Map(saved));
    },
  },
  netnsDigest: (ns) => [...(queues.get(ns) ?? [])].map(([k, q]) => [k, [...q.parts], q.total, q.expires]),
});
