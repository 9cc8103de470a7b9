/**
 * TCP input (net/ipv4/tcp_input.c: tcp_rcv_state_process, tcp_rcv_synsent_state_process,
 * tcp_fin; tcp_minisocks.c: tcp_timewait_state_process; tcp_ipv4.c: tcp_v4_err): what a segment
 * or an ICMP error does to a socket in each state.
 */
import { formatIpv4 } from '../addr/ipv4';
import { ipRouteOutput } from '../fib/frontend';
import { tcpV4Rcv, tcpV4SendReset } from '../ipv4/tcp';
import type { Netdev } from '../netns/netdev';
import { nsLabel } from '../netns/netns';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import { icmpErrno } from '../socket/errno';
import type { SockError } from '../socket/table';
import type { TcpPacket } from '../wire/ipv4';
import { TCP_FLAG, type TcpSegment } from '../wire/tcp';
import { tcpDone, tcpPush, tcpSendAck, tcpSendSynAck, tcpSetTimer, tcpStartSynRecv, tcpTimeWait } from './output';
import { tcpSaveOnce } from './rollback';
import { chunkLen, finTimeout, RTO_INIT_MS, TCP_STATE_NAME, TcpSock, type TcpState } from './sock';

/** Sequence-space comparisons modulo 2^32 (before() / after() in include/net/tcp.h). */
const before = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const after = (a: number, b: number): boolean => ((b - a) | 0) < 0;

/** ATO: how long an ACK of a FIN waits for the program's own answer to carry it (pingpong mode) */
const DELACK_MS = 40;

const sockWords = (_e: PacketEvent, where: string, what: string) => `${where} ← ${what}`;

/** The state a segment found its socket in (the trace names it, not the state the segment left). */
let arrivalState: TcpState = 'CLOSED';

/** The trace's line for what a segment did at its socket. */
function traceSock(sk: TcpSock, pkt: TcpPacket, dev: Netdev, what: string): void {
  const w = sk.world;
  if (w.tracing) w.emitEvent(PacketEvent.ip(sk.ns.name, dev.name, Verdict.LOCAL_DELIVER, pkt, sockWords, `${nsLabel(sk.ns)}: ${formatIpv4(sk.laddr)}:${sk.lport} (${TCP_STATE_NAME[arrivalState]})`, what));
}

function setState(sk: TcpSock, s: TcpState): void {
  sk.state = s;
}

/** tcp_v4_do_rcv(): a segment for sk. */
export function tcpRcv(sk: TcpSock, pkt: TcpPacket, dev: Netdev): void {
  arrivalState = sk.state;
  switch (sk.state) {
    case 'LISTEN':
      listenRcv(sk, pkt, dev);
      return;
    case 'SYN_SENT':
      synSentRcv(sk, pkt, dev);
      return;
    case 'CLOSED':
      tcpV4SendReset(sk.ns, pkt);
      return;
    case 'TIME_WAIT':
      timeWaitRcv(sk, pkt, dev);
      return;
  }
  stateProcess(sk, pkt, dev);
}

/** The options of a SYN or SYN-ACK: the MSS we may send (less timestamps), scale and TSval. */
function takeSynOptions(sk: TcpSock, seg: TcpSegment): void {
  const o = seg.opts;
  sk.tsOn = o?.ts !== undefined;
  sk.tsRecent = o?.ts?.[0] ?? 0;
  sk.peerWscale = o?.wscale ?? 0;
  sk.mss = Math.min(o?.mss ?? 536, sk.advMss) - (sk.tsOn ? 12 : 0);
  sk.irs = seg.seq;
  sk.rcvNxt = (seg.seq + 1) >>> 0;
  // the window of a SYN is never scaled
  sk.sndWnd = seg.window;
}

/** tcp_v4_conn_request(): a SYN for a listener makes a child in SYN_RECV, unless the accept queue is full. */
function listenRcv(sk: TcpSock, pkt: TcpPacket, dev: Netdev): void {
  const seg = pkt.tcp;
  const ns = sk.ns;
  if (seg.flags & TCP_FLAG.RST) return;
  if (seg.flags & TCP_FLAG.ACK) {
    traceSock(sk, pkt, dev, 'an ACK for no connection → reset');
    tcpV4SendReset(ns, pkt);
    return;
  }
  if (!(seg.flags & TCP_FLAG.SYN)) return;
  // sk_acceptq_is_full(): more established children waiting than the backlog allows
  if (sk.acceptQ.length > sk.backlog) {
    traceSock(sk, pkt, dev, `SYN from ${formatIpv4(pkt.src)}:${seg.sport} dropped: the accept queue is full (backlog ${sk.backlog}; LISTENOVERFLOWS)`);
    return;
  }
  const rt = ipRouteOutput(ns, pkt.src, { saddr: pkt.dst });
  if (!rt.ok) return;
  tcpSaveOnce(sk);
  const child = new TcpSock(ns);
  child.laddr = pkt.dst;
  child.lport = sk.lport;
  child.raddr = pkt.src;
  child.rport = seg.sport;
  child.parent = sk;
  // the child inherits the listener's socket options (sk_clone_lock copies sk_reuse, sk_reuseport)
  child.reuseAddr = sk.reuseAddr;
  child.reusePort = sk.reusePort;
  child.uid = sk.uid;
  child.gid = sk.gid;
  child.advMss = Math.max(88, rt.rt.dev.mtu - 40);
  takeSynOptions(child, seg);
  child.hash();
  sk.synQ++;
  traceSock(sk, pkt, dev, `SYN from ${formatIpv4(pkt.src)}:${seg.sport} → SYN-ACK (connection in SYN-RECV)`);
  tcpStartSynRecv(child);
}

