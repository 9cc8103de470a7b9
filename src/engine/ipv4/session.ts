import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { ipRouteOutput, type Rtable } from '../fib/frontend';
import { STRERROR, type Errno } from '../fib/route';
import { Verdict } from '../sim/trace';
import type { Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import type { World } from '../world';
import { ipLocalOut } from './output';
import { EVENT_BUDGET } from '../world';
import { icmpPacket, IPV4_HEADER, type Ipv4Packet } from '../wire/ipv4';
import { ICMP, ICMP_HEADER } from '../wire/icmp';
import { IP_MAX_MTU, routeMtu } from './pmtu';
import type { Sock, SockError } from '../socket/table';
import type { Waker } from '../proc/task';

/**
 * A ping run as iputils does it, on virtual time: a raw ICMP socket, echo requests every
 * `interval`, replies and IP_RECVERR errors collected with their arrival times.
 */
export interface PingOptions {
  count: number;
  interval: number; // ms
  timeout: number; // ms to wait after the last request (-W)
  ttl: number;
  size: number;
  oif?: Netdev;
  saddr?: Ipv4;
  /** IP_MTU_DISCOVER (-M): iputils leaves the kernel's default, IP_PMTUDISC_WANT */
  pmtudisc?: Pmtudisc;
}

/**
 * IP_PMTUDISC_*: `do` sets DF and refuses what the path mtu cannot carry; `want` sets DF on what
 * fits and fragments the rest; `dont` never sets DF; `probe` sets DF against the device's mtu,
 * whatever was learned about the path.
 */
export type Pmtudisc = 'do' | 'want' | 'dont' | 'probe';

export type PingEvent =
  | { kind: 'reply'; seq: number; from: Ipv4; ttl: number; rtt: number; bytes: number; time: number }
  | { kind: 'error'; seq: number; from: Ipv4; type: number; code: number; time: number; mtu?: number }
  /** ip_local_error(): refused before it left (EMSGSIZE: bigger than `mtu` allows) */
  | { kind: 'localerr'; seq: number; mtu: number; time: number }
  | { kind: 'redirect'; seq: number; from: Ipv4; gateway: Ipv4; time: number }
  | { kind: 'senderr'; seq: number; errno: Errno; time: number };

export interface PingRun {
  ok: true;
  src: Ipv4;
  events: PingEvent[];
  transmitted: number;
  received: number;
  errors: number;
  pipe: number;
  /** virtual ms from the first to the last request */
  elapsed: number;
}

export function connectRoute(ns: Netns, dst: Ipv4, opts: { oif?: Netdev; saddr?: Ipv4 }): { ok: true; rt: Rtable } | { ok: false; errno: Errno } {
  const r = ipRouteOutput(ns, dst, opts);
  return r.ok ? r : { ok: false, errno: r.errno };
}

/** The trace of a connect() that failed before any packet left: which lookup said no, and the likely fix. */
export function traceConnectFailure(ns: Netns, dst: Ipv4, errno: Errno, tool = 'ping'): void {
  const w = ns.world;
  const verdict = errno === 'ENETUNREACH' ? Verdict.IP_OUTNOROUTES : errno === 'EHOSTUNREACH' ? Verdict.RTN_UNREACHABLE : errno === 'EACCES' ? Verdict.RTN_PROHIBIT : Verdict.RTN_BLACKHOLE;
  if (!w.drop(verdict, ns.name)) return;
  w.emit({
    netns: ns.name,
    verdict,
    packetId: w.nextPid(),
    dst: formatIpv4(dst),
    text:
      errno === 'ENETUNREACH'
        ? `${ns.name}: no route to ${formatIpv4(dst)} in the main table → ${tool}: connect: Network is unreachable`
        : `${ns.name}: the route to ${formatIpv4(dst)} is of a type that refuses traffic → ${tool}: connect: ${STRERROR[errno]}`,
  });
}

/**
 * The raw ICMP socket of one ping run: collects replies and errors as iputils does. A class rather
 * than closures so a run allocates one object, not one per callback.
 */
export class PingSocket implements Sock {
  readonly proto = 'icmp';
  /** the task reading this socket: woken when a reply or an error arrives */
  waker: Waker | null = null;
  laddr = 0 as Ipv4;
  raddr = 0 as Ipv4;
  rport = 0;
  readonly events: PingEvent[] = [];
  /** send time of each sequence number (1-based; undefined = not sent) */
  readonly sentAt: number[] = [];
  transmitted = 0;
  received = 0;
  errors = 0;
  pipe = 0;

  constructor(
    /** the echo identifier: the socket's "port" */
    readonly lport: number,
    private readonly w: World,
  ) {}

  /** iputils acknowledge(): the pipe is how many requests were out when an answer (reply or error) came */
  private acknowledge(seq: number): void {
    this.pipe = Math.max(this.pipe, this.transmitted - seq + 1);
  }

  onPacket(pkt: Ipv4Packet): void {
    const m = pkt.icmp!;
    const now = this.w.now;
    if (m.type === ICMP.ECHOREPLY) {
      const sent = this.sentAt[m.seq];
      if (sent === undefined) return;
      this.received++;
      this.acknowledge(m.seq);
      this.events.push({ kind: 'reply', seq: m.seq, from: pkt.src, ttl: pkt.ttl, rtt: now - sent, bytes: m.payloadLen + 8, time: now });
      this.waker?.wake();
    } else if (m.type === ICMP.REDIRECT) {
      const inner = m.inner.icmp;
      const seq = inner && 'seq' in inner ? inner.seq : 0;
      this.events.push({ kind: 'redirect', seq, from: pkt.src, gateway: m.gateway, time: now });
      this.waker?.wake();
    }
  }

  onError(e: SockError): void {
    const inner = e.inner.icmp;
    const seq = inner && 'seq' in inner ? inner.seq : 0;
    this.errors++;
    this.acknowledge(seq);
    this.events.push({ kind: 'error', seq, from: e.from, type: e.icmpType, code: e.icmpCode, time: this.w.now, ...(e.mtu !== undefined && { mtu: e.mtu }) });
    this.waker?.wake();
  }

  /** Open it in `ns` (the kernel delivers echo replies and errors for its identifier to it). */
  static open(ns: Netns, waker: Waker | null): PingSocket {
    const w = ns.world;
    const sock = new PingSocket(w.nextPingIdent(), w);
    sock.waker = waker;
    ns.sockets.insert(sock);
    return sock;
  }

  close(ns: Netns): void {
    ns.sockets.remove(this);
  }

  /** sendmsg() of echo request `seq`: routed now; a routing failure is the send's error, as ping reports it. */
  sendEcho(ns: Netns, dst: Ipv4, src: Ipv4, seq: number, o: { ttl: number; size: number; oif?: Netdev; pmtudisc?: Pmtudisc }): void {
    const w = this.w;
    this.transmitted++;
    this.sentAt[seq] = w.now;
    const rt = ipRouteOutput(ns, dst, { saddr: src, oif: o.oif });
    if (!rt.ok) {
      this.events.push({ kind: 'senderr', seq, errno: rt.errno, time: w.now });
      return;
    }
    // ip_append_data(): with DF asked for, the datagram must fit the path mtu; without, an IP datagram's 65535 bytes
    const mode = o.pmtudisc ?? 'want';
    const mtu = mode === 'probe' ? Math.min(rt.rt.dev.mtu, IP_MAX_MTU) : routeMtu(ns, rt.rt, dst);
    const len = IPV4_HEADER + ICMP_HEADER + o.size;
    if (len > (mode === 'do' || mode === 'probe' ? mtu : IP_MAX_MTU)) {
      this.errors++;
      this.events.push({ kind: 'localerr', seq, mtu, time: w.now });
      return;
    }
    // __ip_make_skb(): DF on what fits, unless told not to
    const df = mode === 'do' || mode === 'probe' || (mode === 'want' && len <= mtu);
    const pkt = icmpPacket(w.nextPid(), src, dst, o.ttl, w.nextIpId(), { type: ICMP.ECHO, code: 0, id: this.lport, seq, payloadLen: o.size }, df);
    ipLocalOut(ns, pkt, rt.rt);
  }
}

export function runPing(ns: Netns, dst: Ipv4, src: Ipv4, o: PingOptions): PingRun {
  const w = ns.world;
  const sock = PingSocket.open(ns, null);
  const start = w.now;
  let lastSend = start;
  for (let i = 0; i < o.count; i++) {
    w.runUntil(start + i * o.interval);
    // each request counts against the event budget too, so a huge -c ends even when nothing answers
    if (w.budgetExceeded || ++w.budgetUsed > EVENT_BUDGET) {
      w.budgetExceeded = true;
      break;
    }
    lastSend = w.now;
    sock.sendEcho(ns, dst, src, i + 1, o);
  }
  w.runUntil(lastSend + o.timeout, () => sock.received + sock.errors >= o.count);
  sock.close(ns);
  const { events, transmitted, received, errors, pipe } = sock;
  return { ok: true, src, events, transmitted, received, errors, pipe, elapsed: lastSend - start };
}
