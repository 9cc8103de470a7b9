/**
 * The other matches: comment, mark and connmark, conntrack and state, addrtype, statistic,
 * physdev, owner (their libxt_*.c parse, final check and print).
 */
import { asIpv4, formatIpv4, type Ipv4 } from '../../../engine/addr/ipv4';
import { XT_ADDRTYPE, type AddrtypeMatch } from '../../../engine/netfilter/xt/addrtype';
import { XT_CONNTRACK, type ConntrackMatch, type ConnmarkMatch, type StateMatch } from '../../../engine/netfilter/xt/ctmatch';
import { XT_OWNER, XT_PHYSDEV_OP, type CommentMatch, type MarkMatch, type OwnerMatch, type PhysdevMatch, type StatisticMatch } from '../../../engine/netfilter/xt/matches';
import { addrtypeTypes, conntrackDump, ctStateText, hex, ipmaskToNumeric, ownerText, physdevSave, statisticText } from '../../../engine/netfilter/save';
import { RTN_TYPES } from '../../../engine/netfilter/xt/addrtype';
import { ipparseOne, paramProblem, parseInterface, parseMarkMask, strtoui, XT_EXIT, XtError } from '../xtables';
import { parseProtocol } from '../parseProto';
import type { MatchExtension } from './types';

export const commentMatch: MatchExtension<CommentMatch> = {
  name: 'comment',
  options: [{ name: 'comment', mand: true }],
  init: () => ({ kind: 'comment', comment: '' }),
  parse(v, _o, arg) {
    // XT_MAX_COMMENT_LEN is 256 with the NUL
    if (arg.length > 255) paramProblem(`comment: option "--comment" is too long (max: 255)`);
    v.comment = arg;
  },
  print: (v) => ` /* ${v.comment} */`,
};

const markPrint = (mark: number, mask: number): string => (mask >>> 0 === 0xffffffff ? ` ${hex(mark)}` : ` ${hex(mark)}/${hex(mask)}`);

export const markMatch: MatchExtension<MarkMatch> = {
  name: 'mark',
  options: [{ name: 'mark', mand: true, invert: true }],
  init: () => ({ kind: 'mark', mark: 0, mask: 0xffffffff, invert: false }),
  parse(v, _o, arg, invert) {
    const { mark, mask } = parseMarkMask(arg, 'mark', 'mark');
    v.mark = mark;
    v.mask = mask;
    v.invert = invert;
  },
  print: (v) => ` mark match${v.invert ? ' !' : ''}${markPrint(v.mark, v.mask)}`,
};

export const connmarkMatch: MatchExtension<ConnmarkMatch> = {
  name: 'connmark',
  options: [{ name: 'mark', mand: true, invert: true }],
  init: () => ({ kind: 'connmark', mark: 0, mask: 0xffffffff, invert: false }),
  parse(v, _o, arg, invert) {
    const { mark, mask } = parseMarkMask(arg, 'connmark', 'mark');
    v.mark = mark;
    v.mask = mask;
    v.invert = invert;
  },
  print: (v) => ` connmark match ${v.invert ? '!' : ''}${markPrint(v.mark, v.mask)}`,
};

const CT_STATES: Record<string, number> = { INVALID: 1, NEW: 8, RELATED: 4, ESTABLISHED: 2, UNTRACKED: 1 << 8, SNAT: 1 << 6, DNAT: 1 << 7 };
const CT_STATUS: Record<string, number> = { NONE: 0, EXPECTED: 1, SEEN_REPLY: 2, ASSURED: 4, CONFIRMED: 8 };

function parseNames(s: string, table: Record<string, number>, what: string): number {
  let mask = 0;
  for (const name of s.split(',')) {
    const k = Object.keys(table).find((n) => n.toLowerCase() === name.toLowerCase());
    if (k === undefined) paramProblem(`Bad ${what} "${name}"`);
    mask |= table[k!];
  }
  return mask;
}

/** XTTYPE_PORTRC: PORT[:PORT], numbers only */
function parsePortRc(s: string, ext: string, opt: string): [number, number] {
  const [a, b] = s.split(':');
  const lo = strtoui(a, 0, 0xffffffff);
  const hi = b === undefined ? lo : strtoui(b, 0, 0xffffffff);
  if (lo === undefined || hi === undefined) return paramProblem(`${ext}: bad value for option "--${opt}", or out of range (0-65535).\n`);
  return [lo & 0xffff, hi & 0xffff];
}

