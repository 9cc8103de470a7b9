/** The protocol matches: tcp, udp and sctp (libxt_tcp.c, libxt_udp.c, libxt_sctp.c), icmp (libipt_icmp.c), multiport (libxt_multiport.c). */
import type { IcmpMatch, MultiportMatch, PortRange, SctpMatch, TcpMatch, UdpMatch } from '../../../engine/netfilter/xt/matches';
import { XT_TCP_INV } from '../../../engine/netfilter/xt/matches';
import { CHAIN_PROTOS, tcpFlagsText } from '../../../engine/netfilter/save';
import { protocolName, serviceName } from '../../../engine/netfilter/netdb';
import { paramProblem, parsePort, parsePortRange, strtoui } from '../xtables';
import type { MatchExtension, RuleContext } from './types';

/** print_port(): a service name unless -n */
export function portText(port: number, proto: 'tcp' | 'udp' | undefined, numeric: boolean): string {
  if (numeric || proto === undefined) return String(port);
  return serviceName(port, proto) ?? String(port);
}

/** print_ports(): ` spt:22`, ` dpts:1000:2000`, ` dpt:!80` */
function portsPrint(name: string, r: PortRange, invert: boolean, proto: 'tcp' | 'udp', numeric: boolean): string {
  if (r[0] === 0 && r[1] === 0xffff && !invert) return '';
  const inv = invert ? '!' : '';
  if (r[0] === r[1]) return ` ${name}:${inv}${portText(r[0], proto, numeric)}`;
  return ` ${name}s:${inv}${portText(r[0], proto, numeric)}:${portText(r[1], proto, numeric)}`;
}

const TCP_FLAGS: Record<string, number> = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ALL: 0x3f, NONE: 0 };

function parseTcpFlags(s: string): number {
  let flags = 0;
  for (const name of s.split(',')) {
    const key = Object.keys(TCP_FLAGS).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) paramProblem(`Unknown TCP flag \`${name}'`);
    flags |= TCP_FLAGS[key!];
  }
  return flags;
}

/** The second argument of --tcp-flags, read straight from argv as libxt_tcp does. */
export interface ArgvAccess {
  peek(): string | undefined;
  take(): string;
}

export const tcpMatch: MatchExtension<TcpMatch> & { argv?: ArgvAccess } = {
  name: 'tcp',
  legacy: true,
  options: [{ name: 'source-port' }, { name: 'sport' }, { name: 'destination-port' }, { name: 'dport' }, { name: 'syn', hasArg: 0 }, { name: 'tcp-flags' }, { name: 'tcp-option' }],
  init: () => ({ kind: 'tcp', spts: [0, 65535], dpts: [0, 65535], flgMask: 0, flgCmp: 0, option: 0, inv: 0 }),
  parse(v, opt, arg, invert, _rc, seen) {
    switch (opt) {
      case 'source-port':
      case 'sport':
        if (seen.has('source-port') || seen.has('sport')) paramProblem("Only one `--source-port' allowed");
        v.spts = parsePortRange(arg, 'tcp');
        if (invert) v.inv |= XT_TCP_INV.SRCPT;
        return;
      case 'destination-port':
      case 'dport':
        if (seen.has('destination-port') || seen.has('dport')) paramProblem("Only one `--destination-port' allowed");
        v.dpts = parsePortRange(arg, 'tcp');
        if (invert) v.inv |= XT_TCP_INV.DSTPT;
        return;
      case 'syn':
      case 'tcp-flags': {
        if (seen.has('syn') || seen.has('tcp-flags')) paramProblem("Only one of `--syn' or `--tcp-flags'  allowed");
        let mask = 'SYN,RST,ACK,FIN';
        let cmp = 'SYN';
        if (opt === 'tcp-flags') {
          const next = tcpMatch.argv?.peek();
          if (next === undefined || next[0] === '-' || next[0] === '!') paramProblem('--tcp-flags requires two args.');
          mask = arg;
          cmp = tcpMatch.argv!.take();
        }
        v.flgMask = parseTcpFlags(mask);
        v.flgCmp = parseTcpFlags(cmp);
        if (invert) v.inv |= XT_TCP_INV.FLAGS;
        return;
      }
      case 'tcp-option': {
        if (seen.has('tcp-option')) paramProblem("Only one `--tcp-option' allowed");
        const n = strtoui(arg, 1, 255);
        if (n === undefined) paramProblem(`Bad TCP option "${arg}"`);
        v.option = n!;
        if (invert) v.inv |= XT_TCP_INV.OPTION;
        return;
      }
    }
  },
  final(_v, _seen, rc) {
    if (rc.proto !== 6 || rc.protoInv) paramProblem("TCP match requires '-p tcp'");
  },
  print(v, numeric) {
    let s = ' tcp' + portsPrint('spt', v.spts, (v.inv & XT_TCP_INV.SRCPT) !== 0, 'tcp', numeric) + portsPrint('dpt', v.dpts, (v.inv & XT_TCP_INV.DSTPT) !== 0, 'tcp', numeric);
    if (v.option || v.inv & XT_TCP_INV.OPTION) s += ` option=${v.inv & XT_TCP_INV.OPTION ? '!' : ''}${v.option}`;
    if (v.flgMask || v.inv & XT_TCP_INV.FLAGS) {
      s += ` flags:${v.inv & XT_TCP_INV.FLAGS ? '!' : ''}`;
      s += numeric ? `0x${hex2(v.flgMask)}/0x${hex2(v.flgCmp)}` : `${tcpFlagsText(v.flgMask)}/${tcpFlagsText(v.flgCmp)}`;
    }
    return s;
  },
};

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

