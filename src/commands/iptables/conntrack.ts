/**
 * `conntrack` (conntrack-tools 1.4.7): list (-L), count (-C), delete (-D), flush (-F) and watch
 * (-E) the namespace's connection tracking table, with the tool's filters and its
 * one-line-per-entry format (libnetfilter_conntrack's default output).
 */
import type { Ipv4 } from '../../engine/addr/ipv4';
import { ctTable, ctWillChange } from '../../engine/conntrack/table';
import { TCP_CONNTRACK } from '../../engine/conntrack/conn';
import { ctCreate } from '../../engine/conntrack/core';
import type { CtEventType } from '../../engine/conntrack/events';
import type { Ctx } from '../context';
import { Exit } from '../context';
import type { CommandReturn } from '../registry/types';
import { conntrackLine, matches, parseStatus, portidOf, PREFIX, type Filter } from './ctformat';
import { conntrackEvents } from './ctevents';
import { conntrackStats } from './ctstats';
import { conntrackUpdate, type CtUpdate } from './ctupdate';
import { Getopt, shortOpts, type LongOpt } from './getopt';
import { strtoui } from './xtables';
import { parseDottedQuad } from '../../engine/addr/ipv4';

const USAGE = `Command line interface for the connection tracking system. Version 1.4.7
Usage: conntrack [commands] [options]

Commands:
  -L [table] [options]\t\tList conntrack or expectation table
  -G [table] parameters\t\tGet conntrack or expectation
  -D [table] parameters\t\tDelete conntrack or expectation
  -I [table] parameters\t\tCreate a conntrack or expectation
  -U [table] parameters\t\tUpdate a conntrack
  -E [table] [options]\t\tShow events
  -F [table]\t\t\tFlush table
  -C [table]\t\t\tShow counter
  -S\t\t\t\tShow statistics

Tables: conntrack, expect, dying, unconfirmed

Conntrack parameters and options:
  -n, --src-nat ip\t\t\tsource NAT ip
  -g, --dst-nat ip\t\t\tdestination NAT ip
  -j, --any-nat ip\t\t\tsource or destination NAT ip
  -m, --mark mark\t\t\tSet mark
  -c, --secmark secmark\t\t\tSet selinux secmark
  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY
  -z, --zero \t\t\t\tZero counters while listing
  -o, --output type[,...]\t\tOutput format, eg. xml
  -l, --label label[,...]\t\tconntrack labels

Expectation parameters and options:
  --tuple-src ip\tSource address in expect tuple
  --tuple-dst ip\tDestination address in expect tuple

Updating parameters and options:
  --label-add label\tAdd label
  --label-del label\tDelete label

Common parameters and options:
  -s, --src, --orig-src ip\t\tSource address from original direction
  -d, --dst, --orig-dst ip\t\tDestination address from original direction
  -r, --reply-src ip\t\tSource addres from reply direction
  -q, --reply-dst ip\t\tDestination address from reply direction
  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'
  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'
  -t, --timeout timeout\t\tSet timeout
  -u, --status status\t\tSet status, eg. ASSURED
  -w, --zone value\t\tSet conntrack zone
  --orig-zone value\t\tSet zone for original direction
  --reply-zone value\t\tSet zone for reply direction
  -b, --buffer-size\t\tNetlink socket buffer size
  --mask-src ip\t\t\tSource mask address
  --mask-dst ip\t\t\tDestination mask address

`;

