import { formatIpv4, parseIpv4 } from '../../engine/addr/ipv4';
import type { Mac } from '../../engine/addr/mac';
import { neighAdd as engineNeighAdd, neighDelete, neighDump, type Neighbour, type NudState } from '../../engine';
import { fail, type Ctx } from '../context';
import { Argv, devOrFail, duparg2, getU32, invarg, matches } from './args';
import { PROTOS } from './route';

const NEIGH_USAGE = `Usage: ip neigh { add | del | change | replace }
                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }
                [ dev DEV ] [ router ] [ use ] [ managed ] [ extern_learn ]
                [ protocol PROTO ]

\tip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]
\t\t\t\t  [ vrf NAME ] [ nomaster ]
\tip neigh get { ADDR | proxy ADDR } dev DEV

STATE := { delay | failed | incomplete | noarp | none |
           permanent | probe | reachable | stale }
`;

export function doNeigh(ctx: Ctx, argv: string[]): void {
  if (argv.length === 0) return neighShow(ctx, []);
  const [cmd, ...rest] = argv;
  if (matches(cmd, 'show') || matches(cmd, 'list') || matches(cmd, 'lst')) return neighShow(ctx, rest);
  if (matches(cmd, 'flush')) return neighFlush(ctx, rest);
  if (matches(cmd, 'add')) return neighAdd(ctx, rest, 'add');
  if (matches(cmd, 'replace')) return neighAdd(ctx, rest, 'replace');
  if (matches(cmd, 'change')) return neighAdd(ctx, rest, 'change');
  if (matches(cmd, 'delete')) return neighDel(ctx, rest);
  if (matches(cmd, 'help')) return fail(ctx, NEIGH_USAGE, 255);
  fail(ctx, `Command "${cmd}" is unknown, try "ip neigh help".\n`, 255);
}

interface NeighFilter {
  dev?: string;
  addr?: number;
  nud?: string;
}

/** Filters for show and flush; `del` parses like add (one destination, an address not a prefix). */
function parse(ctx: Ctx, args: string[], del = false): NeighFilter {
  const a = new Argv(ctx, args);
  const f: NeighFilter = {};
  // the device is looked up once the whole line is read: a bad address after it is reported first
  let devName: string | undefined;
  while (!a.done) {
    const t = a.take();
    if (t === 'dev') devName = a.next();
    else if (t === 'nud') f.nud = a.next().toUpperCase();
    else if (t === 'proxy' || t === 'unused') continue;
    else if (del) {
      const v = t === 'to' ? a.next() : t;
      if (f.addr !== undefined) duparg2(ctx, 'to', v);
      f.addr = parseIpv4(v) ?? fail(ctx, `Error: any valid address is expected rather than "${v}".\n`, 1);
    } else if (t === 'to') f.addr = parseIpv4(a.next()) ?? undefined;
    else {
      const v = parseIpv4(t.split('/')[0]);
      if (v === null) fail(ctx, `Error: any valid prefix is expected rather than "${t}".\n`, 1);
      f.addr = v!;
    }
  }
  if (devName !== undefined) f.dev = devOrFail(ctx, devName).name;
  return f;
}

function select(ctx: Ctx, f: NeighFilter): Neighbour[] {
  return neighDump(ctx.ns).filter((n) => {
    if (f.dev && n.dev.name !== f.dev) return false;
    if (f.addr !== undefined && n.ip !== f.addr) return false;
    if (f.nud) return f.nud === 'ALL' || n.state === f.nud;
    return n.state !== 'NOARP';
  });
}

function neighShow(ctx: Ctx, args: string[]): void {
  const f = parse(ctx, args);
  for (const n of select(ctx, f)) {
    let s = formatIpv4(n.ip) + ' ';
    if (!f.dev) s += `dev ${n.dev.name} `;
    if (n.mac && n.state !== 'INCOMPLETE' && n.state !== 'FAILED') s += `lladdr ${n.mac} `;
    if (n.router) s += 'router ';
    s += `${n.state} \n`;
    ctx.out.push(s);
  }
}

function neighFlush(ctx: Ctx, args: string[]): void {
  const f = parse(ctx, args);
  if (!f.dev && f.addr === undefined) fail(ctx, 'Flush requires arguments.\n', 1);
  for (const n of select(ctx, f)) if (n.state !== 'PERMANENT' || f.nud) neighDelete(ctx.ns, n);
}

/** NUD_* bits as `nud 0x40` may give them. */
const NUD_BITS: Record<number, NudState> = { 0x01: 'INCOMPLETE', 0x02: 'REACHABLE', 0x04: 'STALE', 0x08: 'DELAY', 0x10: 'PROBE', 0x20: 'FAILED', 0x40: 'NOARP', 0x80: 'PERMANENT' };