/** XTTYPE_HOSTMASK: the getaddrinfo() failure is its message */
function parseHostmask(s: string): { addr: Ipv4; mask: Ipv4 } {
  try {
    return ipparseOne(s);
  } catch (e) {
    if (e instanceof XtError) throw new XtError(XT_EXIT.PARAMETER_PROBLEM, 'getaddrinfo: Name or service not known\n');
    throw e;
  }
}

const CT_OPT_FLAGS: Record<string, number> = {
  ctstate: XT_CONNTRACK.STATE,
  ctproto: XT_CONNTRACK.PROTO,
  ctorigsrc: XT_CONNTRACK.ORIGSRC,
  ctorigdst: XT_CONNTRACK.ORIGDST,
  ctreplsrc: XT_CONNTRACK.REPLSRC,
  ctrepldst: XT_CONNTRACK.REPLDST,
  ctstatus: XT_CONNTRACK.STATUS,
  ctexpire: XT_CONNTRACK.EXPIRES,
  ctorigsrcport: XT_CONNTRACK.ORIGSRC_PORT,
  ctorigdstport: XT_CONNTRACK.ORIGDST_PORT,
  ctreplsrcport: XT_CONNTRACK.REPLSRC_PORT,
  ctrepldstport: XT_CONNTRACK.REPLDST_PORT,
  ctdir: XT_CONNTRACK.DIRECTION,
};

const ANY4 = asIpv4(0);

export const conntrackMatch: MatchExtension<ConntrackMatch> = {
  name: 'conntrack',
  options: Object.keys(CT_OPT_FLAGS).map((name) => ({ name, invert: name !== 'ctdir' })),
  init: () => ({
    kind: 'conntrack',
    flags: 0,
    invert: 0,
    stateMask: 0,
    statusMask: 0,
    l4proto: 0,
    origsrc: ANY4,
    origsrcMask: ANY4,
    origdst: ANY4,
    origdstMask: ANY4,
    replsrc: ANY4,
    replsrcMask: ANY4,
    repldst: ANY4,
    repldstMask: ANY4,
    origsrcPort: [0, 0],
    origdstPort: [0, 0],
    replsrcPort: [0, 0],
    repldstPort: [0, 0],
    expires: [0, 0],
  }),
  parse(v, opt, arg, invert) {
    const flag = CT_OPT_FLAGS[opt];
    v.flags |= flag;
    if (invert) v.invert |= flag;
    switch (opt) {
      case 'ctstate':
        v.stateMask = parseNames(arg, CT_STATES, 'ctstate');
        return;
      case 'ctstatus':
        v.statusMask = parseNames(arg, CT_STATUS, 'ctstatus');
        return;
      case 'ctproto':
        v.l4proto = parseProtocol(arg);
        return;
      case 'ctorigsrc':
      case 'ctorigdst':
      case 'ctreplsrc':
      case 'ctrepldst': {
        const { addr, mask } = parseHostmask(arg);
        const key = opt.slice(2) as 'origsrc' | 'origdst' | 'replsrc' | 'repldst';
        v[key] = addr;
        v[`${key}Mask`] = mask;
        return;
      }
      case 'ctexpire':
        v.expires = parsePortRc(arg, 'conntrack', opt);
        return;
      case 'ctdir':
        if (arg.toLowerCase() === 'original') v.invert &= ~flag;
        else if (arg.toLowerCase() === 'reply') v.invert |= flag;
        else paramProblem(`conntrack: Bad value for "--ctdir" option: "${arg}"`);
        return;
      default: {
        const key = `${opt.slice(2, -4)}Port` as 'origsrcPort' | 'origdstPort' | 'replsrcPort' | 'repldstPort';
        v[key] = parsePortRc(arg, 'conntrack', opt);
      }
    }
  },
  final(v) {
    if (v.flags === 0) paramProblem('conntrack: At least one option is required');
  },
  print: (v) => conntrackDump(v, 'ct', (a, mask) => formatIpv4(a) + ipmaskToNumeric(mask)),
};

const STATES: Record<string, number> = { INVALID: 1, NEW: 8, RELATED: 4, ESTABLISHED: 2, UNTRACKED: 1 << 6 };

export const stateMatch: MatchExtension<StateMatch> = {
  name: 'state',
  options: [{ name: 'state', mand: true, invert: true }],
  init: () => ({ kind: 'state', stateMask: 0, invert: false }),
  parse(v, _o, arg, invert) {
    v.stateMask = parseNames(arg, STATES, 'state');
    v.invert = invert;
  },
  print: (v) => `${v.invert ? ' !' : ''} state ${ctStateText(v.stateMask, true)}`,
};

