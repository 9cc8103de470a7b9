/**
 * Target extensions: REJECT, DNAT, SNAT, MASQUERADE, REDIRECT, MARK, CONNMARK, LOG, CT and
 * NOTRACK (libipt_REJECT.c, libxt_NAT.c, libxt_MASQUERADE.c, libxt_REDIRECT.c, libxt_MARK.c,
 * libxt_CONNMARK.c, libxt_LOG.c, libxt_CT.c).
 */
import { asIpv4 } from '../../../engine/addr/ipv4';
import { hex, natRangeText } from '../../../engine/netfilter/save';
import { NF_NAT_RANGE, REJECT_WITH, XT_LOG, type ConnmarkTarget, type CtTarget, type LogTarget, type MarkTarget, type MasqueradeTarget, type NatRange, type NatTarget, type RejectTarget, type RejectWith } from '../../../engine/netfilter/xt/targets';
import { paramProblem, parseMarkMask, strtoui } from '../xtables';
import type { RuleContext, TargetExtension, XtOption } from './types';

const REJECT_ALIASES: Record<RejectWith, string> = {
  'icmp-net-unreachable': 'net-unreach',
  'icmp-host-unreachable': 'host-unreach',
  'icmp-proto-unreachable': 'proto-unreach',
  'icmp-port-unreachable': 'port-unreach',
  'icmp-net-prohibited': 'net-prohib',
  'icmp-host-prohibited': 'host-prohib',
  'tcp-reset': 'tcp-rst',
  'icmp-admin-prohibited': 'admin-prohib',
};
/** reject_table[] order (the first prefix match wins) */
const REJECT_ORDER: RejectWith[] = ['icmp-net-unreachable', 'icmp-host-unreachable', 'icmp-proto-unreachable', 'icmp-port-unreachable', 'icmp-net-prohibited', 'icmp-host-prohibited', 'tcp-reset', 'icmp-admin-prohibited'];

export const rejectTarget: TargetExtension<RejectTarget> = {
  name: 'REJECT',
  options: [{ name: 'reject-with' }],
  init: () => ({ kind: 'REJECT', with: 'icmp-port-unreachable' }),
  parse(v, _o, arg) {
    const a = arg.toLowerCase();
    const hit = REJECT_ORDER.find((n) => n.startsWith(a) || REJECT_ALIASES[n].startsWith(a));
    if (hit === undefined || a === '') paramProblem(`unknown reject type "${arg}"`);
    v.with = hit!;
  },
  print: (v) => ` reject-with ${v.with}`,
};
void REJECT_WITH;

/** inet_pton(AF_INET): exactly four decimal parts 0–255, no leading zeros */
function inetPton(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    v = v * 256 + Number(p);
  }
  return v;
}

/** atoi() */
const atoi = (s: string): number => {
  const m = /^[ \t]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
};

/** Can the rule's protocol carry ports (tcp, udp, sctp, dccp, icmp ids)? */
const portOk = (rc: RuleContext): boolean => !rc.protoInv && [6, 17, 132, 33, 1].includes(rc.proto);
const NEED_PORT_PROTO = 'Need TCP, UDP, SCTP or DCCP with port specification';

/** The `:PORT[-PORT]` part shared by the NAT targets. */
function parsePorts(s: string, r: NatRange): void {
  const port = atoi(s);
  if (port <= 0 || port > 65535) paramProblem(`Port \`${s}' not valid`);
  const dash = s.indexOf('-');
  r.flags |= NF_NAT_RANGE.PROTO_SPECIFIED;
  if (dash < 0) {
    r.minPort = r.maxPort = port;
    return;
  }
  const max = atoi(s.slice(dash + 1));
  if (max <= 0 || max > 65535) paramProblem(`Port \`${s.slice(dash + 1)}' not valid`);
  if (max < port) paramProblem(`Port range \`${s.slice(dash + 1)}' funky`);
  r.minPort = port;
  r.maxPort = max;
}