/**
 * nud_state_a2n(): permanent, reachable and failed by any prefix, the other names whole (lower
 * case), or one NUD_* bit as a number. Null when iproute2 would say "nud state is bad".
 */
function nudStateA2n(arg: string): NudState | null {
  if (matches(arg, 'permanent')) return 'PERMANENT';
  if (matches(arg, 'reachable')) return 'REACHABLE';
  const named: Record<string, NudState> = { noarp: 'NOARP', stale: 'STALE', incomplete: 'INCOMPLETE', delay: 'DELAY', probe: 'PROBE' };
  if (Object.hasOwn(named, arg)) return named[arg];
  if (matches(arg, 'failed')) return 'FAILED';
  const n = getU32(arg);
  return n !== null && Object.hasOwn(NUD_BITS, n) ? NUD_BITS[n] : null;
}

/** ipneigh_modify(): add (NLM_F_EXCL), replace, change (must exist), with iproute2's argument checks. */
function neighAdd(ctx: Ctx, args: string[], cmd: 'add' | 'replace' | 'change'): void {
  const a = new Argv(ctx, args);
  let addr: number | undefined;
  let lla: string | undefined;
  let mac: Mac | undefined;
  let macBytes = 6;
  let devName: string | undefined;
  let nud: NudState = 'PERMANENT';
  let router = false;
  // ipneigh_modify()'s keywords: lladdr, proxy, extern_learn and protocol by any prefix, the rest whole
  const takeAddr = (t: string, dup: () => never) => {
    if (addr !== undefined) dup();
    addr = parseIpv4(t) ?? fail(ctx, `Error: any valid address is expected rather than "${t}".\n`, 1);
  };
  while (!a.done) {
    let t = a.take();
    if (matches(t, 'lladdr')) {
      const v = a.next();
      if (lla !== undefined) fail(ctx, `Error: duplicate "lladdr": "${v}" is the second value.\n`, 255);
      lla = v;
    } else if (t === 'nud') {
      const v = a.next();
      nud = nudStateA2n(v) ?? invarg(ctx, 'nud state is bad', v);
    } else if (matches(t, 'proxy')) {
      // a proxy entry is not modelled: its address is taken as the destination
      const v = a.next();
      if (matches(v, 'help')) fail(ctx, NEIGH_USAGE, 255);
      takeAddr(v, () => fail(ctx, `Error: duplicate "address": "${v}" is the second value.\n`, 255));
    } else if (t === 'router') router = true;
    else if (t === 'use' || t === 'managed' || matches(t, 'extern_learn')) continue;
    else if (t === 'dev') devName = a.next();
    else if (matches(t, 'protocol')) {
      const v = a.next();
      if (!Object.hasOwn(PROTOS, v) && getU32(v) === null) invarg(ctx, '"protocol" value is invalid\n', v);
    } else {
      if (t === 'to') t = a.next();
      if (matches(t, 'help')) t = a.next();
      const v = t;
      takeAddr(v, () => duparg2(ctx, 'to', v));
    }
  }
  if (devName === undefined || addr === undefined) fail(ctx, 'Device and destination are required arguments.\n', 255);
  if (lla !== undefined) {
    // ll_addr_a2n(): hex bytes separated by colons, read only once the whole line is parsed
    const parts = lla.split(':');
    if (parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) fail(ctx, `"${lla}" is invalid lladdr.\n`, 1);
    macBytes = parts.length;
    mac = parts.map((p) => p.toLowerCase().padStart(2, '0')).join(':') as Mac;
  }
  const dev = devOrFail(ctx, devName!);
  if (mac !== undefined && macBytes !== 6) fail(ctx, 'Error: Invalid link address.\n', 2);
  const err = engineNeighAdd(ctx.ns, dev, addr as never, { state: nud, mac, router }, cmd);
  if (err === 'EEXIST') fail(ctx, 'RTNETLINK answers: File exists\n', 2);
  if (err === 'ENOENT') fail(ctx, 'RTNETLINK answers: No such file or directory\n', 2);
  if (err === 'EINVAL') fail(ctx, 'Error: No link layer address given.\n', 2);
}

function neighDel(ctx: Ctx, args: string[]): void {
  const f = parse(ctx, args, true);
  if (!f.dev || f.addr === undefined) fail(ctx, 'Device and destination are required arguments.\n', 255);
  const n = select(ctx, { ...f, nud: 'ALL' })[0];
  if (!n) fail(ctx, 'RTNETLINK answers: No such file or directory\n', 2);
  neighDelete(ctx.ns, n);
}
