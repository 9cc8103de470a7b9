import { byteLength } from '../../engine/fs';
import type { Mac } from '../../engine/addr/mac';
import type { Prefix } from '../../engine/addr/ipv4';
import { createBridge, createVeth, deleteLink, devValidName, moveToNetns, renameLink, setLinkMac, setLinkUp, setMaster } from '../../engine/netns/link';
import type { Netdev } from '../../engine/netns/netdev';
import { setLinkMtu, validateMtu } from '../../engine/netns/mtu';
import { KernelError } from '../../engine/fib/route';
import { Exit, fail, type Ctx } from '../context';
import { Argv, checkAltIfname, checkIfname, duparg2, getPrefix, invarg, matches, requiredDev, rtnlError, rtScope, takeDevName } from './args';
import { applyFlag, FLAG_KEYWORDS, iplinkKeyword, onOff, skipIplinkKeyword, txqueuelen } from './iplinkArgs';
import { formatLink, hasFamilyAddrs, keptByAddrFilter, type AddrFilter, type ShowOpts } from './show';
import type { IpOpts } from './ip';
import { parseVxlanArgs } from './vxlan';
import { createVxlan } from '../../engine/vxlan/device';

export function doLink(ctx: Ctx, argv: string[], o: IpOpts): void {
  if (argv.length === 0) return linkShow(ctx, [], o, true);
  const [cmd, ...rest] = argv;
  if (matches(cmd, 'add')) return linkAdd(ctx, rest);
  if (matches(cmd, 'set') || matches(cmd, 'change')) return linkSet(ctx, rest);
  if (matches(cmd, 'delete')) return linkDel(ctx, rest);
  if (matches(cmd, 'show') || matches(cmd, 'list') || matches(cmd, 'lst')) return linkShow(ctx, rest, o, true);
  if (matches(cmd, 'help')) return fail(ctx, LINK_USAGE, 255);
  fail(ctx, `Command "${cmd}" is unknown, try "ip link help".\n`, 255);
}

const LINK_USAGE = `Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME
\t\t    [ txqueuelen PACKETS ]
\t\t    [ address LLADDR ]
\t\t    [ broadcast LLADDR ]
\t\t    [ mtu MTU ] [index IDX ]
\t\t    [ numtxqueues QUEUE_COUNT ]
\t\t    [ numrxqueues QUEUE_COUNT ]
\t\t    [ netns { PID | NETNSNAME | NETNSFILE } ]
\t\t    type TYPE [ ARGS ]

\tip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]

\tip link { set | change } { DEVICE | dev DEVICE | group DEVGROUP }
\t\t\t[ { up | down } ]
\t\t\t[ type TYPE ARGS ]
\t\t[ arp { on | off } ]
\t\t[ name NEWNAME ]
\t\t[ address LLADDR ]
\t\t[ mtu MTU ]
\t\t[ netns { PID | NETNSNAME | NETNSFILE } ]
\t\t[ master DEVICE ][ vrf NAME ]
\t\t[ nomaster ]

\tip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]
\t\t[nomaster]

TYPE := { bridge | veth | dummy | vlan | vxlan | ... }
`;

/** One device's part of `ip link add` (the device's own, or its veth peer's after "peer"), as iplink_parse() reads it. */
interface NewLink {
  nd: NameDev;
  attrs: CreateAttrs;
  netns?: import('../../engine/netns/netns').Netns;
  type?: string;
  typeArgs: string[];
}

function parseNewLink(ctx: Ctx, a: Argv): NewLink {
  const l: NewLink = { nd: new NameDev(), attrs: { flags: [] }, typeArgs: [] };
  const attrs = l.attrs;
  while (!a.done) {
    const t = a.take();
    const k = iplinkKeyword(t);
    if (k === 'type') {
      l.type = a.next();
      l.typeArgs = a.rest();
      break;
    } else if (k === 'name') l.nd.setName(ctx, a.next());
    else if (k === 'netns') {
      const v = a.next();
      if (l.netns !== undefined) fail(ctx, `Error: duplicate "netns": "${v}" is the second value.\n`, 255);
      l.netns = lookupNetns(ctx, v);
    } else if (k === 'address') attrs.address = lladdr(ctx, a.next());
    else if (k === 'broadcast') lladdr(ctx, a.next());
    else if (k === 'mtu') attrs.mtu = mtuValue(ctx, a.next(), attrs.mtu);
    else if (k === 'txqueuelen') attrs.txqlen = txqueuelen(ctx, a) >>> 0;
    else if (k === 'up' || k === 'down') attrs.up = k === 'up';
    else if (k === 'master') {
      const m = a.next();
      attrs.master = ctx.ns.devByName(m) ?? invarg(ctx, 'Device does not exist\n', m);
    } else if (k === 'nomaster') attrs.master = undefined;
    else if (k !== undefined && k in FLAG_KEYWORDS) attrs.flags.push([k, onOff(ctx, a, k)]);
    else if (k !== undefined && skipIplinkKeyword(ctx, a, k)) continue;
    else if (matches(t, 'help')) fail(ctx, LINK_USAGE, 255);
    // iproute2 6.1 reads `[dev] NAME` with check_altifname(): no length limit, the "dev" message
    else l.nd.setDev(ctx, t === 'dev' ? a.next() : t);
  }
  return l;
}

