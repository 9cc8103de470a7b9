/**
 * Matches on the packet's conntrack entry: `-m conntrack` (xt_conntrack.c, revision 3),
 * `-m state` (xt_state.c) and `-m connmark` (xt_connmark.c).
 */
import type { Ipv4 } from '../../addr/ipv4';
import { IPS } from '../../conntrack/conn';
import { CTINFO, type HookState } from '../skb';
import type { PortRange } from './matches';

/** State bits as both matches number them: XT_STATE_BIT(ctinfo) = 1 << (ctinfo % 3 + 1). */
export const XT_STATE = { INVALID: 1, ESTABLISHED: 2, RELATED: 4, NEW: 8 } as const;
/** -m conntrack's extra states */
export const XT_CONNTRACK_STATE = { SNAT: 1 << 6, DNAT: 1 << 7, UNTRACKED: 1 << 8 } as const;
/** -m state's UNTRACKED bit */
export const XT_STATE_UNTRACKED = 1 << 6;

/** XT_CONNTRACK_* match_flags / invert_flags */
export const XT_CONNTRACK = {
  STATE: 1 << 0,
  PROTO: 1 << 1,
  ORIGSRC: 1 << 2,
  ORIGDST: 1 << 3,
  REPLSRC: 1 << 4,
  REPLDST: 1 << 5,
  STATUS: 1 << 6,
  EXPIRES: 1 << 7,
  ORIGSRC_PORT: 1 << 8,
  ORIGDST_PORT: 1 << 9,
  REPLSRC_PORT: 1 << 10,
  REPLDST_PORT: 1 << 11,
  DIRECTION: 1 << 12,
  STATE_ALIAS: 1 << 13,
} as const;

export interface ConntrackMatch {
  kind: 'conntrack';
  flags: number;
  invert: number;
  stateMask: number;
  statusMask: number;
  l4proto: number;
  origsrc: Ipv4;
  origsrcMask: Ipv4;
  origdst: Ipv4;
  origdstMask: Ipv4;
  replsrc: Ipv4;
  replsrcMask: Ipv4;
  repldst: Ipv4;
  repldstMask: Ipv4;
  origsrcPort: PortRange;
  origdstPort: PortRange;
  replsrcPort: PortRange;
  repldstPort: PortRange;
  expires: PortRange;
}

export interface StateMatch {
  kind: 'state';
  stateMask: number;
  invert: boolean;
}

export interface ConnmarkMatch {
  kind: 'connmark';
  mark: number;
  mask: number;
  invert: boolean;
}

const isReply = (ctinfo: number): boolean => ctinfo === CTINFO.ESTABLISHED_REPLY || ctinfo === CTINFO.RELATED_REPLY;

function stateBit(st: HookState, untracked: number): number {
  if (st.ctinfo === CTINFO.UNTRACKED) return untracked;
  if (st.ct === undefined) return XT_STATE.INVALID;
  return 1 << ((st.ctinfo % 3) + 1);
}

export function stateMatch(m: StateMatch, st: HookState): boolean {
  return ((m.stateMask & stateBit(st, XT_STATE_UNTRACKED)) !== 0) !== m.invert;
}

export function connmarkMatch(m: ConnmarkMatch, st: HookState): boolean {
  if (st.ct === undefined) return false;
  return ((st.ct.mark & m.mask) === m.mark) !== m.invert;
}

const addrOk = (a: Ipv4, want: Ipv4, mask: Ipv4): boolean => ((a ^ want) & mask) === 0;
const portOk = (p: number, r: PortRange): boolean => p >= r[0] && p <= r[1];

export function ctMatch(m: ConntrackMatch, st: HookState): boolean {
  const ct = st.ct;
  let statebit = stateBit(st, XT_CONNTRACK_STATE.UNTRACKED);
  if (ct !== undefined && st.ctinfo !== CTINFO.UNTRACKED) {
    if (ct.status & IPS.SRC_NAT) statebit |= XT_CONNTRACK_STATE.SNAT;
    if (ct.status & IPS.DST_NAT) statebit |= XT_CONNTRACK_STATE.DNAT;
  }
  const has = (f: number): boolean => (m.flags & f) !== 0;
  const inv = (f: number): boolean => (m.invert & f) !== 0;
  if (has(XT_CONNTRACK.STATE) && ((m.stateMask & statebit) !== 0) === inv(XT_CONNTRACK.STATE)) return false;
  if (ct === undefined || st.ctinfo === CTINFO.UNTRACKED) return has(XT_CONNTRACK.STATE);
  // --ctdir ORIGINAL keeps packets of the original direction, REPLY (stored inverted) the others
  if (has(XT_CONNTRACK.DIRECTION) && isReply(st.ctinfo) !== inv(XT_CONNTRACK.DIRECTION)) return false;
  const { orig, reply } = ct;
  const checks: [number, boolean][] = [
    [XT_CONNTRACK.ORIGSRC, addrOk(orig.src, m.origsrc, m.origsrcMask)],
    [XT_CONNTRACK.ORIGDST, addrOk(orig.dst, m.origdst, m.origdstMask)],
    [XT_CONNTRACK.REPLSRC, addrOk(reply.src, m.replsrc, m.replsrcMask)],
    [XT_CONNTRACK.REPLDST, addrOk(reply.dst, m.repldst, m.repldstMask)],
    [XT_CONNTRACK.PROTO, orig.proto === m.l4proto],
    [XT_CONNTRACK.ORIGSRC_PORT, portOk(orig.sport, m.origsrcPort)],
    [XT_CONNTRACK.ORIGDST_PORT, portOk(orig.dport, m.origdstPort)],
    [XT_CONNTRACK.REPLSRC_PORT, portOk(reply.sport, m.replsrcPort)],
    [XT_CONNTRACK.REPLDST_PORT, portOk(reply.dport, m.repldstPort)],
    [XT_CONNTRACK.STATUS, (ct.status & m.statusMask) !== 0],
  ];
  for (const [f, ok] of checks) if (has(f) && ok === inv(f)) return false;
  if (has(XT_CONNTRACK.EXPIRES)) {
    const left = Math.max(0, Math.floor((ct.expires - st.ns.world.now) / 1000));
    if (portOk(left, m.expires) === inv(XT_CONNTRACK.EXPIRES)) return false;
  }
  return true;
}
