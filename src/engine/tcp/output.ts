/**
 * TCP output and timers (net/ipv4/tcp_output.c, tcp_timer.c): building segments with the options
 * Linux puts on them, pushing queued data as the window allows, resets, and the retransmission,
 * TIME_WAIT and FIN_WAIT2 timers on the virtual clock.
 */
import { ipRouteOutput } from '../fib/frontend';
import { ipLocalOut } from '../ipv4/output';
import { tcpPacket } from '../wire/ipv4';
import { bytesPayload, EMPTY_PAYLOAD, messagePayload, type Payload } from '../wire/payload';
import { TCP_FLAG, type TcpOptions } from '../wire/tcp';
import { tcpSaveOnce } from './rollback';
import { registerRearm } from '../sim/rearm';
import { chunkLen, RTO_INIT_MS, RTO_MAX_MS, TCP_WSCALE, TIME_WAIT_MS, type Chunk, type TcpSock, type TcpTimer } from './sock';

const rnd32 = (sk: TcpSock): number => Math.floor(sk.world.random() * 0x100000000) >>> 0;

/** Our TSval: a millisecond clock with a per-connection random offset (tcp_ns_to_ts + ts_off). */
const tsVal = (sk: TcpSock): number => (Math.floor(sk.world.now) + sk.tsOffset) >>> 0;

/** The receive window we announce: 65535 rounded down to whole segments (tcp_select_initial_window). */
export const initialWindow = (mssForWindow: number): number => Math.max(mssForWindow, Math.floor(65535 / mssForWindow) * mssForWindow);

/** The window field after the handshake: the window rounded up to the scale (tcp_select_window). */
const scaledWindow = (sk: TcpSock): number => Math.ceil(sk.rcvWnd / (1 << TCP_WSCALE));

/** Build one segment of sk's connection and send it by the route to the peer. */
export function tcpTransmit(sk: TcpSock, flags: number, seq: number, payload: Payload = EMPTY_PAYLOAD, opts?: TcpOptions, window?: number): void {
  const ns = sk.ns;
  const w = ns.world;
  const rt = ipRouteOutput(ns, sk.raddr, { saddr: sk.laddr });
  if (!rt.ok) return;
  const ack = flags & TCP_FLAG.ACK ? sk.rcvNxt : 0;
  tcpSaveOnce(sk);
  if (flags & TCP_FLAG.ACK) sk.lastAckSent = sk.rcvNxt;
  const o = opts ?? (sk.tsOn && !(flags & TCP_FLAG.RST) ? { ts: [tsVal(sk), sk.tsRecent] as const } : undefined);
  const win = window ?? (flags & TCP_FLAG.RST ? 0 : scaledWindow(sk));
  const pkt = tcpPacket(w.nextPid(), sk.laddr, sk.raddr, 64, w.nextIpId(), { sport: sk.lport, dport: sk.rport, seq: seq >>> 0, ack: ack >>> 0, flags, window: win, opts: o, payload });
  ipLocalOut(ns, pkt, rt.rt, sk);
}

/** tcp_connect(): our SYN, with MSS, SACK permitted, timestamps and window scale. */
export function tcpConnectStart(sk: TcpSock): void {
  tcpSaveOnce(sk);
  sk.iss = rnd32(sk);
  sk.tsOffset = rnd32(sk);
  sk.sndUna = sk.iss;
  sk.sndNxt = (sk.iss + 1) >>> 0;
  sk.rcvWnd = initialWindow(sk.advMss);
  sk.state = 'SYN_SENT';
  sk.retries = 0;
  sk.rto = RTO_INIT_MS;
  sendSyn(sk);
  tcpSetTimer(sk, 'retransmit', sk.rto);
}

function sendSyn(sk: TcpSock): void {
  tcpTransmit(sk, TCP_FLAG.SYN, sk.iss, EMPTY_PAYLOAD, { mss: sk.advMss, sackOk: true, ts: [tsVal(sk), 0], wscale: TCP_WSCALE }, sk.rcvWnd);
}

