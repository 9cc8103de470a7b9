/**
 * The parts of libxtables every extension uses: errors as xtables_error() prints them, numbers,
 * ports, addresses and interface names parsed as xtables_strtoui(), xtables_parse_port(),
 * xtables_ipparse_multiple() and xtables_parse_interface() do.
 */
import { asIpv4, formatIpv4, parseIpv4, type Ipv4 } from '../../engine/addr/ipv4';
import { servicePort } from '../../engine/netfilter/netdb';

export const XTABLES_VERSION = '1.8.9';

/** enum xtables_exittype */
export const XT_EXIT = { OTHER_PROBLEM: 1, PARAMETER_PROBLEM: 2, VERSION_PROBLEM: 3, RESOURCE_PROBLEM: 4 } as const;

/** Thrown by parsers: what xtables_error() would print, and its exit status. */
export class XtError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** xtables_error(PARAMETER_PROBLEM, …) */
export const paramProblem = (msg: string): never => {
  throw new XtError(XT_EXIT.PARAMETER_PROBLEM, msg);
};

/** xtables_strtoui(s, NULL, …, min, max): strtoul base 0 over the whole string, within [min, max]. */
export function strtoui(s: string, min: number, max: number): number | undefined {
  // the common case: plain decimal digits, no leading zero
  if (s.length > 0 && s.length < 11 && s.charCodeAt(0) > 48 && s.charCodeAt(0) <= 57) {
    let n = 0;
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    if (i === s.length) return n < min || n > max ? undefined : n;
  }
  const m = /^[ \t\n\v\f\r]*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const t = m[1];
  const n = /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === '0' ? parseInt(t, 8) : Number(t);
  if (!Number.isFinite(n) || n < min || n > max) return undefined;
  return n;
}

/** xtables_parse_port(): a number or a service name of `proto` */
export function parsePort(s: string, proto: 'tcp' | 'udp'): number {
  const n = strtoui(s, 0, 65535);
  if (n !== undefined) return n;
  const p = servicePort(s, proto);
  if (p !== undefined) return p;
  return paramProblem(`invalid port/service \`${s}' specified`);
}

/** parse_tcp_ports()/parse_udp_ports(): PORT, MIN:MAX, :MAX, MIN: */
export function parsePortRange(s: string, proto: 'tcp' | 'udp'): [number, number] {
  const colon = s.indexOf(':');
  if (colon < 0) {
    const p = parsePort(s, proto);
    return [p, p];
  }
  const a = s.slice(0, colon);
  const b = s.slice(colon + 1);
  const lo = a !== '' ? parsePort(a, proto) : 0;
  const hi = b !== '' ? parsePort(b, proto) : 0xffff;
  if (lo > hi) paramProblem('invalid portrange (min > max)');
  return [lo, hi];
}

/** __numeric_to_ipaddr(): dotted parts (a short one is a network: "10.1" is 10.1.0.0); masks need all four */
function numericToIpaddr(s: string, isMask: boolean): Ipv4 | undefined {
  const parts = s.split('.');
  if (parts.length > 4 || (isMask && parts.length !== 4)) return undefined;
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const b = i < parts.length ? strtoui(parts[i], 0, 255) : 0;
    if (b === undefined) return undefined;
    v = v * 256 + b;
  }
  return asIpv4(v);
}

/** parse_ipmask() */
function parseIpmask(s: string | undefined): Ipv4 {
  if (s === undefined) return asIpv4(0xffffffff);
  if (s.includes('.')) {
    const m = numericToIpaddr(s, true);
    if (m !== undefined) return m;
  }
  const bits = strtoui(s, 0, 32);
  if (bits === undefined) return paramProblem(`invalid mask \`${s}' specified`);
  return asIpv4(bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
}

/** Names the C library resolves without DNS (the lab's namespaces reach no name server). */
const HOSTS: Record<string, number> = { localhost: 0x7f000001 };
const NETWORKS: Record<string, number> = { default: 0, loopback: 0x7f000000, 'link-local': 0xa9fe0000 };

/** ipparse_hostnetwork(): a dotted address, a host from /etc/hosts or a network from /etc/networks. */
function parseHostNetwork(s: string): Ipv4 {
  const a = numericToIpaddr(s, false);
  if (a !== undefined) return a;
  if (Object.prototype.hasOwnProperty.call(HOSTS, s)) return asIpv4(HOSTS[s]);
  if (Object.prototype.hasOwnProperty.call(NETWORKS, s)) return asIpv4(NETWORKS[s]);
  return paramProblem(`host/network \`${s}' not found`);
}

export interface AddrMask {
  addr: Ipv4;
  mask: Ipv4;
}

const ANY_ADDR: AddrMask[] = [{ addr: asIpv4(0), mask: asIpv4(0) }];

/** xtables_ipparse_multiple(): "A[/M][,A[/M]…]", each address masked. */
export function ipparseMultiple(s: string): AddrMask[] {
  if (s === '0.0.0.0/0') return ANY_ADDR;
  if (!s.includes(',')) return [ipparseOne(s)];
  return s.split(',').map((item) => {
    const slash = item.lastIndexOf('/');
    const mask = parseIpmask(slash < 0 ? undefined : item.slice(slash + 1));
    const host = mask === 0 ? '0.0.0.0' : slash < 0 ? item : item.slice(0, slash);
    const addr = parseHostNetwork(host);
    return { addr: asIpv4(addr & mask), mask };
  });
}

/** One address[/mask] (the conntrack match's --ctorigsrc & co). */
export function ipparseOne(s: string): AddrMask {
  const slash = s.lastIndexOf('/');
  const mask = parseIpmask(slash < 0 ? undefined : s.slice(slash + 1));
  const addr = mask === 0 ? asIpv4(0) : parseHostNetwork(slash < 0 ? s : s.slice(0, slash));
  return { addr: asIpv4(addr & mask), mask };
}

export const IFNAMSIZ = 16;

/** xtables_parse_interface(): a name, or a prefix ending in '+' */
export function parseInterface(s: string): { name: string; wild: boolean } {
  if (s.length >= IFNAMSIZ) paramProblem(`interface name \`${s}' must be shorter than ${IFNAMSIZ} characters`);
  if (s.endsWith('+')) return { name: s.slice(0, -1), wild: true };
  return { name: s, wild: false };
}

/** xtables_parse_mark_mask() / xtables_strtoui for "VALUE[/MASK]" */
export function parseMarkMask(s: string, ext: string, opt: string): { mark: number; mask: number } {
  const slash = s.indexOf('/');
  const bad = () => paramProblem(`${ext}: bad integer value for option "--${opt}", or out of range.\n`);
  const mark = strtoui(slash < 0 ? s : s.slice(0, slash), 0, 0xffffffff) ?? bad();
  const mask = slash < 0 ? 0xffffffff : (strtoui(s.slice(slash + 1), 0, 0xffffffff) ?? bad());
  return { mark, mask };
}

export const ipText = (a: number): string => formatIpv4(a);

/** A dotted address as the parser would read it, or undefined (for the few callers that must not fail). */
export const tryIpv4 = (s: string): Ipv4 | undefined => parseIpv4(s) ?? undefined;
