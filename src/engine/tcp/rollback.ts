/**
 * TCP sockets in a rollback: before a segment, a timer or a program changes a socket inside a
 * probe, its control block is copied once (per rollback) and the copy put back when the probe
 * ends. Socket table membership journals itself (socket/table.ts); the timers are events on the
 * world's queue, which the rollback restores whole.
 */
import { registerSoftState } from '../rollback/softstate';
import type { Tcb, TcpSock } from './sock';

const FIELDS = [
  'state', 'iss', 'sndUna', 'sndNxt', 'sndWnd', 'irs', 'rcvNxt', 'mss', 'peerWscale', 'tsOn', 'tsRecent',
  'sendOff', 'unsent', 'finQueued', 'finSent', 'rcvFin', 'err', 'softErr', 'synQ', 'timer', 'timerGen', 'timerAt',
  'retries', 'rto', 'userClosed', 'readShut', 'pending', 'lastAckSent',
] as const satisfies readonly (keyof Tcb)[];

type Saved = { tcb: unknown[]; sendQ: Tcb['sendQ']; recvQ: Tcb['recvQ']; acceptQ: Tcb['acceptQ']; hashed: boolean; parent: TcpSock | null; savedIn: number };

function restoreTcb(sk: TcpSock, s: Saved): void {
  const rec = sk as unknown as Record<string, unknown>;
  FIELDS.forEach((f, i) => {
    rec[f] = s.tcb[i];
  });
  sk.sendQ = s.sendQ;
  sk.recvQ = s.recvQ;
  sk.acceptQ = s.acceptQ;
  sk.hashed = s.hashed;
  sk.parent = s.parent;
  sk.savedIn = s.savedIn;
}

/** Save sk's control block for the open rollback, once; nothing outside a rollback. */
export function tcpSaveOnce(sk: TcpSock): void {
  const w = sk.ns.world;
  if (!w.journaling) return;
  const id = w.rollback.id;
  if (sk.savedIn === id) return;
  const rec = sk as unknown as Record<string, unknown>;
  const saved: Saved = { tcb: FIELDS.map((f) => rec[f]), sendQ: sk.sendQ.slice(), recvQ: sk.recvQ.slice(), acceptQ: sk.acceptQ.slice(), hashed: sk.hashed, parent: sk.parent, savedIn: sk.savedIn };
  w.journalUndo(restoreTcb, sk, saved);
  sk.savedIn = id;
}

registerSoftState<never, never>({
  name: 'tcp connections',
  netnsDigest: (ns) =>
    ns.sockets
      .all()
      .filter((s) => s.proto === 'tcp' && 'state' in s)
      .map((s) => {
        const t = s as TcpSock;
        return [t.state, t.sndUna, t.sndNxt, t.rcvNxt, t.sendQueued, t.recvQueued, t.acceptQ.length, t.timer, t.err];
      }),
});
