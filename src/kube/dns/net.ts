/**
 * DNS conversations on the engine: each exchange a resolver or server yields becomes a UDP socket
 * in its namespace (connected to the server, an ephemeral port, as glibc and Go open them), one
 * datagram carrying the DNS message, and a timer; the conversation resumes when the reply comes,
 * when ICMP says nobody listens (connection refused), when the route fails, or at the timeout.
 * A server is a socket bound to its port whose every query starts a conversation of its own, so a
 * CoreDNS forwarding to an upstream keeps answering others meanwhile. Nothing here blocks: it all
 * runs on the world's event queue.
 *
 * Over TCP (dig +tcp, a retry after a truncated reply, RFC 7766) the exchange is a connection:
 * the handshake, the query as one message with its two-byte length, the reply, and the close; the
 * server listens on the same port over TCP and answers every query a connection carries.
 */
import { ipRouteOutput, messagePayload, payloadMessage, sockClose, udpBind, udpSendmsg, type Netns, type Sock, type SockError, type UdpPacket } from '../../engine';
import { formatIpv4, parseIpv4, type Ipv4 } from '../../engine/addr/ipv4';
import { dnsDatagram, type DnsDatagram, type DnsMessage } from '../../engine/wire/dns';
import { SOCK_STRERROR, TcpSock, tcpSocket, type Chunk } from '../../engine/tcp/sock';
import type { DnsExchange, DnsHandler, DnsIo, DnsOutcome, SockName } from './io';

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
  let open: Sock | TcpSock | null = null;
  const close = () => {
    if (open instanceof TcpSock) open.close();
    else if (open) sockClose(ns, open);
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
    if (x.proto === 'tcp') {
      open = tcpExchange(ns, x, local, settle, sentAt);
      if (open) w.schedule(x.timeoutMs, () => settle({ kind: 'timeout', local }));
      return;
    }
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
    const errno = udpSendmsg(ns, sk, daddr, x.port, messagePayload(dnsDatagram(x.query)), { ttl: 64 });
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

/** a connection that failed after connect(), in the resolver library's words (isc_result_totext) */
const STREAM_ERROR: Partial<Record<string, string>> = { ECONNRESET: 'connection reset', ETIMEDOUT: 'timed out', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable' };

const isDns = (c: Chunk): c is DnsDatagram => !(c instanceof Uint8Array) && c.app === 'dns';

/**
 * One query over a TCP connection: connect, send the query once established, settle on the reply
 * (or on the refusal, the reset, the end of file). Returns the socket, or null when it settled at once.
 */
function tcpExchange(ns: Netns, x: DnsExchange, local: SockName | undefined, settle: (o: DnsOutcome) => void, sentAt: number): TcpSock | null {
  const w = ns.world;
  let sent = false;
  const sk = tcpSocket(ns);
  const poll = (): void => {
    if (!sent && sk.state === 'ESTABLISHED') {
      sent = true;
      if (local) local.port = sk.lport;
      sk.send(dnsDatagram(x.query, true));
    }
    const got = sk.recv();
    if (got === undefined) return;
    if (got === null) return settle({ kind: 'unreachable', error: 'end of file' });
    if (typeof got === 'string') return settle(got === 'ECONNREFUSED' ? { kind: 'refused', local } : { kind: 'unreachable', error: STREAM_ERROR[got] ?? SOCK_STRERROR[got] });
    const m = got.find(isDns);
    if (m && m.msg.qr && m.msg.id === x.query.id) settle({ kind: 'reply', reply: m.msg, size: m.len - 2, rttMs: w.now - sentAt, local });
  };
  sk.waker = { wake: () => w.scheduleCall(0, poll, undefined, undefined) };
  const errno = sk.connect(parseIpv4(x.server) ?? (0 as Ipv4), x.port);
  if (errno) {
    settle({ kind: 'unreachable', error: ERRNO_TEXT[errno] ?? SOCK_STRERROR[errno] });
    return null;
  }
  return sk;
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
  /** the listener on the same port over TCP */
  readonly stream: TcpSock;
  close(): void;
}

/**
 * A DNS server on `port` at `address` (undefined: every address) in `ns`, over UDP and TCP. Each
 * query becomes a conversation with `handler`; its reply goes back from the server's port to the
 * asker, as a datagram or on the asker's connection; `backlog` is the listener's (Go's servers
 * take somaxconn). Returns the bind error (EADDRINUSE) when the port is taken.
 */
export function serveDns(ns: Netns, address: string | undefined, port: number, handler: DnsHandler, backlog = 4096): DnsServerSocket | 'EADDRINUSE' {
  const running = new Set<Conversation>();
  /** a conversation per query; `answer` sends its reply (when there is one) */
  const converse = (query: DnsMessage, client: Parameters<DnsHandler>[1], answer: (reply: DnsMessage) => void) => {
    let finished = false;
    let c: Conversation | undefined = undefined;
    c = startDnsIo(ns, handler(query, client), (reply: DnsMessage | null) => {
      finished = true;
      if (c) running.delete(c);
      if (reply) answer(reply);
    });
    // a query answered from the server's own data is done before startDnsIo returns
    if (!finished) running.add(c);
  };
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
      const client = { ip: formatIpv4(u.src), port: u.udp.sport, proto: 'udp' as const, dst: formatIpv4(u.dst) };
      converse(d.msg, client, (reply) => udpSendmsg(ns, sk, u.src, u.udp.sport, messagePayload(dnsDatagram(reply)), { ttl: 64 }));
    },
    onError() {
      // an ICMP error about a reply: the asker is gone; nothing to do
    },
  };
  if (udpBind(ns, sk)) return 'EADDRINUSE';
  const listener = tcpSocket(ns);
  if (listener.bind(sk.laddr, port) ?? listener.listen(backlog)) {
    listener.close();
    sockClose(ns, sk);
    return 'EADDRINUSE';
  }
  const conns = new Set<TcpSock>();
  // every whole query on a connection is answered on it; the asker's close ends it (RFC 7766 §6.2.3)
  const serveConn = (c: TcpSock): void => {
    if (c.state === 'CLOSED' || c.userClosed) {
      conns.delete(c);
      return;
    }
    const got = c.recv();
    if (got === null || typeof got === 'string') {
      conns.delete(c);
      c.close();
      return;
    }
    if (got === undefined) return;
    const client = { ip: formatIpv4(c.raddr), port: c.rport, proto: 'tcp' as const, dst: formatIpv4(c.laddr) };
    for (const m of got) if (isDns(m)) converse(m.msg, client, (reply) => c.send(dnsDatagram(reply, true)));
    if (c.rcvFin) serveConn(c);
  };
  const accept = (): void => {
    for (let c = listener.accept(); c !== undefined; c = listener.accept()) {
      const conn = c;
      conns.add(conn);
      conn.waker = { wake: () => ns.world.scheduleCall(0, serveConn, conn, undefined) };
      serveConn(conn);
    }
  };
  listener.waker = { wake: () => ns.world.scheduleCall(0, accept, undefined, undefined) };
  return {
    sock: sk,
    stream: listener,
    close() {
      for (const c of running) c.cancel();
      running.clear();
      sockClose(ns, sk);
      listener.close();
      for (const c of conns) c.close();
      conns.clear();
    },
  };
}