/** parse_to(): ADDR[-ADDR][:PORT[-PORT]] */
function parseTo(arg: string, rc: RuleContext, r: NatRange): void {
  const colon = arg.indexOf(':');
  let addrs = arg;
  if (colon >= 0) {
    if (!portOk(rc)) paramProblem(NEED_PORT_PROTO);
    parsePorts(arg.slice(colon + 1), r);
    if (colon === 0) return;
    addrs = arg.slice(0, colon);
  }
  r.flags |= NF_NAT_RANGE.MAP_IPS;
  const dash = addrs.indexOf('-');
  const lo = dash < 0 ? addrs : addrs.slice(0, dash);
  const min = inetPton(lo);
  if (min === undefined) paramProblem(`Bad IP address "${lo}"`);
  let max = min!;
  if (dash >= 0) {
    const hi = inetPton(addrs.slice(dash + 1));
    if (hi === undefined) paramProblem(`Bad IP address "${addrs.slice(dash + 1)}"`);
    max = hi!;
  }
  r.minIp = asIpv4(min!);
  r.maxIp = asIpv4(max);
}

const emptyRange = (): NatRange => ({ flags: 0, minIp: asIpv4(0), maxIp: asIpv4(0), minPort: 0, maxPort: 0 });

function natFlags(v: { range: NatRange }, opt: string): boolean {
  if (opt === 'random') v.range.flags |= NF_NAT_RANGE.PROTO_RANDOM;
  else if (opt === 'random-fully') v.range.flags |= NF_NAT_RANGE.PROTO_RANDOM_FULLY;
  else if (opt === 'persistent') v.range.flags |= NF_NAT_RANGE.PERSISTENT;
  else return false;
  return true;
}

function natPrint(v: NatTarget): string {
  const f = v.range.flags;
  let s = ` to:${natRangeText(v.range)}`;
  if (f & NF_NAT_RANGE.PROTO_RANDOM) s += ' random';
  if (f & NF_NAT_RANGE.PROTO_RANDOM_FULLY) s += ' random-fully';
  if (f & NF_NAT_RANGE.PERSISTENT) s += ' persistent';
  return s;
}

const flag = (name: string): XtOption => ({ name, hasArg: 0 });

/** DNAT and SNAT differ only in their name, their mandatory --to-… and the flags they take. */
function natTarget(name: 'DNAT' | 'SNAT', to: string, flags: string[]): TargetExtension<NatTarget> {
  return {
    name,
    options: [{ name: to, mand: true }, ...flags.map(flag)],
    init: () => ({ kind: name, range: emptyRange() }),
    parse(v, opt, arg, _inv, rc) {
      if (!natFlags(v, opt)) parseTo(arg, rc, v.range);
    },
    print: natPrint,
  };
}

export const dnatTarget = natTarget('DNAT', 'to-destination', ['random', 'persistent']);
export const snatTarget = natTarget('SNAT', 'to-source', ['random', 'random-fully', 'persistent']);

export const masqueradeTarget: TargetExtension<MasqueradeTarget> = {
  name: 'MASQUERADE',
  options: [{ name: 'to-ports' }, flag('random'), flag('random-fully')],
  init: () => ({ kind: 'MASQUERADE', range: emptyRange() }),
  parse(v, opt, arg, _inv, rc) {
    if (natFlags(v, opt)) return;
    if (!portOk(rc)) paramProblem(NEED_PORT_PROTO);
    parsePorts(arg, v.range);
  },
  print(v) {
    const f = v.range.flags;
    let s = '';
    if (f & NF_NAT_RANGE.PROTO_SPECIFIED) s += ` masq ports: ${v.range.minPort}${v.range.maxPort !== v.range.minPort ? `-${v.range.maxPort}` : ''}`;
    if (f & NF_NAT_RANGE.PROTO_RANDOM) s += ' random';
    if (f & NF_NAT_RANGE.PROTO_RANDOM_FULLY) s += ' random-fully';
    return s;
  },
};

export const redirectTarget: TargetExtension<MasqueradeTarget> = {
  name: 'REDIRECT',
  options: [{ name: 'to-ports' }, flag('random')],
  init: () => ({ kind: 'REDIRECT', range: emptyRange() }),
  parse(v, opt, arg, _inv, rc) {
    if (natFlags(v, opt)) return;
    if (!portOk(rc)) paramProblem(NEED_PORT_PROTO);
    parsePorts(arg, v.range);
  },
  print(v) {
    const f = v.range.flags;
    if (!(f & NF_NAT_RANGE.PROTO_SPECIFIED)) return '';
    let s = ` redir ports ${v.range.minPort}${v.range.maxPort !== v.range.minPort ? `-${v.range.maxPort}` : ''}`;
    if (f & NF_NAT_RANGE.PROTO_RANDOM) s += ' random';
    return s;
  },
};