/** tcp_rcv_synsent_state_process(): the answer to our SYN. */
function synSentRcv(sk: TcpSock, pkt: TcpPacket, dev: Netdev): void {
  const seg = pkt.tcp;
  const f = seg.flags;
  if (f & TCP_FLAG.ACK && seg.ack !== sk.sndNxt) {
    if (!(f & TCP_FLAG.RST)) tcpV4SendReset(sk.ns, pkt);
    return;
  }
  if (f & TCP_FLAG.RST) {
    if (!(f & TCP_FLAG.ACK)) return;
    tcpSaveOnce(sk);
    traceSock(sk, pkt, dev, 'reset: connection refused');
    sk.err = 'ECONNREFUSED';
    tcpDone(sk);
    return;
  }
  if (!(f & TCP_FLAG.SYN) || !(f & TCP_FLAG.ACK)) return;
  tcpSaveOnce(sk);
  takeSynOptions(sk, seg);
  sk.sndUna = seg.ack;
  sk.softErr = null;
  sk.retries = 0;
  sk.rto = RTO_INIT_MS;
  sk.timer = 'none';
  sk.timerGen++;
  setState(sk, 'ESTABLISHED');
  traceSock(sk, pkt, dev, 'SYN-ACK → ACK, connection established');
  tcpSendAck(sk);
  tcpPush(sk);
  sk.notify();
}

/** tcp_timewait_state_process(): a reset or a new SYN ends TIME_WAIT; anything else is acknowledged again. */
function timeWaitRcv(sk: TcpSock, pkt: TcpPacket, dev: Netdev): void {
  const seg = pkt.tcp;
  if (seg.flags & TCP_FLAG.RST) {
    tcpDone(sk);
    return;
  }
  if (seg.flags & TCP_FLAG.SYN && !(seg.flags & TCP_FLAG.ACK) && after(seg.seq, sk.rcvNxt)) {
    tcpDone(sk);
    tcpV4Rcv(sk.ns, dev, pkt);
    return;
  }
  if (seg.flags & TCP_FLAG.FIN) tcpTimeWait(sk);
  tcpSendAck(sk);
}

/** tcp_rcv_state_process() for SYN_RECV and the synchronized states. */
function stateProcess(sk: TcpSock, pkt: TcpPacket, dev: Netdev): void {
  const seg = pkt.tcp;
  const f = seg.flags;
  let len = seg.payload.len;
  let payload = seg.payload;
  tcpSaveOnce(sk);
  if (seg.seq !== sk.rcvNxt) {
    if (f & TCP_FLAG.RST) return;
    if (sk.state === 'SYN_RECV' && f & TCP_FLAG.SYN && seg.seq === sk.irs) {
      tcpSendSynAck(sk);
      return;
    }
    const end = (seg.seq + len) >>> 0;
    if (before(seg.seq, sk.rcvNxt) && after(end, sk.rcvNxt) && payload.data instanceof Uint8Array) {
      // a retransmission that overlaps what we have: keep the new part
      const skip = (sk.rcvNxt - seg.seq) >>> 0;
      payload = { len: len - skip, data: payload.data.subarray(skip) };
      len = payload.len;
    } else {
      tcpSendAck(sk);
      return;
    }
  }
  if (f & TCP_FLAG.RST) {
    traceSock(sk, pkt, dev, 'reset: the connection is gone');
    // tcp_reset(): the errno the program sees
    if (sk.state !== 'SYN_RECV') sk.err = sk.state === 'CLOSE_WAIT' ? 'EPIPE' : 'ECONNRESET';
    tcpDone(sk);
    return;
  }
  if (f & TCP_FLAG.SYN) {
    // a SYN inside a connection: RFC 5961's challenge ACK
    tcpSendAck(sk);
    return;
  }
  if (!(f & TCP_FLAG.ACK)) return;
  if (seg.opts?.ts) sk.tsRecent = seg.opts.ts[0];
  if (sk.state === 'SYN_RECV') {
    if (seg.ack !== sk.sndNxt) {
      tcpV4SendReset(sk.ns, pkt);
      return;
    }
    setState(sk, 'ESTABLISHED');
    sk.timer = 'none';
    sk.timerGen++;
    const p = sk.parent;
    if (p) {
      tcpSaveOnce(p);
      p.synQ--;
      p.acceptQ.push(sk);
      traceSock(sk, pkt, dev, `ACK: connection from ${formatIpv4(sk.raddr)}:${sk.rport} established, waiting to be accepted`);
      p.notify();
    }
  }
  if (!ackRcv(sk, seg)) return;
  let ackNow = false;
  if (len > 0) {
    if (sk.readShut && (sk.state === 'FIN_WAIT1' || sk.state === 'FIN_WAIT2')) {
      // data for a socket its program closed: RFC 1122 says reset
      traceSock(sk, pkt, dev, 'data after close → reset');
      tcpV4SendReset(sk.ns, pkt);
      tcpDone(sk);
      return;
    }
    if (sk.state === 'ESTABLISHED' || sk.state === 'FIN_WAIT1' || sk.state === 'FIN_WAIT2') {
      sk.recvQ.push(payload.data instanceof Uint8Array || payload.data === undefined ? (payload.data ?? new Uint8Array(len)) : payload.data);
      sk.rcvNxt = (sk.rcvNxt + len) >>> 0;
      ackNow = true;
    }
  }
  if (f & TCP_FLAG.FIN) {
    sk.rcvNxt = (sk.rcvNxt + 1) >>> 0;
    sk.rcvFin = true;
    traceSock(sk, pkt, dev, 'FIN: the peer has no more to send');
    switch (sk.state) {
      case 'ESTABLISHED':
        // pingpong mode: the ACK waits a little for the program's own answer to carry it
        setState(sk, 'CLOSE_WAIT');
        scheduleDelayedAck(sk);
        break;
      case 'FIN_WAIT1':
        setState(sk, 'CLOSING');
        ackNow = true;
        break;
      case 'FIN_WAIT2':
        tcpSendAck(sk);
        tcpTimeWait(sk);
        sk.notify();
        return;
    }
  }
  if (ackNow) tcpSendAck(sk);
  if (sk.unsent > 0 || (sk.finQueued && !sk.finSent)) tcpPush(sk);
  sk.notify();
}

