/**
 * Words for trace events: what kind of packet an event is about, whether the trace ended in a reply
 * or a drop, and a sentence that can stand alone (for the list, the live region and the canvas).
 */
import type { PacketView, TraceEvent } from '../../engine/sim/trace';
import { isDrop } from '../../store';
import { VERDICT_LABEL } from './verdicts';

/** Whether an event is a drop: the engine's own list, read through the store (no copy here). */
export const isDropEvent = (e: TraceEvent): boolean => isDrop(e);

/** "ICMP echo request", "ARP request", "ICMP net unreachable", "DNS query web.default.svc.cluster.local. A", "UDP probe" … */
export function packetKind(p: PacketView | undefined): string | null {
  if (!p) return null;
  if (p.arp) return p.arp.op === 'request' ? 'ARP request' : 'ARP reply';
  // the engine names the message (src/engine/wire/icmp.ts); views made elsewhere may carry only its name
  if (p.icmp) return p.icmp.kind ?? p.icmp.name;
  if (p.dns) return p.dns.query ? `DNS query ${p.dns.question}` : `DNS answer ${p.dns.rcode}${p.dns.answers.length ? ` (${p.dns.answers.length})` : ''}`;
  if (p.ip?.proto === 'UDP') return 'UDP probe';
  return null;
}

/**
 * Names the UI gives namespaces that are not their own: a cluster pod's sandbox `cni-<uuid>` is
 * the pod, `namespace/pod` (the store's `podPlaces`).
 */
export type PlaceNames = Readonly<Record<string, string>>;
const NO_NAMES: PlaceNames = {};

/** A namespace as the student knows it: a pod by its name, a LAN switch's hidden namespace "__lan_lan0" as "lan0". */
export const placeName = (netns: string, names: PlaceNames = NO_NAMES): string => names[netns] ?? (netns.startsWith('__lan_') ? netns.slice(6) : netns);

const renamers = new WeakMap<PlaceNames, RegExp | null>();

/** A text (the engine's sentence, a trace's title) with every renamed namespace (a pod's `cni-…`) written as the UI names it. */
export function renamed(text: string, names: PlaceNames): string {
  let re = renamers.get(names);
  if (re === undefined) {
    const keys = Object.keys(names).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    re = keys.length === 0 ? null : new RegExp(keys.join('|'), 'g');
    renamers.set(names, re);
  }
  return re === null ? text : text.replace(re, (k) => names[k]);
}

const isLan = (netns: string): boolean => netns.startsWith('__lan_');

/**
 * "node01 eth0" / "node01" / "switch lan0 port p2". A LAN switch is a bridge in a hidden namespace:
 * its bridge device is an implementation detail, so the switch is named by its LAN, never "br0".
 */
export const where = (e: Pick<TraceEvent, 'netns' | 'dev'> & { verdict?: TraceEvent['verdict'] }, names: PlaceNames = NO_NAMES): string => {
  if (isLan(e.netns)) {
    const onPort = e.dev && e.verdict !== 'FLOOD' && e.verdict !== 'BR_LOCAL';
    return `switch ${placeName(e.netns)}${onPort ? ` port ${e.dev}` : ''}`;
  }
  return e.dev ? `${placeName(e.netns, names)} ${e.dev}` : placeName(e.netns, names);
};

/**
 * The event's sentence, prefixed with its namespace (or switch) unless it already names it. The
 * engine starts a LAN switch's sentences with its bridge ("br0: learned …"): that is the switch.
 */
export function sentence(e: TraceEvent, names: PlaceNames = NO_NAMES): string {
  const name = placeName(e.netns, names);
  const text = renamed(e.text, names);
  if (isLan(e.netns)) {
    const m = /^([A-Za-z0-9_.-]+): /.exec(text);
    const rest = m && m[1] !== name ? text.slice(m[0].length) : text.startsWith(`switch ${name}: `) ? text.slice(`switch ${name}: `.length) : text;
    return `switch ${name}: ${rest}`;
  }
  const named = text.startsWith(`${name}:`) || text.startsWith(`${name} `);
  return named ? text : `${name}: ${text}`;
}

/** The sentence for a row of the event list, whose first column already names the place. */
export function rowText(e: TraceEvent, names: PlaceNames = NO_NAMES): string {
  const full = sentence(e, names);
  const prefix = isLan(e.netns) ? `switch ${placeName(e.netns)}: ` : `${placeName(e.netns, names)}: `;
  return full.startsWith(prefix) ? full.slice(prefix.length) : full;
}

export type TraceOutcome =
  | { kind: 'empty' }
  | { kind: 'drop'; index: number; event: TraceEvent; drops: number }
  | { kind: 'reply'; index: number; event: TraceEvent; drops: number }
  | { kind: 'reached'; index: number; event: TraceEvent; drops: number }
  | { kind: 'delivered'; index: number; event: TraceEvent; drops: number };

/**
 * How the trace ended. An echo reply delivered back means the ping worked (`reply`); a port
 * unreachable delivered back means a traceroute reached its destination (`reached`) — the TTL
 * drops on the way are how traceroute works. Otherwise the first drop is the reason it failed;
 * failing that, the last local delivery.
 */
export function outcome(events: readonly TraceEvent[]): TraceOutcome {
  if (events.length === 0) return { kind: 'empty' };
  const drops = events.filter(isDropEvent).length;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    const icmp = e.packet?.icmp;
    if (e.verdict !== 'LOCAL_DELIVER' || !icmp) continue;
    if (icmp.type === 0) return { kind: 'reply', index: i, event: e, drops };
    if (icmp.type === 3 && icmp.code === 3) return { kind: 'reached', index: i, event: e, drops };
  }
  const drop = events.findIndex(isDropEvent);
  if (drop >= 0) return { kind: 'drop', index: drop, event: events[drop], drops };
  for (let i = events.length - 1; i >= 0; i--) {
    if (events[i].verdict === 'LOCAL_DELIVER') return { kind: 'delivered', index: i, event: events[i], drops };
  }
  return { kind: 'delivered', index: events.length - 1, event: events[events.length - 1], drops };
}

/**
 * Namespaces a packet passes through, in order ("node01 → node02 → pod2"); only the events of
 * `packetId` when given. Hidden LAN namespaces (the switch) are left out.
 */
export function path(events: readonly TraceEvent[], packetId?: number): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (packetId !== undefined && e.packetId !== packetId) continue;
    if (out[out.length - 1] !== e.netns && !e.netns.startsWith('__')) out.push(e.netns);
  }
  return out;
}

/**
 * The packet the command sent: the first echo request, or with `last` the last echo request or UDP
 * probe (a traceroute's last probes are the ones that reach the destination).
 */
export function requestPacketId(events: readonly TraceEvent[], last = false): number | undefined {
  const isRequest = (e: TraceEvent) => e.packet?.icmp?.type === 8 || !!e.packet?.udp;
  return (last ? events.findLast(isRequest) : events.find(isRequest))?.packetId;
}

/** The accessible name of an event in the list: its number, place, packet, verdict and sentence. */
export function eventLabel(e: TraceEvent, index: number, total: number, names: PlaceNames = NO_NAMES): string {
  const kind = packetKind(e.packet);
  const verdict = VERDICT_LABEL[e.verdict] ?? e.verdict;
  return `Event ${index + 1} of ${total}: ${where(e, names)}${kind ? `, ${kind}` : ''}, ${isDropEvent(e) ? `dropped: ${verdict}` : verdict}. ${sentence(e, names)}`;
}