function linkAdd(ctx: Ctx, args: string[]): void {
  // what RTM_NEWLINK sets on the new device (rtnl_create_link, rtnl_configure_link, do_set_master)
  const main = parseNewLink(ctx, new Argv(ctx, args));
  const { attrs, type, typeArgs } = main;
  const name = main.nd.result(ctx);
  if (!type) fail(ctx, 'Not enough information: "type" argument is required\n', 1);
  const target = main.netns ?? ctx.ns;
  try {
    if (name !== undefined) devValidName(name);
    if (type === 'bridge') {
      configureNew(createBridge(target, name ?? nextName(target, 'bridge')), attrs);
    } else if (type === 'veth') {
      // veth_parse_opt(): anything after "type veth" must start with "peer", then the peer's own iplink_parse()
      if (typeArgs.length && typeArgs[0] !== 'peer') {
        ctx.out.push("Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n");
        throw new Exit(1);
      }
      const peer = parseNewLink(ctx, new Argv(ctx, typeArgs.slice(1)));
      if (peer.type !== undefined) fail(ctx, `Error: duplicate "type": "${peer.type}" is the second value.\n`, 255);
      const peerName = peer.nd.result(ctx);
      if (peerName !== undefined) devValidName(peerName);
      // veth_newlink() refuses a peer asked to come up with it
      if (peer.attrs.up) throw new KernelError('ENOTCONN');
      const peerNs = peer.netns ?? target;
      const devName = name ?? nextName(target, 'veth');
      const dev = createVeth(target, devName, peerName ?? nextName(peerNs, 'veth', devName), peerNs);
      configureNew(dev, attrs, peer.attrs);
    } else if (type === 'vxlan') {
      const cfg = parseVxlanArgs(ctx, typeArgs);
      configureNew(createVxlan(target, name ?? nextName(target, 'vxlan'), cfg), attrs);
    } else {
      // iproute2 has no parser for an unknown type, so arguments after it are garbage to it
      if (typeArgs.length && !KNOWN_LINK_TYPES.has(type!)) fail(ctx, `Garbage instead of arguments "${typeArgs.join(' ')} ...". Try "ip link help".\n`, 1);
      fail(ctx, 'Error: Unknown device type.\n', 2);
    }
  } catch (e) {
    rtnlError(ctx, e);
  }
}

interface CreateAttrs {
  address?: number[];
  mtu?: number;
  txqlen?: number;
  up?: boolean;
  master?: Netdev;
  flags: [keyword: string, on: boolean][];
}

/**
 * The attributes of `ip link add` on the device just made, in the kernel's order. When one is
 * refused the device goes again (rtnl_newlink_create() unregisters it), having used its ifindex.
 */
function configureNew(dev: Netdev, attrs: CreateAttrs, peerAttrs?: CreateAttrs): void {
  try {
    // the peer is registered first, with its own attributes
    if (peerAttrs && dev.kind === 'veth') configure(dev.peer, peerAttrs);
    configure(dev, attrs);
  } catch (e) {
    deleteLink(dev);
    throw e;
  }
}