export const udpMatch: MatchExtension<UdpMatch> = {
  name: 'udp',
  legacy: true,
  options: [{ name: 'source-port' }, { name: 'sport' }, { name: 'destination-port' }, { name: 'dport' }],
  init: () => ({ kind: 'udp', spts: [0, 65535], dpts: [0, 65535], inv: 0 }),
  parse(v, opt, arg, invert, _rc, seen) {
    if (opt === 'source-port' || opt === 'sport') {
      if (seen.has('source-port') || seen.has('sport')) paramProblem("Only one `--source-port' allowed");
      v.spts = parsePortRange(arg, 'udp');
      if (invert) v.inv |= XT_TCP_INV.SRCPT;
    } else {
      if (seen.has('destination-port') || seen.has('dport')) paramProblem("Only one `--destination-port' allowed");
      v.dpts = parsePortRange(arg, 'udp');
      if (invert) v.inv |= XT_TCP_INV.DSTPT;
    }
  },
  final(_v, _seen, rc) {
    if (rc.proto !== 17 || rc.protoInv) paramProblem("UDP match requires '-p udp'");
  },
  print(v, numeric) {
    return ' udp' + portsPrint('spt', v.spts, (v.inv & XT_TCP_INV.SRCPT) !== 0, 'udp', numeric) + portsPrint('dpt', v.dpts, (v.inv & XT_TCP_INV.DSTPT) !== 0, 'udp', numeric);
  },
};

/** the services file Hoplab carries lists tcp and udp names; sctp's well-known ones are the same ports */
const SCTP_NAMES = 'tcp';

/** libxt_sctp's ports (no --chunk-types): the rule kube-router writes for a NetworkPolicy port with protocol SCTP */
export const sctpMatch: MatchExtension<SctpMatch> = {
  name: 'sctp',
  legacy: true,
  options: [{ name: 'source-port' }, { name: 'sport' }, { name: 'destination-port' }, { name: 'dport' }],
  init: () => ({ kind: 'sctp', spts: [0, 65535], dpts: [0, 65535], inv: 0 }),
  parse(v, opt, arg, invert, _rc, seen) {
    if (opt === 'source-port' || opt === 'sport') {
      if (seen.has('source-port') || seen.has('sport')) paramProblem("Only one `--source-port' allowed");
      v.spts = parsePortRange(arg, SCTP_NAMES);
      if (invert) v.inv |= XT_TCP_INV.SRCPT;
    } else {
      if (seen.has('destination-port') || seen.has('dport')) paramProblem("Only one `--destination-port' allowed");
      v.dpts = parsePortRange(arg, SCTP_NAMES);
      if (invert) v.inv |= XT_TCP_INV.DSTPT;
    }
  },
  print(v) {
    // getservbyport(…, "sctp") finds no name for the ports a lab uses: numbers
    return ' sctp' + portsPrint('spt', v.spts, (v.inv & XT_TCP_INV.SRCPT) !== 0, 'udp', true) + portsPrint('dpt', v.dpts, (v.inv & XT_TCP_INV.DSTPT) !== 0, 'udp', true);
  },
};

