/**
 * `conntrack -U` as conntrack-tools 1.4.7 does it (mnl_nfct_update_cb): dump the table, and for each
 * entry the original tuple's filters pick (-s, -d, -r, -q, -p and its ports, NAT) build the entry
 * with the new mark, status bits, TCP state or timeout; send it when it differs, then fetch it back
 * to print it. Two quirks of that version are the tool's, not Hoplab's:
 *
 * - The requests carry the command's address family, which only -f or an address (-s, -d, -r, -q)
 *   sets: without one it is AF_UNSPEC, ctnetlink answers EOPNOTSUPP, the tool prints the failure,
 *   sends the fetch anyway, fails again and exits.
 * - Both requests ask for an acknowledgement and the tool reads one message per request, so the
 *   answers fall behind by one each entry: of n entries updated, only those of even position j
 *   with 3j < 2n are printed (the fetch of entry 3j/2 reads entry j's answer).
 */
import { IPS, type Conn, type TcpCtState } from '../../engine/conntrack/conn';
import { ctTable, ctWillChange } from '../../engine/conntrack/table';
import type { Ctx } from '../context';
import { Exit } from '../context';
import { ctEvent } from '../../engine/conntrack/events';
import { conntrackLine, matches, portidOf, PREFIX, type Filter } from './ctformat';

export interface CtUpdate {
  /** -m VALUE[/MASK]: mark = (mark & ~MASK) ^ VALUE */
  mark?: { value: number; mask: number };
  /** -u: bits to set (status bits can be set, never cleared) */
  status?: number;
  /** -p tcp --state */
  tcpState?: TcpCtState;
  /** -t, seconds */
  timeout?: number;
  /** -f or an address named the family */
  family: boolean;
}

/** The bits __nf_ct_change_status() lets userspace change; the others are ignored. */
const CHANGEABLE = IPS.SEEN_REPLY | IPS.ASSURED | IPS.FIXED_TIMEOUT;

/** The entry as the tool would send it, when that differs from the entry (nfct_cmp). */
function updated(ct: Conn, u: CtUpdate, now: number): { mark: number; status: number; tcp: Conn['tcp']; expires: number } | undefined {
  const mark = u.mark === undefined ? ct.mark : ((ct.mark & ~u.mark.mask) ^ u.mark.value) >>> 0;
  const status = u.status === undefined ? ct.status : ct.status | u.status;
  const tcp = u.tcpState ?? ct.tcp;
  const left = Math.max(0, Math.floor((ct.expires - now) / 1000));
  const same = mark === ct.mark && status === ct.status && tcp === ct.tcp && (u.timeout === undefined || u.timeout === left);
  if (same) return undefined;
  return { mark, status, tcp, expires: u.timeout === undefined ? ct.expires : now + u.timeout * 1000 };
}

export function conntrackUpdate(ctx: Ctx, f: Filter, u: CtUpdate, extended: boolean): void {
  const ns = ctx.ns;
  const now = ctx.world.now;
  // -m, -u and --state say what to set, not which entries
  const pick: Filter = { ...f, mark: undefined, status: undefined, tcpState: undefined };
  const done: Conn[] = [];
  for (const ct of ctTable(ns).list()) {
    if (!matches(ct, pick)) continue;
    const next = updated(ct, u, now);
    if (next === undefined) continue;
    if (!u.family) {
      ctx.err.push('Operation failed: Operation not supported\n');
      ctx.err.push(`${PREFIX}Operation failed: Operation not supported\n`);
      throw new Exit(1);
    }
    ctWillChange(ns);
    ct.mark = next.mark;
    ct.status = (ct.status & ~CHANGEABLE) | (next.status & CHANGEABLE);
    ct.tcp = next.tcp;
    ct.expires = next.expires;
    // ctnetlink_change_conntrack() reports the change to listeners (conntrack -E), naming the tool
    ctEvent(ns, 'UPDATE', ct, portidOf(ctx));
    done.push(ct);
  }
  const n = done.length;
  for (let j = 0; 3 * j < 2 * n; j += 2) ctx.out.push(`${conntrackLine(done[j], now, extended).replace(/use=1$/, 'use=2')}\n`);
  ctx.err.push(`${PREFIX}${n} flow entries have been updated.\n`);
  if (n === 0) throw new Exit(1);
}
