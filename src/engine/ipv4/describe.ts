import { formatIpv4 } from '../addr/ipv4';
import type { PacketView, SuggestedFix, TraceEvent, Verdict } from '../sim/trace';
import type { FibRoute } from '../fib/route';
import { formatRoute } from '../fib/format';
import { isLinkdown } from '../fib/frontend';
import { ipTotalLength, type Frame, type Ipv4Packet } from './packet';

/** Human words and inspector views for packets, shared by every trace event. */

export function icmpName(type: number, code: number): string {
  switch (type) {
    case 0:
      return 'echo reply';
    case 8:
      return 'echo request';
    case 11:
      return 'time exceeded in-transit';
    case 5:
      return 'redirect';
    case 3:
      return (
        ({ 0: 'net unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable', 4: 'need to frag', 13: 'packet filtered' } as Record<number, string>)[code] ??
        `unreachable code ${code}`
      );
    default:
      return `type ${type}`;
  }
}

export function describePacket(p: Ipv4Packet): string {
  const what =
    p.proto === 'udp'
      ? `UDP ${p.udp!.sport} → ${p.udp!.dport}`
      : `ICMP ${icmpName(p.icmp!.type, p.icmp!.code)}${p.icmp!.type === 0 || p.icmp!.type === 8 ? ` seq ${p.icmp!.seq}` : ''}`;
  return `${what} ${formatIpv4(p.src)} → ${formatIpv4(p.dst)} (ttl ${p.ttl})`;
}

export function ipView(p: Ipv4Packet): PacketView {
  const v: PacketView = { ip: { src: formatIpv4(p.src), dst: formatIpv4(p.dst), ttl: p.ttl, proto: p.proto === 'udp' ? 'UDP' : 'ICMP', len: ipTotalLength(p), id: p.id } };
  if (p.icmp) {
    const m = p.icmp;
    v.icmp = { type: m.type, code: m.code, name: icmpName(m.type, m.code) };
    if (m.type === 0 || m.type === 8) {
      v.icmp.id = m.id;
      v.icmp.seq = m.seq;
    } else {
      const q = (m as Extract<typeof m, { inner: Ipv4Packet }>).inner;
      v.icmp.inner = { src: formatIpv4(q.src), dst: formatIpv4(q.dst), proto: q.proto === 'udp' ? 'UDP' : 'ICMP', udp: q.udp && { sport: q.udp.sport, dport: q.udp.dport } };
    }
  }
  if (p.udp) v.udp = { sport: p.udp.sport, dport: p.udp.dport };
  return v;
}

export function frameView(f: Frame): PacketView {
  const v: PacketView = f.ip ? ipView(f.ip) : {};
  v.eth = { src: f.src, dst: f.dst, type: f.arp ? 'ARP' : 'IPv4' };
  if (f.arp) {
    v.arp = { op: f.arp.op, senderIp: formatIpv4(f.arp.sip), senderMac: f.arp.sha, targetIp: formatIpv4(f.arp.tip), targetMac: f.arp.tha };
  }
  return v;
}

export function describeFrame(f: Frame): string {
  if (f.arp) {
    return f.arp.op === 'request'
      ? `ARP who-has ${formatIpv4(f.arp.tip)} tell ${formatIpv4(f.arp.sip)}`
      : `ARP ${formatIpv4(f.arp.sip)} is-at ${f.arp.sha}`;
  }
  return describePacket(f.ip!);
}

/** Route texts by route, with what they depend on besides the (never changed) route itself. */
const routeTexts = new WeakMap<FibRoute, { dev: string | undefined; up: boolean; linkdown: boolean; text: string }>();