const LONGS: LongOpt[] = [
  { name: 'dump', hasArg: 2, val: 'L' },
  { name: 'create', hasArg: 2, val: 'I' },
  { name: 'delete', hasArg: 2, val: 'D' },
  { name: 'update', hasArg: 2, val: 'U' },
  { name: 'get', hasArg: 2, val: 'G' },
  { name: 'flush', hasArg: 2, val: 'F' },
  { name: 'event', hasArg: 2, val: 'E' },
  { name: 'counter', hasArg: 2, val: 'C' },
  { name: 'stats', hasArg: 0, val: 'S' },
  { name: 'version', hasArg: 0, val: 'V' },
  { name: 'help', hasArg: 0, val: 'h' },
  { name: 'orig-src', hasArg: 1, val: 's' },
  { name: 'src', hasArg: 1, val: 's' },
  { name: 'orig-dst', hasArg: 1, val: 'd' },
  { name: 'dst', hasArg: 1, val: 'd' },
  { name: 'reply-src', hasArg: 1, val: 'r' },
  { name: 'reply-dst', hasArg: 1, val: 'q' },
  { name: 'protonum', hasArg: 1, val: 'p' },
  { name: 'timeout', hasArg: 1, val: 't' },
  { name: 'status', hasArg: 1, val: 'u' },
  { name: 'zero', hasArg: 0, val: 'z' },
  { name: 'mark', hasArg: 1, val: 'm' },
  { name: 'family', hasArg: 1, val: 'f' },
  { name: 'output', hasArg: 1, val: 'o' },
  { name: 'src-nat', hasArg: 2, val: 'n' },
  { name: 'dst-nat', hasArg: 2, val: 'g' },
  { name: 'any-nat', hasArg: 2, val: 'j' },
  { name: 'zone', hasArg: 1, val: 'w' },
];

/** The protocol extensions' options, known only once -p named the protocol (as in conntrack-tools). */
const PORT_OPTS: LongOpt[] = [
  { name: 'orig-port-src', hasArg: 1, val: 'sport' },
  { name: 'sport', hasArg: 1, val: 'sport' },
  { name: 'orig-port-dst', hasArg: 1, val: 'dport' },
  { name: 'dport', hasArg: 1, val: 'dport' },
  { name: 'reply-port-src', hasArg: 1, val: 'rsport' },
  { name: 'reply-port-dst', hasArg: 1, val: 'rdport' },
];
/** libct_proto_tcp's --state, known once -p tcp named the protocol */
const TCP_OPTS: LongOpt[] = [...PORT_OPTS, { name: 'state', hasArg: 1, val: 'tcpstate' }];
/** tcp_states[] of libct_proto_tcp.c: the kernel's SYN_SENT2 is LISTEN there */
const TCP_STATE_NAMES: readonly string[] = TCP_CONNTRACK.map((s) => (s === 'SYN_SENT2' ? 'LISTEN' : s));
const ICMP_OPTS: LongOpt[] = [
  { name: 'icmp-type', hasArg: 1, val: 'itype' },
  { name: 'icmp-code', hasArg: 1, val: 'icode' },
  { name: 'icmp-id', hasArg: 1, val: 'iid' },
];

const PROTO_NUMS: Record<string, number> = { icmp: 1, tcp: 6, udp: 17 };

const fail = (ctx: Ctx, msg: string): never => {
  ctx.err.push(`${PREFIX}${msg}\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`);
  throw new Exit(2);
};