/** tcp_make_synack(): the listener's child answers a SYN. */
export function tcpSendSynAck(sk: TcpSock): void {
  const opts: TcpOptions = { mss: sk.advMss, sackOk: true, ...(sk.tsOn ? { ts: [tsVal(sk), sk.tsRecent] as const } : {}), wscale: TCP_WSCALE };
  tcpTransmit(sk, TCP_FLAG.SYN | TCP_FLAG.ACK, sk.iss, EMPTY_PAYLOAD, opts, sk.rcvWnd);
}

/** A child for a SYN that reached a listener: SYN_RECV, and its SYN-ACK sent. */
export function tcpStartSynRecv(child: TcpSock): void {
  child.iss = rnd32(child);
  child.tsOffset = rnd32(child);
  child.sndUna = child.iss;
  child.sndNxt = (child.iss + 1) >>> 0;
  child.rcvWnd = initialWindow(child.advMss - (child.tsOn ? 12 : 0));
  child.state = 'SYN_RECV';
  child.rto = RTO_INIT_MS;
  tcpSendSynAck(child);
  tcpSetTimer(child, 'retransmit', child.rto);
}

export const tcpSendAck = (sk: TcpSock): void => tcpTransmit(sk, TCP_FLAG.ACK, sk.sndNxt);

/** Bytes of the queue from `offset` (counted from sndUna), at most `max`; a message is taken whole. */
function takeData(sk: TcpSock, offset: number, max: number): Payload {
  let pos = offset + sk.sendOff;
  const parts: Uint8Array[] = [];
  let n = 0;
  for (const c of sk.sendQ) {
    const len = chunkLen(c);
    if (pos >= len) {
      pos -= len;
      continue;
    }
    if (!(c instanceof Uint8Array)) return n === 0 ? messagePayload(c) : bytesPayload(concat(parts, n));
    const take = Math.min(len - pos, max - n);
    parts.push(c.subarray(pos, pos + take));
    n += take;
    pos = 0;
    if (n >= max) break;
  }
  return bytesPayload(concat(parts, n));
}