/** icmp_codes[] of libipt_icmp.c: name, type, code range */
export const ICMP_CODES: readonly (readonly [string, number, number, number])[] = [
  ['any', 0xff, 0, 0xff],
  ['echo-reply', 0, 0, 0xff],
  ['pong', 0, 0, 0xff],
  ['destination-unreachable', 3, 0, 0xff],
  ['network-unreachable', 3, 0, 0],
  ['host-unreachable', 3, 1, 1],
  ['protocol-unreachable', 3, 2, 2],
  ['port-unreachable', 3, 3, 3],
  ['fragmentation-needed', 3, 4, 4],
  ['source-route-failed', 3, 5, 5],
  ['network-unknown', 3, 6, 6],
  ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9],
  ['host-prohibited', 3, 10, 10],
  ['TOS-network-unreachable', 3, 11, 11],
  ['TOS-host-unreachable', 3, 12, 12],
  ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14],
  ['precedence-cutoff', 3, 15, 15],
  ['source-quench', 4, 0, 0xff],
  ['redirect', 5, 0, 0xff],
  ['network-redirect', 5, 0, 0],
  ['host-redirect', 5, 1, 1],
  ['TOS-network-redirect', 5, 2, 2],
  ['TOS-host-redirect', 5, 3, 3],
  ['echo-request', 8, 0, 0xff],
  ['ping', 8, 0, 0xff],
  ['router-advertisement', 9, 0, 0xff],
  ['router-solicitation', 10, 0, 0xff],
  ['time-exceeded', 11, 0, 0xff],
  ['ttl-exceeded', 11, 0, 0xff],
  ['ttl-zero-during-transit', 11, 0, 0],
  ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 0xff],
  ['ip-header-bad', 12, 0, 0],
  ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 0xff],
  ['timestamp-reply', 14, 0, 0xff],
  ['address-mask-request', 17, 0, 0xff],
  ['address-mask-reply', 18, 0, 0xff],
];

/** The aliases that only parse (print finds the name before them). */
const ICMP_ALIASES = new Set(['pong', 'ping', 'ttl-exceeded']);

function parseIcmpType(s: string): [number, number, number] {
  const lower = s.toLowerCase();
  let found: (typeof ICMP_CODES)[number] | undefined;
  for (const c of ICMP_CODES) {
    if (c[0] === s || c[0].toLowerCase() === lower) return [c[1], c[2], c[3]];
    if (c[0].toLowerCase().startsWith(lower)) {
      if (found !== undefined) paramProblem(`Ambiguous ICMP type \`${s}': \`${found[0]}' or \`${c[0]}'?`);
      found = c;
    }
  }
  if (found !== undefined) return [found[1], found[2], found[3]];
  const slash = s.indexOf('/');
  const type = strtoui(slash < 0 ? s : s.slice(0, slash), 0, 255);
  if (type === undefined) paramProblem(`Unknown ICMP type \`${s}'`);
  if (slash < 0) return [type!, 0, 0xff];
  const code = strtoui(s.slice(slash + 1), 0, 255);
  if (code === undefined) paramProblem(`Unknown ICMP code \`${s}'`);
  return [type!, code!, code!];
}

