/**
 * What a traced ping showed, read from its trace events alone: where it started, where it was
 * going, the namespaces the echo request crossed, and how it ended. Goals about "the last ping"
 * look at these observations, so it does not matter which terminal typed the command
 * (`ping` in pod1, `ip netns exec pod1 ping` on node01, or a button): only what the packet did.
 */
import { isDrop, type TraceEvent } from '../../engine/sim/trace';

export interface PingObservation {
  /** order of observation (goals only look at pings seen since their step began) */
  seq: number;
  /** the namespace the echo request left from */
  from: string;
  /** the address it was sent to */
  to: string;
  /** `reply` when an echo reply came back to `from`, else the first drop's verdict, else `no reply` */
  outcome: string;
  /** where it stopped: the drop's namespace; for a reply, the namespace that answered */
  stoppedAt: string;
  /** namespaces the echo request went through, in order (LAN switches left out) */
  path: string[];
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The ping's destination as typed: the last argument that is an IPv4 address. */
function typedDestination(line: string): string | null {
  const words = line.split(/[\s;&|]+/);
  for (let i = words.length - 1; i >= 0; i--) if (IPV4.test(words[i])) return words[i];
  return null;
}

/**
 * The observation of one command's trace, or null when the command did not ping: a traceroute
 * (UDP probes), an ARP on its own, or nothing traced.
 */
export function observePing(line: string, events: readonly TraceEvent[], seq: number): PingObservation | null {
  if (events.length === 0) return null;
  const request = events.find((e) => e.packet?.icmp?.type === 8);
  if (!request) {
    // refused before a packet existed (connect: Network is unreachable): one event, no packet
    const first = events[0];
    const to = typedDestination(line);
    if (!/\bping\b/.test(line) || !to || !isDrop(first)) return null;
    return { seq, from: first.netns, to, outcome: first.verdict, stoppedAt: first.netns, path: [first.netns] };
  }
  const from = request.netns;
  const to = request.packet!.ip!.dst;
  const path: string[] = [];
  for (const e of events) {
    if (e.packetId !== request.packetId || e.netns.startsWith('__')) continue;
    if (path[path.length - 1] !== e.netns) path.push(e.netns);
  }
  const reply = events.find((e) => e.netns === from && e.verdict === 'LOCAL_DELIVER' && e.packet?.icmp?.type === 0);
  if (reply) {
    const answered = events.find((e) => e.packetId === request.packetId && e.verdict === 'LOCAL_DELIVER');
    return { seq, from, to, outcome: 'reply', stoppedAt: answered?.netns ?? path[path.length - 1], path };
  }
  const drop = events.find(isDrop);
  if (drop) return { seq, from, to, outcome: drop.verdict, stoppedAt: drop.netns, path };
  return { seq, from, to, outcome: 'no reply', stoppedAt: path[path.length - 1], path };
}