function concat(parts: Uint8Array[], n: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * tcp_write_xmit() + tcp_send_fin(): send the queued bytes the peer's window takes, one MSS at a
 * time (PSH on the last), then the FIN, on the last data segment when both go out together.
 */
export function tcpPush(sk: TcpSock): void {
  if (sk.state === 'SYN_SENT' || sk.state === 'SYN_RECV' || sk.state === 'CLOSED' || sk.state === 'LISTEN') return;
  tcpSaveOnce(sk);
  while (sk.unsent > 0) {
    const offset = sk.sendQueued - sk.unsent;
    const room = sk.sndWnd - ((sk.sndNxt - sk.sndUna) >>> 0);
    if (room <= 0) break;
    const payload = takeData(sk, offset, Math.min(sk.mss, room));
    const last = payload.len >= sk.unsent;
    const fin = last && sk.finQueued && !sk.finSent;
    tcpTransmit(sk, TCP_FLAG.ACK | (last ? TCP_FLAG.PSH : 0) | (fin ? TCP_FLAG.FIN : 0), sk.sndNxt, payload);
    sk.sndNxt = (sk.sndNxt + payload.len + (fin ? 1 : 0)) >>> 0;
    sk.unsent -= payload.len;
    if (fin) sk.finSent = true;
  }
  if (sk.unsent === 0 && sk.finQueued && !sk.finSent) {
    tcpTransmit(sk, TCP_FLAG.FIN | TCP_FLAG.ACK, sk.sndNxt);
    sk.sndNxt = (sk.sndNxt + 1) >>> 0;
    sk.finSent = true;
  }
  if (sk.sndNxt !== sk.sndUna && sk.timer !== 'retransmit') {
    sk.retries = 0;
    sk.rto = RTO_INIT_MS;
    tcpSetTimer(sk, 'retransmit', sk.rto);
  }
}

/** tcp_send_active_reset(): RST|ACK from where we are; the socket is gone. */
export function tcpSendActiveReset(sk: TcpSock): void {
  tcpSaveOnce(sk);
  if (sk.state !== 'CLOSED' && sk.state !== 'LISTEN' && sk.state !== 'SYN_SENT' && sk.state !== 'TIME_WAIT') tcpTransmit(sk, TCP_FLAG.RST | TCP_FLAG.ACK, sk.sndNxt);
  tcpDone(sk);
}

/** tcp_done(): the socket leaves the table, its timer is cancelled, its listener forgets it. */
export function tcpDone(sk: TcpSock): void {
  tcpSaveOnce(sk);
  const p = sk.parent;
  if (p) {
    tcpSaveOnce(p);
    const at = p.acceptQ.indexOf(sk);
    if (at >= 0) p.acceptQ.splice(at, 1);
    else if (sk.state === 'SYN_RECV') p.synQ--;
    sk.parent = null;
  }
  sk.state = 'CLOSED';
  sk.timer = 'none';
  sk.timerGen++;
  sk.unhash();
  sk.notify();
}

/** Enter TIME_WAIT (or restart its 60 s). */
export function tcpTimeWait(sk: TcpSock): void {
  tcpSaveOnce(sk);
  sk.state = 'TIME_WAIT';
  tcpSetTimer(sk, 'timewait', TIME_WAIT_MS);
  sk.notify();
}

/** Arm sk's one timer (a new arming cancels the old: its generation no longer matches). */
export function tcpSetTimer(sk: TcpSock, kind: TcpTimer, delay: number): void {
  tcpSaveOnce(sk);
  sk.timer = kind;
  sk.timerAt = sk.world.now + delay;
  const gen = ++sk.timerGen;
  sk.world.scheduleCall(delay, tcpTimerFire, sk, gen);
}

// a connection waiting on its timer (a retransmission, TIME_WAIT, FIN_WAIT2) would wait for ever
// after a storm's cut emptied the queue: arm it again for what was left of its time
registerRearm('tcp timers', (w) => {
  for (const ns of w.allNetns())
    for (const s of ns.sockets.all()) {
      if (s.proto !== 'tcp') continue;
      const sk = s as TcpSock;
      if (sk.timer !== 'none') w.scheduleCall(Math.max(0, sk.timerAt - w.now), tcpTimerFire, sk, sk.timerGen);
    }
});

const sysctlNum = (sk: TcpSock, key: string, dflt: number): number => Number(sk.ns.sysctl.get(key) ?? dflt);

function tcpTimerFire(sk: TcpSock, gen: number): void {
  if (gen !== sk.timerGen) return;
  tcpSaveOnce(sk);
  const kind = sk.timer;
  sk.timer = 'none';
  if (kind === 'timewait' || kind === 'finwait2') {
    tcpDone(sk);
    return;
  }
  if (kind !== 'retransmit') return;
  retransmit(sk);
}

/** tcp_retransmit_timer(): send the oldest unacknowledged segment again, backing off; give up after the retries. */
function retransmit(sk: TcpSock): void {
  const limit = sk.state === 'SYN_SENT' ? sysctlNum(sk, 'net.ipv4.tcp_syn_retries', 6) : sk.state === 'SYN_RECV' ? sysctlNum(sk, 'net.ipv4.tcp_synack_retries', 5) : sysctlNum(sk, 'net.ipv4.tcp_retries2', 15);
  if (sk.retries >= limit) {
    if (sk.state !== 'SYN_RECV') sk.err = sk.softErr ?? 'ETIMEDOUT';
    tcpDone(sk);
    return;
  }
  sk.retries++;
  sk.rto = Math.min(sk.rto * 2, RTO_MAX_MS);
  if (sk.state === 'SYN_SENT') sendSyn(sk);
  else if (sk.state === 'SYN_RECV') tcpSendSynAck(sk);
  else {
    // go back to the oldest unacknowledged byte and send from there
    sk.sndNxt = sk.sndUna;
    sk.unsent = sk.sendQueued;
    sk.finSent = false;
    sk.timer = 'retransmit';
    tcpPush(sk);
  }
  tcpSetTimer(sk, 'retransmit', sk.rto);
}

export type { Chunk };