function parseU32(arg: string, ext: string, opt: string): number {
  const n = strtoui(arg, 0, 0xffffffff);
  return n ?? paramProblem(`${ext}: bad value for option "--${opt}", or out of range (0-4294967295).\n`);
}

const MARK_OPS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'];
const othersOf = (list: string[], name: string) => list.filter((n) => n !== name);

export const markTarget: TargetExtension<MarkTarget> = {
  name: 'MARK',
  options: MARK_OPS.map((name) => ({ name, excl: othersOf(MARK_OPS, name) })),
  init: () => ({ kind: 'MARK', mark: 0, mask: 0 }),
  parse(v, opt, arg) {
    if (opt === 'set-xmark' || opt === 'set-mark') {
      const { mark, mask } = parseMarkMask(arg, 'MARK', opt);
      v.mark = mark;
      v.mask = opt === 'set-xmark' ? mask : (mark | mask) >>> 0;
      return;
    }
    const n = parseU32(arg, 'MARK', opt);
    if (opt === 'and-mark') [v.mark, v.mask] = [0, ~n >>> 0];
    else if (opt === 'or-mark') [v.mark, v.mask] = [n, n];
    else [v.mark, v.mask] = [n, 0];
  },
  final(_v, seen) {
    if (seen.size === 0) paramProblem('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
  },
  print(v) {
    if (v.mark === 0) return ` MARK and ${hex(~v.mask >>> 0)}`;
    if (v.mark === v.mask) return ` MARK or ${hex(v.mark)}`;
    if (v.mask === 0) return ` MARK xor ${hex(v.mark)}`;
    if (v.mask >>> 0 === 0xffffffff) return ` MARK set ${hex(v.mark)}`;
    return ` MARK xset ${hex(v.mark)}/${hex(v.mask)}`;
  },
};

const CONNMARK_OPS = ['set-xmark', 'save-mark', 'restore-mark', 'and-mark', 'or-mark', 'xor-mark', 'set-mark'];

export const connmarkTarget: TargetExtension<ConnmarkTarget> = {
  name: 'CONNMARK',
  options: [
    ...CONNMARK_OPS.map((name) => ({ name, hasArg: (name.endsWith('e-mark') ? 0 : 1) as 0 | 1, excl: othersOf(CONNMARK_OPS, name) })),
    { name: 'mask' },
    { name: 'nfmask' },
    { name: 'ctmask' },
  ],
  init: () => ({ kind: 'CONNMARK', mode: 'set', ctmark: 0, ctmask: 0xffffffff, nfmask: 0xffffffff }),
  parse(v, opt, arg) {
    switch (opt) {
      case 'set-xmark':
      case 'set-mark': {
        const { mark, mask } = parseMarkMask(arg, 'CONNMARK', opt);
        v.mode = 'set';
        v.ctmark = mark;
        v.ctmask = opt === 'set-xmark' ? mask : (mark | mask) >>> 0;
        return;
      }
      case 'save-mark':
        v.mode = 'save';
        return;
      case 'restore-mark':
        v.mode = 'restore';
        return;
      case 'mask':
        v.nfmask = v.ctmask = parseU32(arg, 'CONNMARK', opt);
        return;
      case 'nfmask':
        v.nfmask = parseU32(arg, 'CONNMARK', opt);
        return;
      case 'ctmask':
        v.ctmask = parseU32(arg, 'CONNMARK', opt);
        return;
    }
    const n = parseU32(arg, 'CONNMARK', opt);
    v.mode = 'set';
    if (opt === 'and-mark') [v.ctmark, v.ctmask] = [0, ~n >>> 0];
    else if (opt === 'or-mark') [v.ctmark, v.ctmask] = [n, n];
    else [v.ctmark, v.ctmask] = [n, 0];
  },
  final(_v, seen) {
    if (!CONNMARK_OPS.some((o) => seen.has(o))) paramProblem('CONNMARK target: No operation specified');
  },
  print(v) {
    const all = 0xffffffff;
    if (v.mode === 'set') {
      if (v.ctmark === 0) return ` CONNMARK and ${hex(~v.ctmask >>> 0)}`;
      if (v.ctmark === v.ctmask) return ` CONNMARK or ${hex(v.ctmark)}`;
      if (v.ctmask === 0) return ` CONNMARK xor ${hex(v.ctmark)}`;
      if (v.ctmask >>> 0 === all) return ` CONNMARK set ${hex(v.ctmark)}`;
      return ` CONNMARK xset ${hex(v.ctmark)}/${hex(v.ctmask)}`;
    }
    if (v.mode === 'save') {
      if (v.nfmask >>> 0 === all && v.ctmask >>> 0 === all) return ' CONNMARK save';
      if (v.nfmask === v.ctmask) return ` CONNMARK save mask ${hex(v.nfmask)}`;
      return ` CONNMARK save nfmask ${hex(v.nfmask)} ctmask ~${hex(v.ctmask)}`;
    }
    if (v.ctmask >>> 0 === all && v.nfmask >>> 0 === all) return ' CONNMARK restore';
    if (v.ctmask === v.nfmask) return ` CONNMARK restore mask ${hex(v.ctmask)}`;
    return ` CONNMARK restore ctmask ${hex(v.ctmask)} nfmask ~${hex(v.nfmask)}`;
  },
};

/** syslog levels as LOG prints them (the first name of a level wins) and parses them */
const LOG_LEVELS: readonly [string, number][] = [
  ['alert', 1],
  ['crit', 2],
  ['debug', 7],
  ['emerg', 0],
  ['error', 3],
  ['info', 6],
  ['notice', 5],
  ['panic', 0],
  ['warn', 4],
  ['warning', 4],
];

/** XT_LOG_PREFIX_LEN is 30 with the NUL */
const LOG_PREFIX_MAX = 29;

export const logTarget: TargetExtension<LogTarget> = {
  name: 'LOG',
  options: [{ name: 'log-level' }, { name: 'log-prefix' }, flag('log-tcp-sequence'), flag('log-tcp-options'), flag('log-ip-options'), flag('log-uid'), flag('log-macdecode')],
  init: () => ({ kind: 'LOG', level: 4, logflags: 0, prefix: '' }),
  parse(v, opt, arg) {
    switch (opt) {
      case 'log-level': {
        const n = strtoui(arg, 0, 7) ?? LOG_LEVELS.find(([name]) => name === arg)?.[1];
        if (n === undefined) paramProblem(`log level "${arg}" unknown\n`);
        v.level = n!;
        return;
      }
      case 'log-prefix':
        if (arg === '') paramProblem('Argument must have a minimum length of 1 characters\n');
        v.prefix = arg.slice(0, LOG_PREFIX_MAX);
        return;
      case 'log-tcp-sequence':
        v.logflags |= XT_LOG.TCPSEQ;
        return;
      case 'log-tcp-options':
        v.logflags |= XT_LOG.TCPOPT;
        return;
      case 'log-ip-options':
        v.logflags |= XT_LOG.IPOPT;
        return;
      case 'log-uid':
        v.logflags |= XT_LOG.UID;
        return;
      case 'log-macdecode':
        v.logflags |= XT_LOG.MACDECODE;
    }
  },
  print(v, numeric) {
    let s = ' LOG';
    if (numeric) s += ` flags ${v.logflags} level ${v.level}`;
    else {
      const name = LOG_LEVELS.find(([, l]) => l === v.level)?.[0];
      s += name !== undefined ? ` level ${name}` : ` UNKNOWN level ${v.level}`;
      if (v.logflags & XT_LOG.TCPSEQ) s += ' tcp-sequence';
      if (v.logflags & XT_LOG.TCPOPT) s += ' tcp-options';
      if (v.logflags & XT_LOG.IPOPT) s += ' ip-options';
      if (v.logflags & XT_LOG.UID) s += ' uid';
      if (v.logflags & XT_LOG.MACDECODE) s += ' macdecode';
    }
    if (v.prefix !== '') s += ` prefix "${v.prefix}"`;
    return s;
  },
};

export const ctTarget: TargetExtension<CtTarget> = {
  name: 'CT',
  options: [flag('notrack')],
  init: () => ({ kind: 'CT', notrack: false, alias: undefined }),
  parse(v) {
    v.notrack = true;
  },
  print: (v) => (v.notrack ? ' CT notrack' : ' CT'),
};

export const notrackTarget: TargetExtension<CtTarget> = {
  name: 'NOTRACK',
  options: [],
  init: () => ({ kind: 'CT', notrack: true, alias: 'NOTRACK' }),
  parse() {},
  print: () => ' NOTRACK',
};