export function conntrack(ctx: Ctx, args: string[]): CommandReturn {
  if (args.length === 0) {
    ctx.out.push(USAGE);
    return;
  }
  const g = new Getopt(['conntrack', ...args], shortOpts('L::I::U::D::G::E::F::hVs:d:r:q:p:t:u:e:a:zm:i:f:o:n::g::c:b:C::Sj::w:l:'), LONGS);
  let command: string | undefined;
  let table = 'conntrack';
  let extended = false;
  let timeout: number | undefined;
  let timestamp = false;
  let mask: Set<CtEventType> | undefined;
  const f: Filter = {};
  const used = new Set<string>();
  /** -U's -m VALUE[/MASK] */
  let markSet: CtUpdate['mark'];
  /** -f or an address: conntrack 1.4.7 sends -U's requests with this family, else with AF_UNSPEC */
  let family = false;
  const addr = (s: string): Ipv4 => parseDottedQuad(s) ?? fail(ctx, `Invalid IP address \`${s}'`);
  const natAddr = (s: string): { ip: Ipv4; port?: number } => {
    const [ip, p] = s.split(':');
    return p === undefined ? { ip: addr(ip) } : { ip: addr(ip), port: port(p) };
  };
  const port = (s: string): number => strtoui(s, 0, 65535) ?? fail(ctx, `invalid port \`${s}'`);
  for (;;) {
    const r = g.next();
    if (r.c === -1) break;
    const c = r.c;
    if (typeof c === 'string' && 'LIUDGEFCS'.includes(c) && c.length === 1) {
      if (command !== undefined) fail(ctx, 'Invalid commands combination');
      command = c;
      const t = r.optarg ?? (g.hasArg() ? args[g.optind++ - 1] : undefined);
      if (t !== undefined) table = tableNamed(ctx, t);
      if (c === 'U' && table === 'expect') fail(ctx, "Can't do --update on expectations");
      if ((c === 'S' || c === 'U') && (table === 'dying' || table === 'unconfirmed')) fail(ctx, "Can't do that command with tables `dying' and `unconfirmed'");
      continue;
    }
    if (typeof c === 'string') used.add(c);
    switch (c) {
      case 'h':
        ctx.out.push(USAGE);
        return;
      case 'V':
        ctx.err.push(`${PREFIX.trimEnd().replace(/:$/, '')}\n`);
        return;
      case 's':
        family = true;
        f.src = addr(r.optarg!);
        break;
      case 'd':
        family = true;
        f.dst = addr(r.optarg!);
        break;
      case 'r':
        family = true;
        f.rsrc = addr(r.optarg!);
        break;
      case 'q':
        family = true;
        f.rdst = addr(r.optarg!);
        break;
      case 'p': {
        const n = PROTO_NUMS[r.optarg!.toLowerCase()] ?? strtoui(r.optarg!, 0, 255);
        if (n === undefined) fail(ctx, `\`${r.optarg}' unsupported protocol`);
        f.proto = n;
        if (n === 6) g.more.push(TCP_OPTS);
        else if (n === 17) g.more.push(PORT_OPTS);
        else if (n === 1) g.more.push(ICMP_OPTS);
        break;
      }
      case 'sport':
      case 'dport':
      case 'rsport':
      case 'rdport':
        f[c] = port(r.optarg!);
        break;
      case 'tcpstate': {
        // strcmp: the names as conntrack prints them, in capitals
        const i = TCP_STATE_NAMES.indexOf(r.optarg!);
        if (i < 0) fail(ctx, `unknown TCP state \`${r.optarg}'`);
        f.tcpState = TCP_CONNTRACK[i];
        break;
      }
      case 'itype':
      case 'icode':
        f[c] = strtoui(r.optarg!, 0, 255) ?? fail(ctx, `Bad parameter \`${r.optarg}'`);
        break;
      case 'iid':
        f.iid = strtoui(r.optarg!, 0, 65535) ?? fail(ctx, `Bad parameter \`${r.optarg}'`);
        break;
      case 'm': {
        // parse_u32_mask(): strtoul's number, then after a '/' the mask (all bits without one)
        const [value, rest] = strtoulLead(r.optarg!);
        markSet = { value, mask: rest.startsWith('/') ? strtoulLead(rest.slice(1))[0] : 0xffffffff };
        if (command !== 'U') f.mark = strtoui(r.optarg!.split('/')[0], 0, 0xffffffff) ?? fail(ctx, `Bad mark \`${r.optarg}'`);
        break;
      }
      case 'u': {
        const st = parseStatus(r.optarg!);
        if ('bad' in st) fail(ctx, `Bad parameter \`${st.bad}'`);
        else {
          ctx.err.push(...st.warnings);
          f.status = st.bits;
        }
        break;
      }
      case 'n':
      case 'g':
      case 'j': {
        // conntrack-tools takes the address from the next word only (an attached `=IP` is
        // ignored), and without one the option filters nothing
        const arg = g.hasArg() ? args[g.optind++ - 1] : undefined;
        used.add(c);
        if (arg === undefined) break;
        const n = (f.nat ??= { src: false, dst: false, any: false });
        const at = natAddr(arg);
        if (c === 'n') [n.src, n.snat] = [true, at];
        else if (c === 'g') [n.dst, n.dnat] = [true, at];
        else [n.any, n.snat, n.dnat] = [true, at, at];
        break;
      }
      case 'o':
        for (const o of r.optarg!.split(',')) {
          if (o === 'extended') extended = true;
          else if (o === 'timestamp') timestamp = true;
          else if (!['xml', 'timestamp', 'id', 'ktimestamp', 'labels', 'userspace'].includes(o)) fail(ctx, `Bad parameter \`${o}'`);
        }
        break;
      case 'f':
        family = true;
        if (r.optarg !== 'ipv4') fail(ctx, `\`${r.optarg}' unsupported protocol`);
        break;
      case 'z':
      case 'w':
      case 'b':
      case 'c':
        // zero, zone, buffer size, secmark: nothing Hoplab keeps, but they count as given
        break;
      case 'e':
        mask = eventMask(ctx, r.optarg!);
        break;
      case 't':
        timeout = strtoui(r.optarg!, 0, 0xffffffff) ?? fail(ctx, `Bad parameter \`${r.optarg}'`);
        break;
      case 1:
        fail(ctx, `unknown argument \`${r.optarg}'`);
        break;
      default:
        fail(ctx, `unknown option \`${r.optopt ? `-${r.optopt}` : g.lastLong}'`);
    }
  }
  // generic_opt_check(): the first option, in optflags[] order, the command does not take
  // (no command: the table's row of zeros, every option illegal)
  const illegal = OPT_NAMES.find(([o]) => used.has(o) && ILLEGAL[command ?? '']?.includes(o));
  if (illegal) fail(ctx, `Illegal option \`--${illegal[1]}' with this command`);
  if (command === 'S') return conntrackStats(ctx, table);
  if (command === 'U') return conntrackUpdate(ctx, f, { mark: markSet, status: f.status, tcpState: f.tcpState, timeout, family }, extended);
  if (command === 'E') return conntrackEvents(ctx, table, f, { extended, timestamp, mask: mask ?? new Set(EVENT_TYPES) });
  if (command === 'I' || command === 'G') return byTuple(ctx, command, f, timeout);
  run(ctx, command, table, f, extended);
}

