import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { ipRouteOutput, type Rtable } from '../fib/frontend';
import { STRERROR, type Errno } from '../fib/route';
import { Verdict } from '../sim/trace';
import { suggestRouteFix } from './fixes';
import type { Netdev } from '../netns/netdev';
import type { Netns, Socket } from '../netns/netns';
import { ipLocalOut } from './stack';
import { EVENT_BUDGET } from '../world';
import type { Ipv4Packet, SockError } from './packet';

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
}

export type PingEvent =
  | { kind: 'reply'; seq: number; from: Ipv4; ttl: number; rtt: number; bytes: number; time: number }
  | { kind: 'error'; seq: number; from: Ipv4; type: number; code: number; time: number }
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
  if (!w.tracing) return;
  w.emit({
    netns: ns.name,
    verdict: errno === 'ENETUNREACH' ? Verdict.IP_OUTNOROUTES : errno === 'EHOSTUNREACH' ? Verdict.RTN_UNREACHABLE : errno === 'EACCES' ? Verdict.RTN_PROHIBIT : Verdict.RTN_BLACKHOLE,
    packetId: w.nextPid(),
    text:
      errno === 'ENETUNREACH'
        ? `${ns.name}: no route to ${formatIpv4(dst)} in the main table → ${tool}: connect: Network is unreachable`
        : `${ns.name}: the route to ${formatIpv4(dst)} is of a type that refuses traffic → ${tool}: connect: ${STRERROR[errno]}`,
    fix: errno === 'ENETUNREACH' ? suggestRouteFix(w, ns, dst) : undefined,
  });
}

export function runPing(ns: Netns, dst: Ipv4, src: Ipv4, o: PingOptions): PingRun {
  const w = ns.world;
  const ident = w.nextPingIdent();
  const events: PingEvent[] = [];
  const sentAt = new Map<number, number>();
  const answered = new Set<number>();
  let transmitted = 0;
  let received = 0;
  let errors = 0;
  let pipe = 0;
  // iputils acknowledge(): the pipe is how many requests were out when an answer (reply or error) came
  const acknowledge = (seq: number) => {
    pipe = Math.max(pipe, transmitted - seq + 1);
  };
  const start = w.now;
  const sock: Socket = {
    kind: 'ping',
    ident,
    onPacket(pkt: Ipv4Packet) {
      const m = pkt.icmp!;
      if (m.type === 0) {
        if (!sentAt.has(m.seq)) return;
        received++;
        answered.add(m.seq);
        acknowledge(m.seq);
        events.push({ kind: 'reply', seq: m.seq, from: pkt.src, ttl: pkt.ttl, rtt: w.now - sentAt.get(m.seq)!, bytes: m.payloadLen + 8, time: w.now });
      } else if (m.type === 5) {
        const inner = m.inner.icmp;
        const seq = inner && 'seq' in inner ? inner.seq : 0;
        events.push({ kind: 'redirect', seq, from: pkt.src, gateway: m.gateway, time: w.now });
      }
    },
    onError(e: SockError) {
      const inner = e.inner.icmp;
      const seq = inner && 'seq' in inner ? inner.seq : 0;
      errors++;
      answered.add(seq);
      acknowledge(seq);
      events.push({ kind: 'error', seq, from: e.from, type: e.icmpType, code: e.icmpCode, time: w.now });
    },
  };
  w.willChange(ns);
  ns.sockets.push(sock);
  const send = (seq: number) => {
    transmitted++;
    sentAt.set(seq, w.now);
    const rt = ipRouteOutput(ns, dst, { saddr: src, oif: o.oif });
    if (!rt.ok) {
      events.push({ kind: 'senderr', seq, errno: rt.errno, time: w.now });
      return;
    }
    const pkt: Ipv4Packet = { pid: w.nextPid(), src, dst, ttl: o.ttl, id: w.nextIpId(), proto: 'icmp', icmp: { type: 8, code: 0, id: ident, seq, payloadLen: o.size } };
    ipLocalOut(ns, pkt, rt.rt);
  };
  let lastSend = start;
  for (let i = 0; i < o.count; i++) {
    const at = start + i * o.interval;
    w.runUntil(at);
    // each request counts against the event budget too, so a huge -c ends even when nothing answers
    if (w.budgetExceeded || ++w.budgetUsed > EVENT_BUDGET) {
      w.budgetExceeded = true;
      break;
    }
    lastSend = w.now;
    send(i + 1);
    if (i + 1 < o.count) {
      // keep receiving until the next request is due
      continue;
    }
  }
  const done = () => received + errors >= o.count;
  w.runUntil(lastSend + o.timeout, done);
  ns.sockets.splice(ns.sockets.indexOf(sock), 1);
  return { ok: true, src, events, transmitted, received, errors, pipe, elapsed: lastSend - start };
}