/**
 * tcp_ack(): take what the peer acknowledged off the send queue and move the closing states on.
 * Returns false when the socket is gone.
 */
function ackRcv(sk: TcpSock, seg: TcpSegment): boolean {
  const ack = seg.ack;
  if (after(ack, sk.sndNxt)) {
    tcpSendAck(sk);
    return false;
  }
  sk.sndWnd = seg.window << sk.peerWscale;
  if (!after(ack, sk.sndUna)) return true;
  let acked = (ack - sk.sndUna) >>> 0;
  const finAcked = sk.finSent && ack === sk.sndNxt;
  if (finAcked) acked--;
  // drop acknowledged bytes from the front of the queue
  let drop = acked;
  while (drop > 0 && sk.sendQ.length > 0) {
    const first = chunkLen(sk.sendQ[0]) - sk.sendOff;
    if (drop >= first) {
      drop -= first;
      sk.sendQ.shift();
      sk.sendOff = 0;
    } else {
      sk.sendOff += drop;
      drop = 0;
    }
  }
  sk.sndUna = ack;
  sk.retries = 0;
  sk.rto = RTO_INIT_MS;
  if (sk.timer === 'retransmit') {
    if (sk.sndUna === sk.sndNxt) {
      sk.timer = 'none';
      sk.timerGen++;
    } else tcpSetTimer(sk, 'retransmit', sk.rto);
  }
  if (!finAcked) return true;
  switch (sk.state) {
    case 'FIN_WAIT1':
      setState(sk, 'FIN_WAIT2');
      if (sk.userClosed) tcpSetTimer(sk, 'finwait2', finTimeout(sk.ns));
      break;
    case 'CLOSING':
      tcpTimeWait(sk);
      break;
    case 'LAST_ACK':
      tcpDone(sk);
      return false;
  }
  return true;
}

/** An ACK that goes out by itself after DELACK_MS unless a segment of ours carries it first. */
function scheduleDelayedAck(sk: TcpSock): void {
  const at = sk.rcvNxt;
  sk.world.scheduleCall(DELACK_MS, delayedAck, sk, at);
}

function delayedAck(sk: TcpSock, rcvNxt: number): void {
  if (!sk.hashed || sk.rcvNxt !== rcvNxt || sk.lastAckSent === rcvNxt) return;
  tcpSendAck(sk);
}

/** tcp_v4_err(): an ICMP error ends a connection being set up; an established one only remembers it. */
export function tcpErr(sk: TcpSock, e: SockError): void {
  const { errno } = icmpErrno(e.icmpType, e.icmpCode);
  if (e.icmpType === 3 && e.icmpCode === 4) return;
  tcpSaveOnce(sk);
  if (sk.state === 'SYN_SENT') {
    sk.err = errno;
    tcpDone(sk);
    return;
  }
  if (sk.state === 'SYN_RECV' || sk.state === 'LISTEN') return;
  sk.softErr = errno;
}

