/**
 * How `conntrack` prints an entry and picks entries (libnetfilter_conntrack's default output,
 * conntrack-tools' filters), shared by the listing and the event commands.
 */
import { formatIpv4, type Ipv4 } from '../../engine/addr/ipv4';
import { IPS, type Conn, type TcpCtState, type Tuple } from '../../engine/conntrack/conn';
import { Task } from '../../engine/proc/task';
import type { Ctx } from '../context';

export const PREFIX = 'conntrack v1.4.7 (conntrack-tools): ';

/** The netlink port id a change is reported with (conntrack -E): the process's pid, as for its first socket. */
export const portidOf = (ctx: Ctx): number | undefined => (ctx.task instanceof Task ? ctx.task.pid : undefined);

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp' };

/** One tuple as the listing prints it. */
function tupleText(t: Tuple): string {
  let s = `src=${formatIpv4(t.src)} dst=${formatIpv4(t.dst)} `;
  if (t.proto === 1) s += `type=${t.dport >> 8} code=${t.dport & 0xff} id=${t.sport} `;
  else if (t.proto === 6 || t.proto === 17) s += `sport=${t.sport} dport=${t.dport} `;
  return s;
}

/**
 * __snprintf_conntrack_default(): one entry. An event (`conntrack -E`) carries no use count and a
 * mark only when it is set; a DESTROY event has no timeout once it ran out.
 */
export function conntrackLine(ct: Conn, now: number, extended: boolean, event?: 'NEW' | 'UPDATE' | 'DESTROY'): string {
  const name = PROTO_NAMES[ct.orig.proto] ?? 'unknown';
  let s = extended ? 'ipv4     2 ' : '';
  const left = Math.max(0, Math.floor((ct.expires - now) / 1000));
  s += `${name.padEnd(8)} ${ct.orig.proto} ${event === 'DESTROY' && left === 0 ? '' : `${left} `}`;
  if (ct.tcp !== undefined) s += `${ct.tcp} `;
  s += tupleText(ct.orig);
  if (!(ct.status & IPS.SEEN_REPLY)) s += '[UNREPLIED] ';
  s += tupleText(ct.reply);
  if (ct.status & IPS.ASSURED) s += '[ASSURED] ';
  if (event === undefined) return `${s}mark=${ct.mark} use=1`;
  return ct.mark ? `${s}mark=${ct.mark}` : s.trimEnd();
}

export interface Filter {
  proto?: number;
  src?: Ipv4;
  dst?: Ipv4;
  rsrc?: Ipv4;
  rdst?: Ipv4;
  sport?: number;
  dport?: number;
  rsport?: number;
  rdport?: number;
  /** ICMP: the original direction's type, code and echo identifier */
  itype?: number;
  icode?: number;
  iid?: number;
  mark?: number;
  status?: number;
  /** -p tcp --state */
  tcpState?: TcpCtState;
  /** -n / -g / -j, each with an optional IP[:PORT] */
  nat?: NatFilter;
}

export interface NatFilter {
  src: boolean;
  dst: boolean;
  /** -j: either will do */
  any: boolean;
  snat?: { ip: Ipv4; port?: number };
  dnat?: { ip: Ipv4; port?: number };
}

/**
 * filter_nat() of conntrack-tools: NAT is read from the tuples (nfct_getobjopt IS_SNAT: the reply
 * goes back to another address than the original came from), an address or port given must be
 * the one translated to.
 */
