import { formatIpv4, type Ipv4 } from '../engine/addr/ipv4';
import type { Mac } from '../engine/addr/mac';
import { KernelError, STRERROR } from '../engine/fib/route';
import type { Bridge, Netdev, Vxlan } from '../engine/netns/netdev';
import { brFdbAdd, brFdbDelete } from '../engine/bridge/fdb';
import { devAddrAdd, devAddrDel } from '../engine/netns/addrlists';
import { vxlanFdbDelete, vxlanFdbList, vxlanFdbUpdate, type FdbUpdate, type VxlanFdbState } from '../engine/vxlan/fdb';
import { fail, type Ctx } from './context';
import { duparg2, incomplete, invarg, matches } from './ip/args';
import { strtoul } from './ip/vxlan';

/**
 * `bridge fdb add|append|replace|del` (iproute2's fdb_modify()) and the lines a vxlan device adds
 * to `bridge fdb show` (vxlan_fdb_info()). Entries go to the device itself ("self"): a vxlan's
 * own FDB of remote VTEPs, or a bridge's FDB; with "master" to the FDB of the bridge the device is
 * a port of.
 */

const FDB_USAGE = `Usage: bridge fdb { add | append | del | replace } ADDR dev DEV
              [ self ] [ master ] [ use ] [ router ] [ extern_learn ]
              [ sticky ] [ local | static | dynamic ] [ vlan VID ]
              { [ dst IPADDR ] [ port PORT] [ vni VNI ] | [ nhid NHID ] }
\t       [ via DEV ] [ src_vni VNI ]
       bridge fdb [ show [ br BRDEV ] [ brport DEV ] [ vlan VID ]
              [ state STATE ] [ dynamic ] ]
       bridge fdb get [ to ] LLADDR [ br BRDEV ] { brport | dev } DEV
              [ vlan VID ] [ vni VNI ] [ self ] [ master ] [ dynamic ]
       bridge fdb flush dev DEV [ brport DEV ] [ vlan VID ]
              [ self ] [ master ] [ [no]permanent | [no]static | [no]dynamic ]
              [ [no]added_by_user ] [ [no]extern_learn ] [ [no]sticky ]
              [ [no]offloaded ]
`;

/** sscanf("%hhx:%hhx:…") of six parts (each part's leading hex digits, as many as fit a byte's scan) */
function macArg(text: string): Mac | undefined {
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  const bytes: number[] = [];
  for (const p of parts.slice(0, 6)) {
    const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(p);
    if (!m) return undefined;
    bytes.push(parseInt(m[1], 16) & 0xff);
  }
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':') as Mac;
}

