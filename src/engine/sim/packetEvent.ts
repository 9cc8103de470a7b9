import type { FibRoute } from '../fib/route';
import { routeText } from '../fib/format';
import type { Frame } from '../wire/ethernet';
import type { Ipv4Packet } from '../wire/ipv4';
import { frameView, ipView, type PacketView } from '../wire/view';
import type { SuggestedFix, TraceEvent, Verdict } from './trace';

/** Writes an event's sentence from the event and up to three values fixed when it was made. */
export type Words = (e: PacketEvent, a: never, b: never, c: never) => string;

/** What PacketEvent's packet slot holds. */
const PacketIs = { frame: 0, ip: 1, view: 2 } as const;
type PacketIs = (typeof PacketIs)[keyof typeof PacketIs];

/**
 * A trace event of the packet path whose sentence and packet view are written when first read.
 *
 * A ping makes ~50 events and most are never displayed, so building their words eagerly cost more
 * than forwarding the packet. The sentence function only reads values fixed at emit time (names and
 * states are copied into locals first; frames and packets are never changed once sent), so the text
 * is the same whenever it is read. `text` and `packet` are accessors: read them, don't spread the
 * event. JSON.stringify gives every field.
 *
 * Made by `PacketEvent.ip(…)` or `PacketEvent.frame(…)`; the matched route, FDB entry or veth
 * destination are added with `.at()`, `.fdbEntry()` and `.towards()`.
 */
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
  #route: string | FibRoute | undefined = undefined;
  /** the sentence once written, before that the function that writes it */
  #text: string | Words;
  #a: unknown;
  #b: unknown;
  #c: unknown;
  /** the packet as it was sent until first read (a frame, or an IP packet), then its inspector view */
  #packet: Frame | Ipv4Packet | PacketView | undefined;
  #packetIs: PacketIs;
  /** the FDB entry (FDB_HIT, FDB_LEARN, FLOOD) or where a veth crossing leads (VETH_XMIT) */
  #aux: string | { netns: string; dev: string } | undefined = undefined;

  private constructor(netns: string, dev: string | undefined, verdict: Verdict, packet: Frame | Ipv4Packet, is: PacketIs, words: Words, a: unknown, b: unknown, c: unknown) {
    this.netns = netns;
    this.dev = dev;
    this.verdict = verdict;
    this.#packet = packet;
    this.#packetIs = is;
    this.packetId = packet.pid;
    this.#text = words;
    this.#a = a;
    this.#b = b;
    this.#c = c;
  }

  /**
   * An event about an IP packet. `words(e, a, b, c)` writes the sentence when it is first read; a, b
   * and c must be values that do not change (names and states copied at emit time, namespaces,
   * frames, packets). Passing them instead of capturing them in a closure spares an allocation per event.
   */
  static ip(netns: string, dev: string | undefined, verdict: Verdict, pkt: Ipv4Packet, words: Words, a?: unknown, b?: unknown, c?: unknown): PacketEvent {
    return new PacketEvent(netns, dev, verdict, pkt, PacketIs.ip, words, a, b, c);
  }

  /** An event about an Ethernet frame (see `ip`). */
  static frame(netns: string, dev: string | undefined, verdict: Verdict, frame: Frame, words: Words, a?: unknown, b?: unknown, c?: unknown): PacketEvent {
    return new PacketEvent(netns, dev, verdict, frame, PacketIs.frame, words, a, b, c);
  }

  /** the route the decision matched */
  at(route: FibRoute | string | undefined): this {
    this.#route = route;
    return this;
  }

  /** the FDB entry the decision matched, as `bridge fdb` prints it, or "flood" */
  fdbEntry(entry: string): this {
    this.#aux = entry;
    return this;
  }

  /** where a veth crossing leads */
  towards(to: { netns: string; dev: string }): this {
    this.#aux = to;
    return this;
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
