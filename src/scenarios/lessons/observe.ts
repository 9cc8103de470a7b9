/**
 * What a traced ping or connection showed, read from its trace events alone: where it started,
 * where it was going (as sent, before any DNAT), the namespaces the request crossed, and how it
 * ended. Goals about "the last ping" (or connection) look at these observations, so it does not
 * matter which terminal typed the command (`ping` in pod1, `ip netns exec pod1 ping` on node01,
 * `kubectl exec client -- curl …`, or a button): only what the packet did.
 */
import { isDrop, type TraceEvent } from '../../engine/sim/trace';

export interface PingObservation {
  /** order of observation (goals only look at pings seen since their step began) */
  seq: number;
  /** the namespace the echo request left from */
  from: string;
  /** the address it was sent to */
  to: string;
  /** an echo request (ICMP), a TCP SYN or a UDP datagram */
  protocol: 'ICMP' | 'TCP' | 'UDP';
  /** the destination port as sent (TCP and UDP) */
  port?: number;
  /** `reply` when an answer came back to `from` (echo reply, SYN-ACK, a datagram), `reset` for a
   * TCP RST, else the first drop's verdict, else `no reply` */
  outcome: string;
  /** where it stopped: the drop's namespace; for a reply or a reset, the namespace that answered */
  stoppedAt: string;
  /** namespaces the request went through, in order (LAN switches left out) */
  path: string[];
  /** the tunnel devices that carried the request, in order: each VXLAN device that encapsulated it */
  tunnels: string[];
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The ping's destination as typed: the last argument that is an IPv4 address. */
function typedDestination(line: string): string | null {
  const words = line.split(/[\s;&|]+/);
  for (let i = words.length - 1; i >= 0; i--) if (IPV4.test(words[i])) return words[i];
  return null;
}

/** Rank of a packet as "the request" of a command: pings first, then connections, DNS last. */
function requestRank(p: TraceEvent['packet']): number {
  if (p?.icmp?.type === 8) return 1;
  if (p?.tcp && p.tcp.flags === 'S') return 2;
  // a datagram's request is the first one the command sent; a DNS answer (from port 53) is not one
  if (p?.udp) return p.udp.sport === 53 ? 0 : p.udp.dport === 53 ? 4 : 3;
  return 0;
}

/** Did this event deliver an answer to the request's socket? */
function answers(e: TraceEvent, from: string, protocol: PingObservation['protocol']): boolean {
  if (e.netns !== from || e.verdict !== 'LOCAL_DELIVER' || !e.packet) return false;
  const p = e.packet;
  if (protocol === 'ICMP') return p.icmp?.type === 0;
  // tcpdump's letters: `S.` is SYN-ACK
  if (protocol === 'TCP') return p.tcp?.flags === 'S.';
  return !!p.udp;
}

/**
 * The observation of one command's trace, or null when the command did not send a request: a
 * traceroute is observed by its first probe, an ARP on its own or nothing traced is not.
 */
export function observePing(line: string, events: readonly TraceEvent[], seq: number): PingObservation | null {
  if (events.length === 0) return null;
  let request: TraceEvent | undefined;
  let rank = 5;
  for (const e of events) {
    const r = requestRank(e.packet);
    if (r > 0 && r < rank) {
      request = e;
      rank = r;
      if (r === 1) break;
    }
  }
  if (!request) {
    // refused before a packet existed (connect: Network is unreachable): one event, no packet
    const first = events[0];
    const to = typedDestination(line);
    if (!/\bping\b/.test(line) || !to || !isDrop(first)) return null;
    return { seq, from: first.netns, to, protocol: 'ICMP', outcome: first.verdict, stoppedAt: first.netns, path: [first.netns], tunnels: [] };
  }
  const p = request.packet!;
  const protocol = p.icmp ? 'ICMP' : p.tcp ? 'TCP' : 'UDP';
  const port = p.tcp?.dport ?? p.udp?.dport;
  const from = request.netns;
  const to = p.ip!.dst;
  const path: string[] = [];
  const tunnels: string[] = [];
  for (const e of events) {
    if (e.packetId !== request.packetId || e.netns.startsWith('__')) continue;
    if (path[path.length - 1] !== e.netns) path.push(e.netns);
    // the encapsulation event carries the inner packet's id: the request itself went into the tunnel
    if (e.verdict === 'VXLAN_ENCAP' && e.dev) tunnels.push(e.dev);
  }
  const base = { seq, from, to, protocol, ...(port !== undefined ? { port } : {}), path, tunnels } as const;
  const delivered = () => events.find((e) => e.packetId === request.packetId && e.verdict === 'LOCAL_DELIVER')?.netns ?? path[path.length - 1];
  if (events.some((e) => answers(e, from, protocol))) return { ...base, outcome: 'reply', stoppedAt: delivered() };
  if (protocol === 'TCP' && events.some((e) => e.netns === from && e.verdict === 'LOCAL_DELIVER' && e.packet?.tcp?.flags.includes('R'))) {
    return { ...base, outcome: 'reset', stoppedAt: delivered() };
  }
  const drop = events.find(isDrop);
  if (drop) return { ...base, outcome: drop.verdict, stoppedAt: drop.netns };
  return { ...base, outcome: 'no reply', stoppedAt: path[path.length - 1] };
}
