/**
 * DNS conversations on the engine: each exchange a resolver or server yields becomes a UDP socket
 * in its namespace (connected to the server, an ephemeral port, as glibc and Go open them), one
 * datagram carrying the DNS message, and a timer; the conversation resumes when the reply comes,
 * when ICMP says nobody listens (connection refused), when the route fails, or at the timeout.
 * A server is a socket bound to its port whose every query starts a conversation of its own, so a
 * CoreDNS forwarding to an upstream keeps answering others meanwhile. Nothing here blocks: it all
 * runs on the world's event queue.
 *
 * Queries a client sends "over TCP" (dig +tcp, a retry after truncation) travel as datagrams
 * marked `tcp` until the engine carries TCP streams; the server answers them as it would on TCP.
 */
import { ipRouteOutput, messagePayload, payloadMessage, sockClose, udpBind, udpSendmsg, type Netns, type Sock, type SockError, type UdpPacket } from '../../engine';
import { formatIpv4, parseIpv4, type Ipv4 } from '../../engine/addr/ipv4';
import { dnsDatagram, type DnsDatagram, type DnsMessage } from '../../engine/wire/dns';
import type { DnsHandler, DnsIo, DnsOutcome, SockName } from './io';

const ERRNO_TEXT: Record<string, string> = {
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  EINVAL: 'Invalid argument',
  EACCES: 'Permission denied',
  ENETDOWN: 'Network is down',
};

/** The longest a command waits for a conversation before Hoplab calls it stuck (virtual ms). */
const CONVERSATION_LIMIT_MS = 15 * 60 * 1000;

export interface Conversation {
  /** stop it: its socket closes, its timer is ignored, `done` is never called */
  cancel(): void;
}

const ip = (s: string): Ipv4 => parseIpv4(s) ?? (0 as Ipv4);

/** Drive `io` in `ns` on the event queue; `done` gets its result. */
export function startDnsIo<R>(ns: Netns, io: DnsIo<R>, done: (r: R) => void): Conversation {
  const w = ns.world;
  let cancelled = false;
  let open: Sock | null = null;
  const close = () => {
    if (open) sockClose(ns, open);
    open = null;
  };
  const step = (outcome?: DnsOutcome) => {
    if (cancelled) return;
    const r = outcome === undefined ? io.next() : io.next(outcome);
    if (r.done) {
      done(r.value);
      return;
    }
    const x = r.value;
    const daddr = ip(x.server);
    const sentAt = w.now;
    let settled = false;
    const settle = (o: DnsOutcome) => {
      if (settled || cancelled) return;
      settled = true;
      close();
      // resume after the packet that settled it has been handled, not inside its delivery
      w.schedule(0, () => step(o));
    };
    const route = ipRouteOutput(ns, daddr, {});
    const local: SockName | undefined = route.ok ? { ip: formatIpv4(route.rt.src), port: 0 } : undefined;
    const sk: Sock = {
      proto: 'udp',
      laddr: 0 as Ipv4,
      lport: 0,
      raddr: daddr,
      rport: x.port,
      onPacket(pkt) {
        const m = payloadMessage<DnsDatagram>((pkt as UdpPacket).udp.payload, 'dns');
        if (!m || !m.msg.qr || m.msg.id !== x.query.id) return;
        settle({ kind: 'reply', reply: m.msg, size: m.len - (m.tcp ? 2 : 0), rttMs: w.now - sentAt, local });
      },
      onError(e: SockError) {
        if (e.icmpType === 3 && e.icmpCode === 3) settle({ kind: 'refused', local });
        else if (e.icmpType === 3) settle({ kind: 'unreachable', error: e.icmpCode === 0 ? ERRNO_TEXT.ENETUNREACH : ERRNO_TEXT.EHOSTUNREACH });
      },
    };
    if (udpBind(ns, sk)) {
      settle({ kind: 'unreachable', error: 'Address already in use' });
      return;
    }
    open = sk;
    if (local) local.port = sk.lport;
    const errno = udpSendmsg(ns, sk, daddr, x.port, messagePayload(dnsDatagram(x.query, x.proto === 'tcp')), { ttl: 64 });
    if (errno) {
      settle({ kind: 'unreachable', error: ERRNO_TEXT[errno] ?? errno });
      return;
    }
    w.schedule(x.timeoutMs, () => settle({ kind: 'timeout', local }));
  };
  step();
  return {
    cancel() {
      cancelled = true;
      close();
    },
  };
}

/**
 * Run a conversation to its end now, letting the world's events happen meanwhile (for a command
 * that waits for its answer). Returns undefined if it is still going after a very long time.
 */
export function runDnsIoNow<R>(ns: Netns, io: DnsIo<R>): R | undefined {
  let result: { r: R } | undefined;
  const c = startDnsIo(ns, io, (r) => (result = { r }));
  const w = ns.world;
  w.runUntil(w.now + CONVERSATION_LIMIT_MS, () => result !== undefined);
  if (!result) c.cancel();
  return result?.r;
}

export interface DnsServerSocket {
  readonly sock: Sock;
  close(): void;
}

/**
 * A DNS server on UDP `port` at `address` (undefined: every address) in `ns`. Each query becomes
 * a conversation with `handler`; its reply goes back from the server's port to the asker.
 * Returns the bind error (EADDRINUSE) when the port is taken.
 */
export function serveDns(ns: Netns, address: string | undefined, port: number, handler: DnsHandler): DnsServerSocket | 'EADDRINUSE' {
  const running = new Set<Conversation>();
  const sk: Sock = {
    proto: 'udp',
    laddr: address ? ip(address) : (0 as Ipv4),
    lport: port,
    raddr: 0 as Ipv4,
    rport: 0,
    onPacket(pkt) {
      const u = pkt as UdpPacket;
      const d = payloadMessage<DnsDatagram>(u.udp.payload, 'dns');
      if (!d) return;
      const client = { ip: formatIpv4(u.src), port: u.udp.sport, proto: d.tcp ? ('tcp' as const) : ('udp' as const), dst: formatIpv4(u.dst) };
      let finished = false;
      let c: Conversation | undefined = undefined;
      c = startDnsIo(ns, handler(d.msg, client), (reply: DnsMessage | null) => {
        finished = true;
        if (c) running.delete(c);
        if (reply) udpSendmsg(ns, sk, u.src, u.udp.sport, messagePayload(dnsDatagram(reply, d.tcp)), { ttl: 64 });
      });
      // a query answered from the server's own data is done before startDnsIo returns
      if (!finished) running.add(c);
    },
    onError() {
      // an ICMP error about a reply: the asker is gone; nothing to do
    },
  };
  if (udpBind(ns, sk)) return 'EADDRINUSE';
  return {
    sock: sk,
    close() {
      for (const c of running) c.cancel();
      running.clear();
      sockClose(ns, sk);
    },
  };
}
