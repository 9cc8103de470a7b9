/**
 * A TCP socket (struct tcp_sock; read net/ipv4/tcp.c and RFC 9293 §3.3.2 first): the state, the
 * sequence space of each direction, the queues a program reads and writes, and the calls a
 * program makes (connect, listen, accept, send, recv, shutdown, close). Segments arrive in
 * input.ts and leave from output.ts; the timers (SYN and data retransmission, TIME_WAIT,
 * FIN_WAIT2) run on the virtual clock.
 *
 * Enough TCP for the tools a lab runs, not all of it: in-order delivery only (an out-of-order
 * segment is answered with a duplicate ACK and dropped), go-back-N retransmission from the oldest
 * unacknowledged byte, no congestion control, no SACK blocks (SACK is only announced), the receive
 * window as Linux announces it for a reader that keeps up.
 */
import type { Ipv4 } from '../addr/ipv4';
import { isLocal, ipRouteOutput } from '../fib/frontend';
import type { Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import type { Waker } from '../proc/task';
import { SOCK_STRERROR, type SockErrno } from '../socket/errno';
import { bindPort, connectPort } from '../socket/ports';
import type { Sock, SockError, SockOwner } from '../socket/table';
import type { Ipv4Packet } from '../wire/ipv4';
import type { AppMessage } from '../wire/payload';
import { tcpRcv, tcpErr } from './input';
import { tcpConnectStart, tcpPush, tcpSendActiveReset, tcpSetTimer, tcpDone } from './output';
import { tcpSaveOnce } from './rollback';

export { SOCK_STRERROR };

/** The connection states (RFC 9293; `ss` prints them as TCP_STATE_NAME says). */
export type TcpState = 'CLOSED' | 'LISTEN' | 'SYN_SENT' | 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'CLOSING' | 'TIME_WAIT' | 'CLOSE_WAIT' | 'LAST_ACK';

/** sstate_name[] in iproute2's ss.c */
export const TCP_STATE_NAME: Record<TcpState, string> = {
  CLOSED: 'UNCONN',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN-SENT',
  SYN_RECV: 'SYN-RECV',
  ESTABLISHED: 'ESTAB',
  FIN_WAIT1: 'FIN-WAIT-1',
  FIN_WAIT2: 'FIN-WAIT-2',
  CLOSING: 'CLOSING',
  TIME_WAIT: 'TIME-WAIT',
  CLOSE_WAIT: 'CLOSE-WAIT',
  LAST_ACK: 'LAST-ACK',
};

/** What sits in a send or receive queue: bytes, or a structured message (DNS over TCP) kept whole. */
export type Chunk = Uint8Array | AppMessage;
export const chunkLen = (c: Chunk): number => (c instanceof Uint8Array ? c.length : c.len);

/** TCP_TIMEWAIT_LEN */
export const TIME_WAIT_MS = 60_000;
/** TCP_TIMEOUT_INIT: the first retransmission timeout */
export const RTO_INIT_MS = 1000;
/** TCP_RTO_MAX */
export const RTO_MAX_MS = 120_000;
/**
 * The window scale Linux announces: 10 on the kernel the goldens were recorded on (6.18, whose
 * tcp_rmem maximum is 32 MB), so `win 63` follows a SYN's `win 64240` as tcpdump shows there.
 */
export const TCP_WSCALE = 10;

/** Which timer is armed (one per socket, as icsk_pending). */
export type TcpTimer = 'none' | 'retransmit' | 'timewait' | 'finwait2';

/** The fields a rollback puts back (everything a segment or a timer can change). */
export interface Tcb {
  state: TcpState;
  iss: number;
  sndUna: number;
  sndNxt: number;
  sndWnd: number;
  irs: number;
  rcvNxt: number;
  mss: number;
  peerWscale: number;
  tsOn: boolean;
  tsRecent: number;
  sendQ: Chunk[];
  sendOff: number;
  unsent: number;
  finQueued: boolean;
  finSent: boolean;
  recvQ: Chunk[];
  rcvFin: boolean;
  err: SockErrno | null;
  softErr: SockErrno | null;
  acceptQ: TcpSock[];
  synQ: number;
  timer: TcpTimer;
  timerGen: number;
  /** when the armed timer fires (virtual ms): what a storm's cut re-arms it for */
  timerAt: number;
  retries: number;
  rto: number;
  userClosed: boolean;
  readShut: boolean;
  pending: boolean;
  lastAckSent: number;
}

export class TcpSock implements Sock, Tcb {
  readonly proto = 'tcp';
  laddr = 0 as Ipv4;
  lport = 0;
  raddr = 0 as Ipv4;
  rport = 0;
  state: TcpState = 'CLOSED';
  /** our initial sequence number, the oldest unacknowledged and the next to send */
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  /** the peer's receive window, in bytes */
  sndWnd = 65535;
  /** the peer's initial sequence number and the next byte we expect */
  irs = 0;
  rcvNxt = 0;
  /** the largest payload we send: the peer's MSS, less the timestamp option */
  mss = 536;
  peerWscale = 0;
  /** timestamps negotiated; TSval we echo */
  tsOn = false;
  tsRecent = 0;
  /** random offset of our TSval clock (Linux keys it per connection) */
  tsOffset = 0;
  /** bytes from sndUna on: sendQ[0] starts sendOff bytes in; `unsent` of them have not been sent yet */
  sendQ: Chunk[] = [];
  sendOff = 0;
  unsent = 0;
  /** shutdown(SHUT_WR) or close() asked for a FIN; finSent once it took sequence space */
  finQueued = false;
  finSent = false;
  /** what the program has not read yet; rcvFin: the peer's FIN arrived (end of file after the queue) */
  recvQ: Chunk[] = [];
  rcvFin = false;
  /** sk_err (reported once by the next call) and sk_err_soft (kept until a hard error or success) */
  err: SockErrno | null = null;
  softErr: SockErrno | null = null;
  /** a listener: established children not yet accepted, children still in SYN_RECV, its backlog */
  acceptQ: TcpSock[] = [];
  synQ = 0;
  backlog = 0;
  /** a child in SYN_RECV or not yet accepted: its listener */
  parent: TcpSock | null = null;
  timer: TcpTimer = 'none';
  timerGen = 0;
  timerAt = 0;
  retries = 0;
  rto = RTO_INIT_MS;
  /** close() was called: nobody will read; data that still arrives is answered with a reset */
  userClosed = false;
  /** shutdown(SHUT_RD) */
  readShut = false;
  /** a wake-up for the waker is already queued (callback servers) */
  pending = false;
  /** the route's device MTU decides the MSS we announce */
  advMss = 1460;
  /** the receive window we announce, in bytes */
  rcvWnd = 64240;
  /** rcvNxt as our last ACK carried it (a delayed ACK already carried goes unsent) */
  lastAckSent = -1;
  waker: Waker | null = null;
  owner?: SockOwner;
  /** the opening process's user and group (sk_uid), which `-m owner` matches */
  uid = 0;
  gid = 0;
  reuseAddr?: boolean;
  reusePort?: boolean;
  /** in the namespace's socket table */
  hashed = false;
  /** the rollback that saved this socket last (rollback.ts) */
  savedIn = -1;

  constructor(readonly ns: Netns) {}

  get world() {
    return this.ns.world;
  }

  /** Unacknowledged plus unsent bytes (ss's Send-Q). */
  get sendQueued(): number {
    let n = 0 - this.sendOff;
    for (const c of this.sendQ) n += chunkLen(c);
    return n;
  }

  /** write_seq - snd_una (ss's Send-Q): unacknowledged and unsent bytes, a SYN or FIN not yet acknowledged. */
  get writeQueued(): number {
    return ((this.sndNxt - this.sndUna) >>> 0) + this.unsent + (this.finQueued && !this.finSent ? 1 : 0);
  }

  /** Bytes received and not yet read (ss's Recv-Q). */
  get recvQueued(): number {
    let n = 0;
    for (const c of this.recvQ) n += chunkLen(c);
    return n;
  }

  hash(): void {
    if (this.hashed) return;
    this.ns.sockets.insert(this);
    this.hashed = true;
  }

  unhash(): void {
    if (!this.hashed) return;
    this.ns.sockets.remove(this);
    this.hashed = false;
  }

  get listening(): boolean {
    return this.state === 'LISTEN';
  }

  /** bind(): port 0 takes an ephemeral (odd) port. */
  bind(addr: Ipv4, port: number): SockErrno | undefined {
    if (this.hashed || this.state !== 'CLOSED') return 'EINVAL';
    if (addr !== 0 && !isLocal(this.ns, addr)) return 'EADDRNOTAVAIL';
    const t = this.ns.sockets;
    if (port === 0) {
      const p = bindPort(this.ns, 'tcp', (n) => t.onPort('tcp', n).length > 0);
      if (p === undefined) return 'EADDRINUSE';
      port = p;
    }
    this.laddr = addr;
    this.lport = port;
    if (t.bind(this)) return 'EADDRINUSE';
    this.hashed = true;
    return undefined;
  }

  /** listen(): a bound socket (or an ephemeral port) starts taking connections. */
  listen(backlog: number): SockErrno | undefined {
    if (this.state === 'LISTEN') {
      this.backlog = Math.min(backlog, somaxconn(this.ns));
      return undefined;
    }
    if (this.state !== 'CLOSED') return 'EINVAL';
    if (!this.hashed) {
      const e = this.bind(0 as Ipv4, 0);
      if (e) return e;
    }
    this.backlog = Math.min(Math.max(0, backlog), somaxconn(this.ns));
    this.state = 'LISTEN';
    this.world.touch();
    return undefined;
  }

  /**
   * connect(): routes to daddr, takes a source address and an ephemeral port, sends the SYN. A
   * routing failure is returned at once; otherwise the program waits until the state leaves
   * SYN_SENT (ESTABLISHED, or CLOSED with `err` set).
   */
  connect(daddr: Ipv4, dport: number, oif?: Netdev): SockErrno | undefined {
    if (this.state === 'ESTABLISHED') return 'EISCONN';
    if (this.state !== 'CLOSED') return 'EINVAL';
    const r = ipRouteOutput(this.ns, daddr, { saddr: this.laddr !== 0 ? this.laddr : undefined, oif });
    if (!r.ok) return r.errno === 'EHOSTUNREACH' || r.errno === 'EACCES' || r.errno === 'EINVAL' ? r.errno : 'ENETUNREACH';
    const t = this.ns.sockets;
    const saddr = this.laddr !== 0 ? this.laddr : r.rt.src;
    if (this.hashed) {
      // bound before connect(): the port is ours, the socket is rehashed with its peer
      this.unhash();
    } else {
      const port = connectPort(this.ns, saddr, daddr, dport, (p) => t.onPort('tcp', p).some((o) => o.raddr === 0 || (o.raddr === daddr && o.rport === dport && (o.laddr === saddr || o.laddr === 0))));
      if (port === undefined) return 'EADDRNOTAVAIL';
      this.lport = port;
    }
    this.laddr = saddr;
    this.raddr = daddr;
    this.rport = dport;
    this.advMss = Math.max(88, r.rt.dev.mtu - 40);
    this.hash();
    tcpConnectStart(this);
    return undefined;
  }

  /** accept(): the next established child, or undefined (would block). */
  accept(): TcpSock | undefined {
    if (this.acceptQ.length === 0) return undefined;
    tcpSaveOnce(this);
    const child = this.acceptQ.shift()!;
    tcpSaveOnce(child);
    child.parent = null;
    return child;
  }

  /** send(): queue bytes (or a message) and push what the window allows. */
  send(data: Chunk): SockErrno | undefined {
    const e = this.takeError();
    if (e) return e;
    if (this.finQueued || (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE_WAIT')) return this.state === 'SYN_SENT' ? 'ENOTCONN' : 'EPIPE';
    if (chunkLen(data) === 0) return undefined;
    tcpSaveOnce(this);
    this.sendQ.push(data);
    this.unsent += chunkLen(data);
    tcpPush(this);
    return undefined;
  }

  /**
   * recv(): what has arrived (all of it, as one read of a large enough buffer), `null` at end of
   * file, an errno, or undefined when the program would block.
   */
  recv(): Chunk[] | null | SockErrno | undefined {
    if (this.recvQ.length > 0) {
      tcpSaveOnce(this);
      const q = this.recvQ;
      this.recvQ = [];
      return q;
    }
    const e = this.takeError();
    if (e) return e;
    if (this.rcvFin || this.readShut) return null;
    if (this.state === 'CLOSED') return this.raddr !== 0 ? null : 'ENOTCONN';
    return undefined;
  }

  /** The pending error, cleared as SO_ERROR or the next call clears it. */
  takeError(): SockErrno | null {
    const e = this.err;
    if (e) {
      tcpSaveOnce(this);
      this.err = null;
    }
    return e;
  }

  /** shutdown(SHUT_WR): a FIN after the queued data. */
  shutdownWrite(): void {
    if (this.finQueued) return;
    if (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE_WAIT' && this.state !== 'SYN_RECV') return;
    tcpSaveOnce(this);
    this.finQueued = true;
    this.state = this.state === 'CLOSE_WAIT' ? 'LAST_ACK' : 'FIN_WAIT1';
    tcpPush(this);
  }

  /**
   * close() (tcp_close): a listener drops its queue (each child gets a reset); unread data means
   * a reset instead of a FIN (RFC 2525); a connection being set up just ends; otherwise a FIN
   * goes out and the socket lives on, orphaned, until the close completes.
   */
  close(): void {
    this.waker = null;
    if (this.userClosed) return;
    tcpSaveOnce(this);
    this.userClosed = true;
    this.readShut = true;
    switch (this.state) {
      case 'LISTEN':
        for (const c of this.acceptQ) tcpSendActiveReset(c);
        this.acceptQ = [];
        for (const o of this.ns.sockets.onPort('tcp', this.lport)) if (o instanceof TcpSock && o.parent === this) tcpSendActiveReset(o);
        tcpDone(this);
        return;
      case 'CLOSED':
        tcpDone(this);
        return;
      case 'SYN_SENT':
        tcpDone(this);
        return;
    }
    if (this.recvQueued > 0) {
      tcpSendActiveReset(this);
      return;
    }
    if (this.state === 'ESTABLISHED' || this.state === 'CLOSE_WAIT' || this.state === 'SYN_RECV') this.shutdownWrite();
    else if (this.state === 'FIN_WAIT2') tcpSetTimer(this, 'finwait2', finTimeout(this.ns));
  }

  /** close() with SO_LINGER 0: a reset, and the socket is gone. */
  abort(): void {
    this.waker = null;
    tcpSaveOnce(this);
    this.userClosed = true;
    if (this.state === 'LISTEN' || this.state === 'CLOSED' || this.state === 'SYN_SENT') tcpDone(this);
    else tcpSendActiveReset(this);
  }

  onPacket(pkt: Ipv4Packet, dev: Netdev): void {
    if (pkt.tcp) tcpRcv(this, pkt, dev);
  }

  onError(e: SockError): void {
    tcpErr(this, e);
  }

  /** Something a program waits for happened: wake it (a callback server runs after the segment is done). */
  notify(): void {
    this.waker?.wake();
  }
}

/** net.core.somaxconn */
const somaxconn = (ns: Netns): number => Number(ns.sysctl.get('net.core.somaxconn') ?? 4096);
/** net.ipv4.tcp_fin_timeout, in ms */
export const finTimeout = (ns: Netns): number => Number(ns.sysctl.get('net.ipv4.tcp_fin_timeout') ?? 60) * 1000;

/** socket(AF_INET, SOCK_STREAM, 0) in a namespace. */
export function tcpSocket(ns: Netns, waker: Waker | null = null): TcpSock {
  const sk = new TcpSock(ns);
  sk.waker = waker;
  return sk;
}