function parseTypes(s: string): number {
  let mask = 0;
  for (const name of s.split(',')) {
    const i = RTN_TYPES.findIndex((t) => t.toLowerCase() === name.toLowerCase());
    if (i < 0) paramProblem(`addrtype: bad type "${name}"`);
    mask |= 1 << i;
  }
  return mask;
}

export const addrtypeMatch: MatchExtension<AddrtypeMatch> = {
  name: 'addrtype',
  options: [
    { name: 'src-type', invert: true },
    { name: 'dst-type', invert: true },
    { name: 'limit-iface-in', hasArg: 0, excl: ['limit-iface-out'] },
    { name: 'limit-iface-out', hasArg: 0, excl: ['limit-iface-in'] },
  ],
  init: () => ({ kind: 'addrtype', source: 0, dest: 0, flags: 0 }),
  parse(v, opt, arg, invert) {
    if (opt === 'src-type') {
      v.source = parseTypes(arg);
      if (invert) v.flags |= XT_ADDRTYPE.INVERT_SOURCE;
    } else if (opt === 'dst-type') {
      v.dest = parseTypes(arg);
      if (invert) v.flags |= XT_ADDRTYPE.INVERT_DEST;
    } else if (opt === 'limit-iface-in') v.flags |= XT_ADDRTYPE.LIMIT_IFACE_IN;
    else v.flags |= XT_ADDRTYPE.LIMIT_IFACE_OUT;
  },
  final(v) {
    if (v.source === 0 && v.dest === 0) paramProblem('addrtype: you must specify --src-type or --dst-type');
  },
  print(v) {
    let s = ' ADDRTYPE match';
    if (v.source) s += ` src-type ${v.flags & XT_ADDRTYPE.INVERT_SOURCE ? '!' : ''}${addrtypeTypes(v.source)}`;
    if (v.dest) s += ` dst-type ${v.flags & XT_ADDRTYPE.INVERT_DEST ? '!' : ''}${addrtypeTypes(v.dest)}`;
    if (v.flags & XT_ADDRTYPE.LIMIT_IFACE_IN) s += ' limit-in';
    if (v.flags & XT_ADDRTYPE.LIMIT_IFACE_OUT) s += ' limit-out';
    return s;
  },
};

/** strtod() over the whole string */
const strtod = (s: string): number | undefined => (/^[ \t]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined);

export const statisticMatch: MatchExtension<StatisticMatch> = {
  name: 'statistic',
  options: [
    { name: 'mode', mand: true },
    { name: 'probability', invert: true, excl: ['every', 'packet'] },
    { name: 'every', invert: true, excl: ['probability'], also: ['packet'] },
    { name: 'packet', excl: ['probability'], also: ['every'] },
  ],
  init: () => ({ kind: 'statistic', mode: 'random', probability: 0, every: 0, packet: 0, invert: false, count: { n: 0 } }),
  parse(v, opt, arg, invert) {
    switch (opt) {
      case 'mode':
        if (arg === 'random') v.mode = 'random';
        else if (arg === 'nth') v.mode = 'nth';
        else paramProblem(`Bad mode "${arg}"`);
        return;
      case 'probability': {
        const p = strtod(arg);
        if (p === undefined || p < 0 || p > 1) paramProblem('statistic: bad value for option "--probability", or out of range (0-1).\n');
        // lround(0x80000000 * p)
        v.probability = Math.round(0x80000000 * p!);
        if (invert) v.invert = true;
        return;
      }
      case 'every': {
        const n = strtoui(arg, 1, 0xffffffff);
        if (n === undefined) paramProblem('statistic: bad value for option "--every", or out of range (1-4294967295).\n');
        v.every = n! - 1;
        if (invert) v.invert = true;
        return;
      }
      case 'packet': {
        const n = strtoui(arg, 0, 0xffffffff);
        if (n === undefined) paramProblem('statistic: bad value for option "--packet", or out of range (0-4294967295).\n');
        v.packet = n!;
      }
    }
  },
  final(v, seen) {
    if (v.mode === 'random' && !seen.has('probability')) paramProblem('--probability must be specified when using random mode');
    if (v.mode === 'nth' && !seen.has('every') && !seen.has('packet')) paramProblem('--every and --packet must be specified when using nth mode');
    if (v.packet > v.every) paramProblem('the --packet p must be 0 <= p <= n-1');
    v.count.n = v.every - v.packet;
  },
  print: (v) => ' statistic' + statisticText(v, ''),
};

