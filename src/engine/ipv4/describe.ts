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
/** What PacketEvent's packet slot holds. */
const PacketIs = { frame: 0, ip: 1, view: 2 } as const;
type PacketIs = (typeof PacketIs)[keyof typeof PacketIs];

export class PacketEvent implements TraceEvent {
  seq = 0;
  time = 0;
  netns: string;
  dev: string | undefined;
  verdict: Verdict;
  packetId: number;
  // A traced ping makes ~50 of these, so they carry as few fields as they can (fdb, to and fix
  // are read through accessors): every field is a word to allocate and initialise per hop.
  /** the matched route, printed as `ip route` does when first read */
  #route: string | FibRoute | undefined;
  /** the sentence once written, before that the function that writes it */
  #text: string | Words;
  #a: unknown;
  #b: unknown;
  #c: unknown;
  /** the packet as it was sent until first read (a frame, or an IP packet), then its inspector view */
  #packet: Frame | Ipv4Packet | PacketView | undefined;
  #packetIs: PacketIs;
  /** the FDB entry (FDB_HIT, FDB_LEARN, FLOOD) or where a veth crossing leads (VETH_XMIT) */
  #aux: string | { netns: string; dev: string } | undefined;

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
    if (frame !== undefined) {
      this.#packet = frame;
      this.#packetIs = PacketIs.frame;
      this.packetId = frame.pid;
    } else {
      this.#packet = ip;
      this.#packetIs = PacketIs.ip;
      this.packetId = ip!.pid;
    }
    this.#route = route;
    this.#text = words;
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#aux = fdb ?? to;
  }

  get text(): string {
    const t = this.#text;
    if (typeof t === 'string') return t;
    const text = t(this, this.#a as never, this.#b as never, this.#c as never);
    this.text = text;
    return text;
  }

  set text(t: string) {
    this.#text = t;
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
    const p = this.#packet;
    if (p === undefined || this.#packetIs === PacketIs.view) return p as PacketView | undefined;
    const view = this.#packetIs === PacketIs.frame ? frameView(p as Frame) : ipView(p as Ipv4Packet);
    this.packet = view;
    return view;
  }

  set packet(v: PacketView | undefined) {
    this.#packet = v;
    this.#packetIs = PacketIs.view;
  }

  get fdb(): string | undefined {
    return typeof this.#aux === 'string' ? this.#aux : undefined;
  }

  get to(): { netns: string; dev: string } | undefined {
    return typeof this.#aux === 'object' ? this.#aux : undefined;
  }

  /** the packet path's progress events never carry a fix (drops are plain events) */
  get fix(): SuggestedFix | undefined {
    return undefined;
  }

  toJSON(): TraceEvent {
    const { seq, time, netns, dev, verdict, text, packetId, packet, route, fdb, to, fix } = this;
    return { seq, time, netns, dev, verdict, text, packetId, packet, route, fdb, to, fix };
  }
}