/** The route as `ip route` prints it (memoized: a packet meets the same few routes again and again). */
export function routeText(r: FibRoute): string {
  const dev = r.nh?.dev;
  const up = !!dev && dev.adminUp;
  const linkdown = up && isLinkdown(r);
  const c = routeTexts.get(r);
  if (c !== undefined && c.dev === dev?.name && c.up === up && c.linkdown === linkdown) return c.text;
  const text = formatRoute(r, { showTable: r.table !== 254 }).trim();
  routeTexts.set(r, { dev: dev?.name, up, linkdown, text });
  return text;
}

/** Writes an event's sentence from the event and up to three values fixed when it was made. */
export type Words = (e: PacketEvent, a: never, b: never, c: never) => string;

/**
 * A trace event of the packet path whose sentence and packet view are written when first read.
 *
 * A ping makes ~50 events and most are never displayed, so building their words eagerly cost more
 * than forwarding the packet. The sentence closure only reads values fixed at emit time (names and
 * states are copied into locals first; frames and packets are never changed once sent), so the text
 * is the same whenever it is read. `text` and `packet` are accessors: read them, don't spread the
 * event. JSON.stringify gives every field.
 */
export class PacketEvent implements TraceEvent {
  seq = 0;
  time = 0;
  netns: string;
  dev: string | undefined;
  verdict: Verdict;
  packetId: number;
  fdb: string | undefined;
  to: { netns: string; dev: string } | undefined;
  fix: SuggestedFix | undefined;
  /** the matched route, printed as `ip route` does when first read */
  #route: string | FibRoute | undefined;
  #words: Words | undefined;
  #a: unknown;
  #b: unknown;
  #c: unknown;
  #text: string | undefined = undefined;
  #frame: Frame | undefined;
  #ip: Ipv4Packet | undefined;
  #view: PacketView | undefined = undefined;

  /**
   * `words(a, b, c)` writes the sentence when it is first read; a, b and c must be values that do
   * not change (names and states copied at emit time, namespaces, frames, packets). Passing them
   * instead of capturing them in a closure spares an allocation per event.
   */
  constructor(
    netns: string,
    dev: string | undefined,
    verdict: Verdict,
    frame: Frame | undefined,
    ip: Ipv4Packet | undefined,
    words: Words,
    a?: unknown,
    b?: unknown,
    c?: unknown,
    route?: string | FibRoute,
    fdb?: string,
    to?: { netns: string; dev: string },
  ) {
    this.netns = netns;
    this.dev = dev;
    this.verdict = verdict;
    this.#frame = frame;
    this.#ip = ip;
    this.packetId = (frame ?? ip)!.pid;
    this.#route = route;
    this.fdb = fdb;
    this.to = to;
    this.fix = undefined;
    this.#words = words;
    this.#a = a;
    this.#b = b;
    this.#c = c;
  }

  get text(): string {
    if (this.#text === undefined) {
      this.#text = this.#words!(this, this.#a as never, this.#b as never, this.#c as never);
      this.#words = undefined;
      this.#a = this.#b = this.#c = undefined;
    }
    return this.#text;
  }

  set text(t: string) {
    this.#text = t;
    this.#words = undefined;
    this.#a = this.#b = this.#c = undefined;
  }

  get route(): string | undefined {
    if (this.#route !== undefined && typeof this.#route !== 'string') this.#route = routeText(this.#route);
    return this.#route;
  }

  set route(r: string | undefined) {
    this.#route = r;
  }

  get packet(): PacketView | undefined {
    if (this.#view === undefined && (this.#frame || this.#ip)) {
      this.#view = this.#frame ? frameView(this.#frame) : ipView(this.#ip!);
      this.#frame = this.#ip = undefined;
    }
    return this.#view;
  }

  set packet(v: PacketView | undefined) {
    this.#view = v;
    this.#frame = this.#ip = undefined;
  }

  toJSON(): TraceEvent {
    const { seq, time, netns, dev, verdict, text, packetId, packet, route, fdb, to, fix } = this;
    return { seq, time, netns, dev, verdict, text, packetId, packet, route, fdb, to, fix };
  }
}