/** `bridge fdb add|append|replace|del …`: cmd names which. */
export function fdbModify(ctx: Ctx, cmd: FdbUpdate | 'del', args: string[]): void {
  let dev: string | undefined;
  let addr: string | undefined;
  let dst: Ipv4 | undefined;
  let port: number | undefined;
  let vni: number | undefined;
  let via: string | undefined;
  let state: VxlanFdbState | undefined;
  let master = false;
  const next = (i: number): string => args[i] ?? incomplete(ctx);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === 'dev') dev = next(++i);
    else if (a === 'dst') {
      const v = next(++i);
      if (dst !== undefined) duparg2(ctx, 'dst', v);
      const ip = parseDst(v);
      if (ip === null) fail(ctx, `Error: any valid address is expected rather than "${v}".\n`, 1);
      dst = ip!;
    } else if (a === 'self') continue;
    else if (matches(a, 'master')) master = true;
    else if (matches(a, 'router') || matches(a, 'use') || matches(a, 'extern_learn') || matches(a, 'sticky')) continue;
    else if (matches(a, 'local') || matches(a, 'permanent')) state = 'permanent';
    else if (matches(a, 'temp') || matches(a, 'static')) state ??= 'static';
    else if (matches(a, 'dynamic')) state = state === 'permanent' ? 'permanent' : 'reachable';
    else if (matches(a, 'vlan')) next(++i);
    else if (matches(a, 'port')) {
      const v = next(++i);
      const n = strtoul(v, 0xffff);
      if (n === null) invarg(ctx, 'invalid port', v);
      port = n!;
    } else if (matches(a, 'vni')) {
      const v = next(++i);
      const n = strtoul(v, 0xffffffff);
      if (n === null || n >= 1 << 24) invarg(ctx, 'invalid VNI', v);
      vni = n!;
    } else if (matches(a, 'via')) via = next(++i);
    else if (matches(a, 'src_vni') || matches(a, 'nhid')) next(++i);
    else {
      const word = a === 'to' ? next(++i) : a;
      if (matches(word, 'help')) fail(ctx, FDB_USAGE, 255);
      if (addr !== undefined) duparg2(ctx, 'to', word);
      addr = word;
    }
  }
  if (dev === undefined || addr === undefined) fail(ctx, 'Device and address are required arguments.\n', 255);
  const mac = macArg(addr!);
  if (!mac) fail(ctx, `Invalid mac address ${addr}\n`, 255);
  const d = ctx.ns.devByName(dev!) ?? fail(ctx, `Cannot find device "${dev}"\n`, 255);
  const viaDev = via === undefined ? undefined : (ctx.ns.devByName(via) ?? fail(ctx, `Cannot find device "${via}"\n`, 255));
  try {
    // master: the bridge the device is a port of; self (or neither) on a bridge: the bridge itself
    const br = master ? (d.master?.kind === 'bridge' ? d.master : undefined) : d.kind === 'bridge' ? d : undefined;
    if (br !== undefined) return bridgeFdbModify(br, d, mac!, cmd, state);
    if (master) throw new KernelError('EOPNOTSUPP');
    // ndo_dflt_fdb_add(): a device without an FDB of its own takes local addresses on its address lists
    if (d.kind !== 'vxlan') return devAddrModify(d, mac!, cmd, state);
    if (cmd === 'del') return vxlanFdbDelete(d, mac!, dst);
    // vxlan_fdb_parse(): a destination is required, the rest defaults to the device's
    if (dst === undefined || dst === 0) throw new KernelError('EINVAL');
    vxlanFdbUpdate(d, mac!, { ip: dst, port: port ?? d.cfg.dstPort, vni: vni ?? d.cfg.vni, ifindex: viaDev?.ifindex ?? 0 }, state ?? 'permanent', cmd);
  } catch (e) {
    // bridge exits 255 where ip exits 2
    if (e instanceof KernelError) fail(ctx, e.extack ? `Error: ${e.extack}.\n` : `RTNETLINK answers: ${STRERROR[e.errno]}\n`, 255);
    throw e;
  }
}

/** get_addr() for a destination: an IPv4 address in dotted form, or "any" */
function parseDst(text: string): Ipv4 | null {
  if (text === 'any' || text === 'default') return 0 as Ipv4;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return null;
  return (m.slice(1).reduce((n, o) => n * 256 + Number(o), 0) >>> 0) as Ipv4;
}

/** br_fdb_add() / br_fdb_delete() for a port of br (or br itself); a destination, if given, means nothing there. */
function bridgeFdbModify(br: Bridge, port: Netdev, mac: Mac, cmd: FdbUpdate | 'del', state: VxlanFdbState | undefined): void {
  const e = cmd === 'del' ? brFdbDelete(br, port, mac) : brFdbAdd(br, port, mac, state ?? 'permanent', cmd === 'add');
  if (e !== undefined) throw new KernelError(e);
}

/** ndo_dflt_fdb_add() / ndo_dflt_fdb_del(): only permanent ("local") addresses; a duplicate only matters to add. */
function devAddrModify(d: Netdev, mac: Mac, cmd: FdbUpdate | 'del', state: VxlanFdbState | undefined): void {
  if (cmd === 'del') {
    const e = devAddrDel(d, mac);
    if (e !== undefined) throw new KernelError(e);
    return;
  }
  if (state !== undefined && state !== 'permanent') throw new KernelError('EINVAL');
  const e = devAddrAdd(d, mac);
  if (e !== undefined && cmd === 'add') throw new KernelError(e);
}

/** vxlan_fdb_info(): a vxlan's entries as `bridge fdb show` prints them, newest first, one line per destination. */
export function vxlanFdbLines(d: Vxlan, name: string): string[] {
  const out: string[] = [];
  for (const e of vxlanFdbList(d)) {
    const state = e.state === 'reachable' ? '' : e.state;
    for (const rd of e.remotes) {
      let s = `${e.mac} ${name}dst ${formatIpv4(rd.ip)} `;
      if (rd.port && rd.port !== d.cfg.dstPort) s += `port ${rd.port} `;
      if (rd.vni !== d.cfg.vni) s += `vni ${rd.vni} `;
      if (rd.ifindex) s += `via ${d.netns.devByIndex(rd.ifindex)?.name ?? `if${rd.ifindex}`} `;
      out.push(`${s}self ${state}\n`);
    }
  }
  return out;
}

export const isVxlan = (d: Netdev): d is Vxlan => d.kind === 'vxlan';