function natMatches(ct: Conn, n: NatFilter): boolean {
  const isSnat = ct.reply.dst !== ct.orig.src;
  const isSpat = ct.reply.dport !== ct.orig.sport;
  const isDnat = ct.reply.src !== ct.orig.dst;
  const isDpat = ct.reply.sport !== ct.orig.dport;
  let hasSrc = false;
  let hasDst = false;
  if (n.src || n.any) {
    const want = n.snat;
    if (want === undefined) hasSrc = isSnat || isSpat;
    else hasSrc = isSnat && want.ip === ct.reply.dst && (want.port === undefined || (isSpat && want.port === ct.reply.dport));
  }
  if (n.dst || n.any) {
    const want = n.dnat;
    if (want === undefined) hasDst = isDnat || isDpat;
    else hasDst = isDnat && want.ip === ct.reply.src && (want.port === undefined || (isDpat && want.port === ct.reply.sport));
  }
  if (n.any) return hasSrc || hasDst;
  if (n.src && n.dst) return hasSrc && hasDst;
  return n.src ? hasSrc : hasDst;
}

/** parse_array[PARSE_STATUS] of conntrack.c, in its order */
const STATUS_NAMES: readonly [string, number][] = [
  ['ASSURED', IPS.ASSURED],
  ['SEEN_REPLY', IPS.SEEN_REPLY],
  ['UNSET', 0],
  ['FIXED_TIMEOUT', IPS.FIXED_TIMEOUT],
  ['EXPECTED', IPS.EXPECTED],
  ['OFFLOAD', IPS.OFFLOAD],
  ['HW_OFFLOAD', IPS.HW_OFFLOAD],
];

/** strncasecmp(word, name, strlen(word)) == 0: the word is a prefix of the name, in any case */
const prefixOf = (word: string, name: string): boolean => name.startsWith(word.toUpperCase());

/**
 * parse_parameter() for -u: comma-separated names, each any prefix of one (the first that fits);
 * SRC_NAT and DST_NAT are accepted with a warning. `bad` is what the tool quotes: the rest of the
 * argument from the word it could not read.
 */
export function parseStatus(arg: string): { bits: number; warnings: string[] } | { bad: string } {
  let bits = 0;
  const warnings: string[] = [];
  let rest = arg;
  for (;;) {
    const comma = rest.indexOf(',');
    const word = comma < 0 ? rest : rest.slice(0, comma);
    if (word === '') return { bad: rest };
    const nat = ['SRC_NAT', 'DST_NAT'].find((n) => prefixOf(word, n));
    const hit = nat === undefined ? STATUS_NAMES.find(([n]) => prefixOf(word, n)) : undefined;
    if (nat !== undefined) warnings.push(`WARNING: ignoring ${nat}, use --${nat === 'SRC_NAT' ? 'src' : 'dst'}-nat instead\n`);
    else if (hit === undefined) return { bad: rest };
    else bits |= hit[1];
    if (comma < 0) return { bits, warnings };
    rest = rest.slice(comma + 1);
  }
}

export function matches(ct: Conn, f: Filter): boolean {
  if (f.proto !== undefined && ct.orig.proto !== f.proto) return false;
  if (f.src !== undefined && ct.orig.src !== f.src) return false;
  if (f.dst !== undefined && ct.orig.dst !== f.dst) return false;
  if (f.rsrc !== undefined && ct.reply.src !== f.rsrc) return false;
  if (f.rdst !== undefined && ct.reply.dst !== f.rdst) return false;
  if (f.sport !== undefined && ct.orig.sport !== f.sport) return false;
  if (f.dport !== undefined && ct.orig.dport !== f.dport) return false;
  if (f.rsport !== undefined && ct.reply.sport !== f.rsport) return false;
  if (f.rdport !== undefined && ct.reply.dport !== f.rdport) return false;
  if (f.itype !== undefined && ct.orig.dport >> 8 !== f.itype) return false;
  if (f.icode !== undefined && (ct.orig.dport & 0xff) !== f.icode) return false;
  if (f.iid !== undefined && ct.orig.sport !== f.iid) return false;
  if (f.mark !== undefined && ct.mark !== f.mark) return false;
  if (f.status !== undefined && (ct.status & f.status) !== f.status) return false;
  if (f.tcpState !== undefined && ct.tcp !== f.tcpState) return false;
  return f.nat === undefined || natMatches(ct, f.nat);
}