/**
 * -I (create) and -G (get): one entry named by its original tuple. As conntrack.c checks them:
 * the protocol and (for -I) the timeout are mandatory, then both addresses, then TCP's state.
 */
function byTuple(ctx: Ctx, command: 'I' | 'G', f: Filter, timeout: number | undefined): void {
  if (f.proto === undefined) fail(ctx, "You need to supply the `--protonum' option for this command");
  if (command === 'I' && timeout === undefined) fail(ctx, "You need to supply the `--timeout' option for this command");
  if (f.src === undefined || f.dst === undefined) fail(ctx, "you have to specify `--src' and `--dst'");
  if (command === 'I' && f.proto === 6 && f.tcpState === undefined) fail(ctx, "You need to supply the `--state' option for this command");
  const icmp = f.proto === 1;
  const orig = {
    src: f.src!,
    dst: f.dst!,
    proto: f.proto!,
    sport: (icmp ? f.iid : f.sport) ?? 0,
    dport: icmp ? ((f.itype ?? 0) << 8) | (f.icode ?? 0) : (f.dport ?? 0),
  };
  const ns = ctx.ns;
  if (command === 'I') {
    const ct = ctCreate(ns, orig, { timeoutMs: timeout! * 1000, tcp: f.tcpState, status: f.status ?? 0, mark: f.mark ?? 0 });
    if (ct === 'EEXIST') {
      ctx.err.push(`${PREFIX}Operation failed: Such conntrack exists, try -U to update\n`);
      throw new Exit(1);
    }
    ctx.err.push(`${PREFIX}1 flow entries have been created.\n`);
    return;
  }
  const hit = ctTable(ns).find(orig);
  if (!hit) {
    ctx.err.push(`${PREFIX}Operation failed: such conntrack doesn't exist\n`);
    throw new Exit(1);
  }
  // the answer is printed while the get still holds its reference
  ctx.out.push(`${conntrackLine(hit.ct, ctx.world.now, false).replace(/use=1$/, 'use=2')}\n`);
  ctx.err.push(`${PREFIX}1 flow entries have been shown.\n`);
}

/** strtoul(s, &end, 0) cast to a u32: the number s starts with (0 when none) and what follows it. */
function strtoulLead(s: string): [number, string] {
  const m = /^\s*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)?/.exec(s)!;
  const d = m[1];
  if (d === undefined) return [0, s];
  const big = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 ? BigInt(`0o${d.slice(1)}`) : BigInt(d);
  // past ULONG_MAX strtoul saturates; the cast keeps the low 32 bits
  return [big > 0xffffffffffffffffn ? 0xffffffff : Number(big & 0xffffffffn), s.slice(m[0].length)];
}