export const physdevMatch: MatchExtension<PhysdevMatch> = {
  name: 'physdev',
  options: [
    { name: 'physdev-in', invert: true },
    { name: 'physdev-out', invert: true },
    { name: 'physdev-is-in', hasArg: 0, invert: true },
    { name: 'physdev-is-out', hasArg: 0, invert: true },
    { name: 'physdev-is-bridged', hasArg: 0, invert: true },
  ],
  init: () => ({ kind: 'physdev', physindev: '', inWild: false, physoutdev: '', outWild: false, bitmask: 0, invert: 0 }),
  parse(v, opt, arg, invert) {
    const bit = { 'physdev-in': XT_PHYSDEV_OP.IN, 'physdev-out': XT_PHYSDEV_OP.OUT, 'physdev-is-in': XT_PHYSDEV_OP.ISIN, 'physdev-is-out': XT_PHYSDEV_OP.ISOUT, 'physdev-is-bridged': XT_PHYSDEV_OP.BRIDGED }[opt]!;
    v.bitmask |= bit;
    if (invert) v.invert |= bit;
    if (opt === 'physdev-in') {
      const i = parseInterface(arg);
      v.physindev = i.name;
      v.inWild = i.wild;
    } else if (opt === 'physdev-out') {
      const i = parseInterface(arg);
      v.physoutdev = i.name;
      v.outWild = i.wild;
    }
  },
  final(v) {
    if (v.bitmask === 0) paramProblem('PHYSDEV: no physdev option specified');
  },
  print: (v) => ' PHYSDEV match' + physdevSave(v),
};

/** The users and groups of a Debian base system (getpwnam/getgrnam on the lab's hosts). */
export const USERS: Record<string, number> = { root: 0, daemon: 1, bin: 2, sys: 3, sync: 4, games: 5, man: 6, lp: 7, mail: 8, news: 9, uucp: 10, proxy: 13, 'www-data': 33, backup: 34, list: 38, irc: 39, _apt: 42, nobody: 65534 };
export const GROUPS: Record<string, number> = { root: 0, daemon: 1, bin: 2, sys: 3, adm: 4, tty: 5, disk: 6, lp: 7, mail: 8, news: 9, uucp: 10, man: 12, proxy: 13, kmem: 15, dialout: 20, fax: 21, voice: 22, cdrom: 24, floppy: 25, tape: 26, sudo: 27, audio: 29, dip: 30, 'www-data': 33, backup: 34, operator: 37, list: 38, irc: 39, src: 40, shadow: 42, utmp: 43, video: 44, sasl: 45, plugdev: 46, staff: 50, games: 60, users: 100, nogroup: 65534 };

const idName = (table: Record<string, number>, id: number): string | undefined => Object.keys(table).find((k) => table[k] === id);

function parseIdRange(s: string, names: Record<string, number>, opt: string): [number, number] {
  const bad = (): never => paramProblem(`owner: Bad value for "--${opt}" option: "${s}"`);
  if (Object.prototype.hasOwnProperty.call(names, s)) return [names[s], names[s]];
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return bad();
  const lo = Number(m[1]);
  const hi = m[2] !== undefined ? Number(m[2]) : lo;
  if (lo > 0xfffffffe || hi > 0xfffffffe || lo > hi) return bad();
  return [lo, hi];
}

export const ownerMatch: MatchExtension<OwnerMatch> = {
  name: 'owner',
  options: [
    { name: 'uid-owner', invert: true },
    { name: 'gid-owner', invert: true },
    { name: 'socket-exists', hasArg: 0, invert: true },
  ],
  init: () => ({ kind: 'owner', uidMin: 0, uidMax: 0, gidMin: 0, gidMax: 0, match: 0, invert: 0 }),
  parse(v, opt, arg, invert) {
    if (opt === 'uid-owner') {
      [v.uidMin, v.uidMax] = parseIdRange(arg, USERS, opt);
      v.match |= XT_OWNER.UID;
      if (invert) v.invert |= XT_OWNER.UID;
    } else if (opt === 'gid-owner') {
      [v.gidMin, v.gidMax] = parseIdRange(arg, GROUPS, opt);
      v.match |= XT_OWNER.GID;
      if (invert) v.invert |= XT_OWNER.GID;
    } else {
      v.match |= XT_OWNER.SOCKET;
      if (invert) v.invert |= XT_OWNER.SOCKET;
    }
  },
  final(v) {
    if (v.match === 0) paramProblem('owner: At least one of --uid-owner, --gid-owner or --socket-exists is required');
  },
  print: (v, numeric) => ownerText(v, ['owner socket exists', 'owner UID match', 'owner GID match'], numeric ? undefined : (kind, id) => idName(kind === 'uid' ? USERS : GROUPS, id)),
};