function configure(dev: Netdev, attrs: CreateAttrs): void {
  if (attrs.mtu !== undefined) {
    // rtnl_create_link(): the limits hold, but the error has no words
    validateMtu(dev, attrs.mtu, false);
    // a new device's own ceiling clamps instead of refusing (__vxlan_change_mtu(…, strict = false))
    const limit = dev.ops.mtuLimit?.(dev);
    dev.mtu = limit !== undefined ? Math.min(attrs.mtu, limit) : attrs.mtu;
  }
  if (attrs.address !== undefined) {
    // validate_linkmsg(): an address shorter or longer than the device's is EINVAL (iproute2 checks only existing devices)
    if (attrs.address.length !== 6) throw new KernelError('EINVAL');
    setLinkMac(dev, macOf(attrs.address));
  }
  if (attrs.txqlen !== undefined) dev.txqlen = attrs.txqlen;
  for (const [k, on] of attrs.flags) applyFlag(dev, k, on);
  if (attrs.up) setLinkUp(dev, true);
  if (attrs.master) {
    if (attrs.master.netns !== dev.netns) throw new KernelError('EINVAL');
    if (attrs.master.kind !== 'bridge') throw new KernelError('EOPNOTSUPP');
    setMaster(dev, attrs.master);
  }
}

/** iplink_parse()'s `name NAME` and `[dev] NAME`: each at most once, and the same when both are given. */
class NameDev {
  private name?: string;
  private dev?: string;

  setName(ctx: Ctx, v: string): void {
    if (this.name !== undefined) fail(ctx, `Error: duplicate "name": "${v}" is the second value.\n`, 255);
    if (!checkIfname(v)) invarg(ctx, '"name" not a valid ifname', v);
    this.name = v;
  }

  setDev(ctx: Ctx, v: string): void {
    if (this.dev !== undefined) duparg2(ctx, 'dev', v);
    if (!checkAltIfname(v)) invarg(ctx, '"dev" not a valid ifname', v);
    this.dev = v;
  }

  result(ctx: Ctx): string | undefined {
    if (this.name !== undefined && this.dev !== undefined && this.name !== this.dev) fail(ctx, 'both "name" and "dev" cannot be used when creating devices.\n', 255);
    return this.name ?? this.dev;
  }
}

/** Link types iproute2 has an argument parser for (its link_util modules). */
const KNOWN_LINK_TYPES = new Set(['vlan', 'veth', 'vcan', 'vxcan', 'dummy', 'ifb', 'macvlan', 'macvtap', 'bridge', 'bridge_slave', 'bond', 'bond_slave', 'team', 'ipoib', 'geneve', 'vxlan', 'ipip', 'gre', 'gretap', 'erspan', 'ip6gre', 'ip6gretap', 'ip6erspan', 'sit', 'ip6tnl', 'vti', 'vti6', 'vrf', 'macsec', 'netdevsim', 'rmnet', 'xfrm', 'bareudp', 'hsr', 'ipvlan', 'ipvtap', 'amt', 'gtp', 'can', 'nlmon', 'virt_wifi', 'lowpan']);

/**
 * ll_addr_a2n(): colon-separated bytes, each read by sscanf("%x") (so "0x1f" is 31 and "FG" is
 * 0xf, the G ignored); a part that reads no number or exceeds 255 is named in the error.
 * Returns the bytes; a device's address must then have exactly six (checkLladdrLen).
 */
function lladdr(ctx: Ctx, text: string): number[] {
  const bytes: number[] = [];
  for (const part of text.split(':')) {
    const m = /^\s*([-+]?)(?:0[xX])?([0-9a-fA-F]+)/.exec(part);
    const value = m ? (m[1] === '-' ? -1 : 1) * parseInt(m[2], 16) : NaN;
    if (!(value >= 0 && value <= 255)) fail(ctx, `"${part}" is invalid lladdr.\n`, 1);
    bytes.push(value);
  }
  return bytes;
}

/** iplink_parse()'s check of an address against the device's hardware address length (6 for Ethernet). */
function checkLladdrLen(ctx: Ctx, bytes: readonly number[]): Mac {
  if (bytes.length !== 6) fail(ctx, `Invalid address length ${bytes.length} - must be 6 bytes\n`, 1);
  return macOf(bytes);
}

const macOf = (bytes: readonly number[]): Mac => bytes.map((b) => b.toString(16).padStart(2, '0')).join(':') as Mac;

/** get_integer(…, 0): strtol() in base 0 (hex, octal, a sign), within an int; the kernel reads it as it comes. */
function mtuValue(ctx: Ctx, text: string, before: number | undefined): number {
  // iplink_parse() takes -1 for "no mtu yet", so only another value makes a duplicate
  if (before !== undefined && before !== -1) fail(ctx, `Error: duplicate "mtu": "${text}" is the second value.\n`, 255);
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  const n = m ? (m[1] === '-' ? -1 : 1) * Number(m[2].length > 1 && m[2][0] === '0' && !/[xX]/.test(m[2]) ? parseInt(m[2], 8) : m[2]) : NaN;
  if (!Number.isSafeInteger(n) || n > 0x7fffffff || n < -0x80000000) invarg(ctx, 'Invalid "mtu" value\n', text);
  return n;
}