export const icmpMatch: MatchExtension<IcmpMatch> = {
  name: 'icmp',
  options: [{ name: 'icmp-type', invert: true, mand: true }],
  init: () => ({ kind: 'icmp', type: 0xff, codeMin: 0, codeMax: 0xff, invert: false }),
  parse(v, _opt, arg, invert) {
    [v.type, v.codeMin, v.codeMax] = parseIcmpType(arg);
    v.invert = invert;
  },
  print(v, numeric) {
    if (!numeric) {
      const c = ICMP_CODES.find((e) => !ICMP_ALIASES.has(e[0]) && e[1] === v.type && e[2] === v.codeMin && e[3] === v.codeMax);
      if (c !== undefined) return ` icmp ${v.invert ? '!' : ''}${c[0]}`;
    }
    let s = ` icmp${v.invert ? ' !' : ''}type ${v.type}`;
    if (v.codeMin === v.codeMax) s += ` code ${v.codeMin}`;
    else if (v.codeMin !== 0 || v.codeMax !== 0xff) s += ` codes ${v.codeMin}-${v.codeMax}`;
    return s;
  },
};

const MULTIPORT_PROTOS = new Set([6, 17, 136, 132, 33]);

/** check_proto(): multiport needs -p of a protocol with ports */
function multiportProto(rc: RuleContext): 'tcp' | 'udp' | undefined {
  if (rc.protoInv) paramProblem('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP');
  if (rc.proto === 0) paramProblem("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
  if (!MULTIPORT_PROTOS.has(rc.proto)) paramProblem('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP');
  return rc.proto === 6 ? 'tcp' : rc.proto === 17 ? 'udp' : undefined;
}

/** A port of a protocol without a services database: a number only. */
function parseMultiPort(s: string, proto: 'tcp' | 'udp' | undefined): number {
  if (proto !== undefined) return parsePort(s, proto);
  const n = strtoui(s, 0, 65535);
  return n ?? paramProblem(`invalid port/service \`${s}' specified`);
}

const XT_MULTI_PORTS = 15;

export const multiportMatch: MatchExtension<MultiportMatch> = {
  name: 'multiport',
  options: [
    { name: 'source-ports', invert: true, excl: ['destination-ports', 'ports'] },
    { name: 'sports', invert: true },
    { name: 'destination-ports', invert: true, excl: ['source-ports', 'ports'] },
    { name: 'dports', invert: true },
    { name: 'ports', invert: true, excl: ['source-ports', 'destination-ports'] },
  ],
  init: () => ({ kind: 'multiport', dir: 'dst', ports: [], invert: false }),
  parse(v, opt, arg, invert, rc) {
    const proto = multiportProto(rc);
    v.dir = opt === 'ports' ? 'any' : opt.startsWith('s') ? 'src' : 'dst';
    v.invert = invert;
    v.ports = [];
    let slots = 0;
    for (const item of arg.split(',')) {
      if (slots >= XT_MULTI_PORTS) paramProblem('too many ports specified');
      const colon = item.indexOf(':');
      if (colon >= 0) {
        if (slots === XT_MULTI_PORTS - 1) paramProblem('too many ports specified');
        const lo = parseMultiPort(item.slice(0, colon), proto);
        const hi = parseMultiPort(item.slice(colon + 1), proto);
        if (lo >= hi) paramProblem('invalid portrange specified');
        v.ports.push([lo, hi]);
        slots += 2;
      } else {
        const p = parseMultiPort(item, proto);
        v.ports.push([p, p]);
        slots += 1;
      }
    }
  },
  final(v, seen) {
    if (seen.size === 0) paramProblem('multiport expection an option');
    void v;
  },
  print(v, numeric) {
    return printMultiport(v, numeric, undefined);
  },
};

/** __multiport_print_v1(): the protocol decides which service names apply */
export function printMultiport(v: MultiportMatch, numeric: boolean, proto: number | undefined): string {
  const p = proto === 6 ? 'tcp' : proto === 17 ? 'udp' : undefined;
  const ports = v.ports.map((r) => (r[0] === r[1] ? portText(r[0], p, numeric) : `${portText(r[0], p, numeric)}:${portText(r[1], p, numeric)}`)).join(',');
  return ` multiport ${v.dir === 'src' ? 'sports' : v.dir === 'dst' ? 'dports' : 'ports'} ${v.invert ? ' !' : ''}${ports}`;
}

/** proto_to_name() for -L: a name unless -n, where iptables 1.8.9 prints the number. */
export function protoText(n: number, numeric: boolean): string {
  if (numeric) return String(n);
  return CHAIN_PROTOS.find(([, p]) => p === n)?.[0] ?? protocolName(n) ?? String(n);
}