/** check_type(): a table named by any prefix of its name */
function tableNamed(ctx: Ctx, word: string): string {
  const t = ['expect', 'conntrack', 'dying', 'unconfirmed'].find((name) => name.startsWith(word));
  return t ?? fail(ctx, `unknown type \`${word}'`);
}

/** optflags[] of conntrack.c, in its order (the first illegal one is named) */
const OPT_NAMES: [string, string][] = [
  ['s', 'src'],
  ['d', 'dst'],
  ['r', 'reply-src'],
  ['q', 'reply-dst'],
  ['p', 'protonum'],
  ['t', 'timeout'],
  ['u', 'status'],
  ['z', 'zero'],
  ['e', 'event-mask'],
  ['m', 'mark'],
  ['f', 'family'],
  ['n', 'src-nat'],
  ['g', 'dst-nat'],
  ['o', 'output'],
  ['c', 'secmark'],
  ['b', 'buffer-size'],
  ['j', 'any-nat'],
  ['w', 'zone'],
];

const ALL_OPTS = OPT_NAMES.map(([o]) => o);

/** The options commands_v_options[] marks illegal (0) for a command, of those Hoplab reads. */
const ILLEGAL: Record<string, readonly string[]> = {
  '': ALL_OPTS,
  C: ALL_OPTS,
  S: ALL_OPTS,
  U: ['z', 'e', 'c', 'b', 'j', 'w'],
};

const EVENT_TYPES: CtEventType[] = ['NEW', 'UPDATE', 'DESTROY'];

/** -e NEW,UPDATE,DESTROY or ALL, in any case (parse_parameter's strncasecmp) */
function eventMask(ctx: Ctx, arg: string): Set<CtEventType> {
  const m = new Set<CtEventType>();
  for (const w of arg.split(',')) {
    const u = w.toUpperCase();
    if (u === 'ALL') EVENT_TYPES.forEach((t) => m.add(t));
    else if ((EVENT_TYPES as string[]).includes(u)) m.add(u as CtEventType);
    else fail(ctx, `Bad parameter \`${w}'`);
  }
  return m;
}


function run(ctx: Ctx, command: string | undefined, table: string, f: Filter, extended: boolean): void {
  const ns = ctx.ns;
  const now = ctx.world.now;
  if (command === undefined) {
    ctx.err.push(`${PREFIX}Operation not supported by Hoplab\n`);
    throw new Exit(1);
  }
  if (table === 'expect') {
    if (command === 'L') ctx.err.push(`${PREFIX}0 expectations have been shown.\n`);
    else if (command === 'C') ctx.out.push('0\n');
    else if (command === 'F') ctx.err.push(`${PREFIX}expectation table has been emptied.\n`);
    return;
  }
  if (!['conntrack', 'dying', 'unconfirmed'].includes(table)) fail(ctx, `Bad parameter \`${table}'`);
  const live = table === 'conntrack' ? ctTable(ns).list() : [];
  const hits = live.filter((ct) => matches(ct, f));
  switch (command) {
    case 'L':
      for (const ct of hits) ctx.out.push(`${conntrackLine(ct, now, extended)}\n`);
      ctx.err.push(`${PREFIX}${hits.length} flow entries have been shown.\n`);
      return;
    case 'C':
      ctx.out.push(`${hits.length}\n`);
      return;
    case 'D':
      ctWillChange(ns);
      for (const ct of hits) {
        ctx.out.push(`${conntrackLine(ct, now, extended)}\n`);
        ctTable(ns).remove(ct, portidOf(ctx));
      }
      ctx.err.push(`${PREFIX}${hits.length} flow entries have been deleted.\n`);
      if (hits.length === 0) throw new Exit(1);
      return;
    case 'F':
      ctWillChange(ns);
      ctTable(ns).flush(portidOf(ctx));
      ctx.err.push(`${PREFIX}connection tracking table has been emptied.\n`);
  }
}