function nextName(ns: import('../../engine/netns/netns').Netns, prefix: string, avoid?: string): string {
  for (let i = 0; ; i++) if (!ns.devByName(`${prefix}${i}`) && `${prefix}${i}` !== avoid) return `${prefix}${i}`;
}

export function lookupNetns(ctx: Ctx, name: string): import('../../engine/netns/netns').Netns {
  const ns = ctx.world.netnsFrom(ctx.ns, name);
  if (!ns) invarg(ctx, 'Invalid "netns" value\n', name);
  return ns!;
}

function linkSet(ctx: Ctx, args: string[]): void {
  const a = new Argv(ctx, args);
  let devName: string | undefined;
  // one RTM_NEWLINK: do_setlink() applies its attributes in this order, whatever order they were typed in
  const RANK = { netns: 0, address: 1, mtu: 2, txqlen: 3, name: 4, flags: 5, master: 6 } as const;
  const ops: { rank: number; op: (dev: Netdev) => void }[] = [];
  const push = (rank: number, op: (dev: Netdev) => void) => ops.push({ rank, op });
  let index = false;
  let moving = false;
  let address: number[] | undefined;
  let setMtu: number | undefined;
  while (!a.done) {
    const t = a.take();
    const k = iplinkKeyword(t);
    if (k === 'up') push(RANK.flags, (d) => setLinkUp(d, true));
    else if (k === 'down') push(RANK.flags, (d) => setLinkUp(d, false));
    else if (k === 'master') {
      const m = a.next();
      const br = ctx.ns.devByName(m);
      if (!br) invarg(ctx, 'Device does not exist\n', m);
      push(RANK.master, (d) => {
        // do_set_master() looks the index up in the device's namespace, which `netns` may have changed
        const upper = d.netns === br!.netns ? br : d.netns.devByIndex(br!.ifindex);
        if (!upper) throw new KernelError('EINVAL');
        if (upper.kind !== 'bridge') throw new KernelError('EOPNOTSUPP');
        setMaster(d, upper);
      });
    } else if (k === 'nomaster') push(RANK.master, (d) => setMaster(d, null));
    else if (k === 'netns') {
      const target = lookupNetns(ctx, a.next());
      moving = true;
      push(RANK.netns, (d) => moveToNetns(d, target));
    } else if (k === 'name') {
      const v = a.next();
      if (!checkIfname(v)) invarg(ctx, '"name" not a valid ifname', v);
      push(RANK.name, (d) => renameLink(d, v));
    } else if (k === 'address') address = lladdr(ctx, a.next());
    else if (k === 'broadcast') lladdr(ctx, a.next());
    else if (k === 'mtu') {
      const mtu = (setMtu = mtuValue(ctx, a.next(), setMtu));
      push(RANK.mtu, (d) => setLinkMtu(d, mtu));
    } else if (k !== undefined && k in FLAG_KEYWORDS) {
      const on = onOff(ctx, a, k);
      push(RANK.flags, (d) => applyFlag(d, k, on));
    } else if (k === 'txqueuelen') {
      const qlen = txqueuelen(ctx, a) >>> 0;
      push(RANK.txqlen, (d) => {
        d.txqlen = qlen;
      });
    } else if (k === 'alias') {
      const v = a.next();
      // IFALIASZ: 256 bytes with the terminating NUL
      if (byteLength(v) >= 256) invarg(ctx, 'alias too long\n', v);
      push(RANK.flags, (d) => {
        d.ifalias = v === '' ? undefined : v;
      });
    } else if (k === 'index') {
      a.next();
      index = true;
    } else if (k === 'type') {
      // `set … type TYPE [ARGS]`: the type's own options, none of which Hoplab's devices have
      a.next();
      a.rest();
    } else if (k !== undefined && skipIplinkKeyword(ctx, a, k)) continue;
    else if (matches(t, 'help')) fail(ctx, LINK_USAGE, 255);
    else devName = takeDevName(ctx, a, t, devName);
  }
  // in iproute2's order: the address length (known once the device is), "dev" missing, index, the device
  const mac = address !== undefined && devName !== undefined && ctx.ns.devByName(devName) ? checkLladdrLen(ctx, address) : undefined;
  if (devName !== undefined && index && !moving) fail(ctx, 'index can be used only when creating devices or when moving device to another netns.\n', 255);
  const dev = requiredDev(ctx, devName);
  if (mac !== undefined) push(RANK.address, (d) => setLinkMac(d, mac));
  try {
    for (const { op } of [...ops].sort((x, y) => x.rank - y.rank)) op(dev);
  } catch (e) {
    rtnlError(ctx, e);
  }
}

