/**
 * `iptables -L` as iptables 1.8 prints it (print_header, print_firewall and xtables_print_num):
 * fixed-width columns that long names overflow, K/M/G counters unless -x, names for protocols,
 * ports and addresses unless -n (and then, since 1.8.9, the protocol as a number).
 */
import { formatIpv4 } from '../../engine/addr/ipv4';
import { hostName, networkName } from '../../engine/netfilter/netdb';
import { ipmaskToNumeric } from '../../engine/netfilter/save';
import { IPT_INV, type Chain, type Rule } from '../../engine/netfilter/types';
import type { XtTarget } from '../../engine/netfilter/xt/targets';
import { MATCHES, TARGETS } from './ext';
import { printMultiport, protoText } from './ext/proto';

export const FMT = { NUMERIC: 0x1, NOCOUNTS: 0x2, KILOMEGAGIGA: 0x4, OPTIONS: 0x8, NOTABLE: 0x10, NOTARGET: 0x20, VIA: 0x40, NONEWLINE: 0x80, LINENUMBERS: 0x100 } as const;

const padEnd = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padStart = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** xtables_print_num() */
export function printNum(n: number, format: number): string {
  const notable = (format & FMT.NOTABLE) !== 0;
  if (!(format & FMT.KILOMEGAGIGA)) return notable ? `${n} ` : `${padStart(String(n), 8)} `;
  if (n <= 99999) return notable ? `${n} ` : `${padStart(String(n), 5)} `;
  for (const unit of ['K', 'M', 'G']) {
    n = Math.floor((n + 500) / 1000);
    if (n <= 9999) return notable ? `${n}${unit} ` : `${padStart(String(n), 4)}${unit} `;
  }
  n = Math.floor((n + 500) / 1000);
  return notable ? `${n}T ` : `${padStart(String(n), 4)}T `;
}

/** print_header() */
export function printHeader(format: number, chain: Chain, refs: number): string {
  let s = `Chain ${chain.name}`;
  if (chain.hook !== undefined) {
    s += ` (policy ${chain.policy}`;
    if (!(format & FMT.NOCOUNTS)) s += ` ${printNum(chain.pkts, format | FMT.NOTABLE)}packets, ${printNum(chain.bytes, format | FMT.NOTABLE)}bytes`;
    s += ')\n';
  } else s += ` (${refs} references)\n`;
  if (format & FMT.LINENUMBERS) s += 'num  ';
  if (!(format & FMT.NOCOUNTS)) s += format & FMT.KILOMEGAGIGA ? ' pkts bytes ' : '    pkts      bytes ';
  if (!(format & FMT.NOTARGET)) s += 'target    ';
  s += ' prot ';
  if (format & FMT.OPTIONS) s += 'opt';
  if (format & FMT.VIA) s += ' in     out    ';
  s += ' source              ';
  s += ' destination         ';
  return s + '\n';
}

/** The target column: the chain jumped to, the verdict, or the extension's name (NOTRACK is CT). */
export function targetName(t: XtTarget): string {
  switch (t.kind) {
    case 'none':
      return '';
    case 'verdict':
      return t.verdict;
    case 'jump':
      return t.chain;
    default:
      return t.kind;
  }
}

/** ipv4_addr_to_string(): "anywhere" for /0 unless -n, else the address (or its name) and mask */
function addrText(addr: number, mask: number, numeric: boolean): string {
  if (mask === 0 && !numeric) return 'anywhere';
  const a = numeric ? formatIpv4(addr) : (hostName(addr as never) ?? networkName(addr as never) ?? formatIpv4(addr));
  return a + ipmaskToNumeric(mask);
}

const ifaceText = (name: string, wild: boolean, inv: boolean, numeric: boolean): string => `${inv ? '!' : ''}${name !== '' || wild ? name + (wild ? '+' : '') : numeric ? '*' : 'any'}`;

/** The matches and target columns of one rule (-L) */
export function ruleDetails(r: Rule, numeric: boolean): string {
  let s = '';
  for (const m of r.matches) {
    if (m.kind === 'multiport') s += printMultiport(m, numeric, r.ip.proto);
    else s += (MATCHES[m.kind].print as (v: typeof m, n: boolean) => string)(m, numeric);
  }
  const t = r.target;
  if (t.kind === 'CT' && t.alias === 'NOTRACK') s += TARGETS.NOTRACK.print(t, numeric);
  else if (t.kind !== 'none' && t.kind !== 'verdict' && t.kind !== 'jump') s += (TARGETS[t.kind].print as (v: typeof t, n: boolean) => string)(t, numeric);
  return s;
}

/** print_firewall(): one rule line */
export function printRule(r: Rule, num: number, format: number): string {
  const numeric = (format & FMT.NUMERIC) !== 0;
  const ip = r.ip;
  let s = '';
  if (format & FMT.LINENUMBERS) s += `${padEnd(String(num), 4)} `;
  if (!(format & FMT.NOCOUNTS)) s += printNum(r.pkts, format) + printNum(r.bytes, format);
  if (!(format & FMT.NOTARGET)) s += `${padEnd(targetName(r.target), 9)} `;
  s += ip.inv & IPT_INV.PROTO ? '!' : ' ';
  s += `${padEnd(protoText(ip.proto, numeric), 4)} `;
  if (format & FMT.OPTIONS) s += `${ip.inv & IPT_INV.FRAG ? '!' : '-'}${ip.frag ? 'f' : '-'} `;
  if (format & FMT.VIA) {
    s += ` ${padEnd(ifaceText(ip.iniface, ip.iniWild, (ip.inv & IPT_INV.VIA_IN) !== 0, numeric), 6)} `;
    s += `${padEnd(ifaceText(ip.outiface, ip.outWild, (ip.inv & IPT_INV.VIA_OUT) !== 0, numeric), 6)} `;
  }
  s += `${ip.inv & IPT_INV.SRCIP ? '!' : ' '}${padEnd(addrText(ip.src, ip.smsk, numeric), 19)} `;
  s += `${ip.inv & IPT_INV.DSTIP ? '!' : ' '}${padEnd(addrText(ip.dst, ip.dmsk, numeric), 19)} `;
  if (r.target.kind === 'jump' && r.target.goto) s += '[goto] ';
  return s + ruleDetails(r, numeric) + '\n';
}

/** The format bits -L uses for the options given. */
export function listFormat(verbose: boolean, numeric: boolean, expanded: boolean, linenumbers: boolean): number {
  let f = FMT.OPTIONS;
  if (!verbose) f |= FMT.NOCOUNTS;
  else f |= FMT.VIA;
  if (numeric) f |= FMT.NUMERIC;
  if (!expanded) f |= FMT.KILOMEGAGIGA;
  if (linenumbers) f |= FMT.LINENUMBERS;
  return f;
}