function linkDel(ctx: Ctx, args: string[]): void {
  const a = new Argv(ctx, args);
  let devName: string | undefined;
  let mtu: number | undefined;
  while (!a.done) {
    const t = a.take();
    const k = iplinkKeyword(t);
    // RTM_DELLINK goes through the same parser as set; the kernel ignores what it does not need
    if (k === 'type') a.rest();
    else if (k === 'address' || k === 'broadcast') lladdr(ctx, a.next());
    else if (k === 'mtu') mtu = mtuValue(ctx, a.next(), mtu);
    else if (k === 'name' || k === 'netns' || k === 'master' || k === 'index') a.next();
    else if (k === 'up' || k === 'down' || k === 'nomaster') continue;
    else if (k !== undefined && skipIplinkKeyword(ctx, a, k)) continue;
    else if (matches(t, 'help')) fail(ctx, LINK_USAGE, 255);
    else devName = takeDevName(ctx, a, t, devName);
  }
  const dev = requiredDev(ctx, devName);
  try {
    deleteLink(dev);
  } catch (e) {
    rtnlError(ctx, e);
  }
}

/** `ip link show` and `ip addr show` share the filters (dev, up, master, type). */
export function linkShow(ctx: Ctx, args: string[], o: IpOpts, link: boolean): void {
  const a = new Argv(ctx, args);
  let devName: string | undefined;
  let up = false;
  let master: string | undefined;
  let type: string | undefined;
  let to: Prefix | undefined;
  let family = o.family;
  const filter: AddrFilter = {};
  while (!a.done) {
    const t = a.take();
    if (t === 'up') up = true;
    else if (t === 'master') master = a.next();
    else if (t === 'type') type = a.next();
    else if (t === 'to' && !link) {
      const v = a.next();
      if (family === 6) fail(ctx, `Error: inet6 prefix is expected rather than "${v}".\n`, 1);
      // an IPv4 prefix makes the listing IPv4 only, as -4 would
      to = getPrefix(ctx, v);
      family = 4;
    } else if (t === 'scope' && !link) {
      const v = a.next();
      const scope = rtScope(v);
      if (scope === undefined && v !== 'all') invarg(ctx, 'invalid "scope"\n', v);
      filter.scope = scope;
    } else if (t === 'label' && !link) filter.label = a.next();
    else if (t === 'permanent' || t === 'dynamic') filter.permanent = t === 'permanent';
    else if (t === 'primary' || t === 'secondary') filter.secondary = t === 'secondary';
    else if (t === 'scope' || t === 'label' || t === 'to' || t === 'vrf' || t === 'group') a.next();
    else if (t === 'nomaster') continue;
    else devName = takeDevName(ctx, a, t, devName);
  }
  let devs = ctx.ns.devList();
  if (devName !== undefined) {
    const d = ctx.ns.devByName(devName);
    if (!d) fail(ctx, `Device "${devName}" does not exist.\n`, 1);
    devs = [d!];
  }
  if (master !== undefined) {
    const m = ctx.ns.devByName(master);
    if (!m) invarg(ctx, 'Device does not exist\n', master);
    devs = devs.filter((d) => d.master === m);
  }
  if (type !== undefined) devs = devs.filter((d) => (type === 'veth' || type === 'bridge' || type === 'vxlan' ? d.kind === type : false));
  if (up) devs = devs.filter((d) => d.adminUp);
  const filtered = to !== undefined || Object.keys(filter).length > 0;
  if (!link && family) devs = devs.filter((d) => hasFamilyAddrs(d, family!));
  if (!link && filtered) devs = devs.filter((d) => keptByAddrFilter(d, { to, filter, family }));
  const so: ShowOpts = { brief: o.brief, family, link, oneline: o.oneline, to, filter: link ? undefined : filter, single: devName !== undefined, details: o.details };
  for (const d of devs) ctx.out.push(formatLink(d, so));
}
