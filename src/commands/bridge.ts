import { BR, operstate, type Bridge, type BrPort, type Netdev } from '../engine/netns/netdev';
import { fail, type Ctx } from './context';
import { incomplete, matches } from './ip/args';
import { linkFlags } from './ip/show';
import type { CommandSpec } from './registry/types';
import { fdbModify, isVxlan, vxlanFdbLines } from './bridgeFdb';
import { devAddrLists } from '../engine/netns/addrlists';

/** iproute2 `bridge`: link and fdb views of the bridges in a namespace, and port settings. */
export function bridge(ctx: Ctx, argv: string[]): void {
  let i = 0;
  let details = false;
  while (i < argv.length && argv[i].startsWith('-')) {
    if (argv[i] === '-n' || argv[i] === '-netns') {
      const ns = ctx.world.netnsFrom(ctx.ns, argv[++i]);
      if (!ns) fail(ctx, `Cannot open network namespace "${argv[i]}": No such file or directory\n`, 255);
      ctx.ns = ns!;
    } else if (matches(argv[i].replace(/^--?/, ''), 'details')) details = true;
    i++;
  }
  const obj = argv[i];
  if (obj === undefined) fail(ctx, USAGE, 255);
  const rest = argv.slice(i + 1);
  if (matches(obj, 'link')) return rest.length && matches(rest[0], 'set') ? linkSet(ctx, rest.slice(1)) : link(ctx, rest, details);
  if (matches(obj, 'fdb')) return fdbCommand(ctx, rest);
  fail(ctx, `Object "${obj}" is unknown, try "bridge help".\n`, 255);
}

const USAGE = `Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }
       bridge [ -force ] -batch filename
where  OBJECT := { link | fdb | mdb | vlan | monitor }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |
                    -o[neline] | -t[imestamp] | -n[etns] name |
                    -c[ompressvlans] -color -p[retty] -j[son] }
`;

function link(ctx: Ctx, args: string[], details: boolean): void {
  if (args.length && !matches(args[0], 'show') && !matches(args[0], 'list')) fail(ctx, `Command "${args[0]}" is unknown, try "bridge link help".\n`, 255);
  let only: Netdev | undefined;
  for (let i = 1; i < args.length; i++) {
    if (args[i] !== 'dev') continue;
    const name = args[++i] ?? incomplete(ctx);
    only = ctx.ns.devByName(name) ?? fail(ctx, `Cannot find device "${name}"\n`, 255);
  }
  for (const d of ctx.ns.devList()) {
    if (!d.master || (only && d !== only)) continue;
    // bridge prints IFLA_LINK resolved in its own namespace, and nothing when it equals the device's index
    const link = d.kind === 'veth' ? d.peer.ifindex : d.ifindex;
    const at = link !== d.ifindex ? `@${ctx.ns.devByIndex(link)?.name ?? `if${link}`}` : '';
    // netif_oper_up(): UNKNOWN (a vxlan, which reports no carrier changes) counts as up
    const oper = operstate(d);
    const state = d.adminUp && d.master.adminUp && (oper === 'UP' || oper === 'UNKNOWN') ? 'forwarding' : 'disabled';
    ctx.out.push(`${d.ifindex}: ${d.name}${at}: ${linkFlags(d, false)} mtu ${d.mtu} master ${d.master.name} state ${state} priority ${d.brport.priority} cost ${d.brport.cost} \n`);
    if (details) ctx.out.push(`    ${portDetails(d.brport)}\n`);
  }
}

/** The on/off port settings in the order `bridge -d link` prints them (print_protinfo). */
const PORT_FLAGS: [string, number][] = [
  ['hairpin', BR.HAIRPIN_MODE],
  ['guard', BR.BPDU_GUARD],
  ['root_block', BR.ROOT_BLOCK],
  ['fastleave', BR.MULTICAST_FAST_LEAVE],
  ['learning', BR.LEARNING],
  ['flood', BR.FLOOD],
  ['mcast_flood', BR.MCAST_FLOOD],
  ['bcast_flood', BR.BCAST_FLOOD],
  ['mcast_to_unicast', BR.MULTICAST_TO_UNICAST],
  ['neigh_suppress', BR.NEIGH_SUPPRESS],
  ['vlan_tunnel', BR.VLAN_TUNNEL],
  ['isolated', BR.ISOLATED],
  ['locked', BR.PORT_LOCKED],
];
/** settable but not shown by this iproute2 */
const HIDDEN_FLAGS: [string, number][] = [['learning_sync', BR.LEARNING_SYNC]];

function portDetails(p: BrPort): string {
  const on = (f: number) => (p.flags & f ? 'on' : 'off');
  const words = PORT_FLAGS.map(([n, f]) => `${n} ${on(f)}`);
  words.splice(8, 0, `mcast_router ${p.mcastRouter}`);
  return `${words.join(' ')} `;
}

const LINK_SET_USAGE = `Usage: bridge link set dev DEV [ cost COST ] [ priority PRIO ] [ state STATE ]
                               [ guard {on | off} ]
                               [ hairpin {on | off} ]
                               [ fastleave {on | off} ]
                               [ root_block {on | off} ]
                               [ learning {on | off} ]
                               [ learning_sync {on | off} ]
                               [ flood {on | off} ]
                               [ mcast_router MULTICAST_ROUTER ]
                               [ mcast_flood {on | off} ]
                               [ bcast_flood {on | off} ]
                               [ mcast_to_unicast {on | off} ]
                               [ neigh_suppress {on | off} ]
                               [ vlan_tunnel {on | off} ]
                               [ isolated {on | off} ]
                               [ locked {on | off} ]
                               [ hwmode {vepa | veb} ]
                               [ backup_port DEVICE ] [ nobackup_port ]
                               [ self ] [ master ]
       bridge link show [dev DEV]
`;

/** C atoi(): leading digits, 0 when there are none */
const atoi = (s: string): number => {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
};

/** `bridge link set dev DEV ...` (brlink_modify): every argument parsed first, then the port changed. */
function linkSet(ctx: Ctx, args: string[]): void {
  let dev: string | undefined;
  let flags = 0;
  let cleared = 0;
  let cost: number | undefined;
  let priority: number | undefined;
  let mcastRouter: number | undefined;
  const next = (i: number): string => args[i] ?? incomplete(ctx);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const flag = [...PORT_FLAGS, ...HIDDEN_FLAGS].find(([n]) => n === a);
    if (a === 'dev') dev = next(++i);
    else if (flag) {
      const v = next(++i);
      if (v !== 'on' && v !== 'off') fail(ctx, `Error: argument of "${a}" must be one of "off", "on", not "${v}"\n`, 234);
      if (v === 'on') flags |= flag[1];
      else cleared |= flag[1];
    } else if (a === 'cost') cost = atoi(next(++i));
    else if (a === 'priority') priority = atoi(next(++i));
    else if (a === 'mcast_router') mcastRouter = atoi(next(++i));
    // accepted, but not modelled: STP state, VEPA mode, backup ports, where the change applies
    else if (a === 'state' || a === 'hwmode' || a === 'backup_port') next(++i);
    else if (a === 'nobackup_port' || a === 'self' || a === 'master') continue;
    else fail(ctx, LINK_SET_USAGE, 255);
  }
  if (dev === undefined) fail(ctx, 'Device is a required argument.\n', 255);
  const d = ctx.ns.devByName(dev!) ?? fail(ctx, `Cannot find bridge device "${dev}"\n`, 255);
  if (!d.master) fail(ctx, 'RTNETLINK answers: Operation not supported\n', 255);
  const p = d.brport;
  d.brport = Object.freeze({ flags: (p.flags | flags) & ~cleared, mcastRouter: mcastRouter ?? p.mcastRouter, cost: cost ?? p.cost, priority: priority ?? p.priority });
  ctx.world.touch();
}

/** The multicast addresses a device has joined, which `bridge fdb` lists as "self permanent". */
function selfEntries(d: Netdev): string[] {
  const solicited = `33:33:ff:${d.mac.slice(9)}`;
  const out: string[] = ['33:33:00:00:00:01'];
  if (d.kind === 'bridge' && d.adminUp) out.push('01:00:5e:00:00:6a', '33:33:00:00:00:6a');
  if (d.adminUp) out.push('01:00:5e:00:00:01');
  if (d.ll6) out.push(solicited);
  return out;
}

/** do_fdb(): the verb (show when there is none) */
function fdbCommand(ctx: Ctx, args: string[]): void {
  const [verb, ...rest] = args;
  if (verb === undefined) return fdb(ctx, []);
  if (matches(verb, 'add')) return fdbModify(ctx, 'add', rest);
  if (matches(verb, 'append')) return fdbModify(ctx, 'append', rest);
  if (matches(verb, 'replace')) return fdbModify(ctx, 'replace', rest);
  if (matches(verb, 'delete')) return fdbModify(ctx, 'del', rest);
  if (matches(verb, 'show') || matches(verb, 'lst') || matches(verb, 'list')) return fdb(ctx, rest);
  if (matches(verb, 'help')) return fdbModify(ctx, 'add', ['help']);
  fail(ctx, `Command "${verb}" is unknown, try "bridge fdb help".\n`, 255);
}

function fdb(ctx: Ctx, args: string[]): void {
  let br: string | undefined;
  let dev: string | undefined;
  const next = (i: number): string => args[i] ?? incomplete(ctx);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === 'br') br = next(++i);
    else if (args[i] === 'dev') dev = next(++i);
  }
  if (br !== undefined && ctx.ns.devByName(br)?.kind !== 'bridge') fail(ctx, `Cannot find bridge device "${br}"\n`, 255);
  if (dev !== undefined && !ctx.ns.devByName(dev)) fail(ctx, `Cannot find device "${dev}"\n`, 255);
  const now = ctx.world.now;
  for (const d of ctx.ns.devList()) {
    if (d.kind === 'loopback') continue;
    if (dev !== undefined && d.name !== dev) continue;
    if (br !== undefined && d.name !== br && d.master?.name !== br) continue;
    const name = dev !== undefined ? '' : `dev ${d.name} `;
    if (d.master) {
      const b = d.master as Bridge;
      // br_fdb_dump(): the hash chain, newest entry first
      const mine = [...b.fdb.values()].filter((e) => e.port === d && (e.local || e.isStatic || now - e.updated <= b.ageingTime * 1000)).reverse();
      for (const e of mine) ctx.out.push(`${e.mac} ${name}master ${b.name} ${e.local ? 'permanent' : e.isStatic ? 'static' : ''}\n`);
    }
    // a vxlan dumps its own FDB of remote VTEPs instead of its multicast list (its ndo_fdb_dump)
    if (isVxlan(d)) ctx.out.push(...vxlanFdbLines(d, name));
    else {
      const own = devAddrLists(d);
      for (const m of [...own.uc, ...selfEntries(d), ...own.mc]) ctx.out.push(`${m} ${name}self permanent\n`);
    }
    // the bridge's own address, while no port's address stands for it
    if (d.kind === 'bridge') for (const e of [...d.fdb.values()].reverse()) if (e.port === d) ctx.out.push(`${e.mac} ${name}master ${d.name} ${e.local ? 'permanent' : e.isStatic ? 'static' : ''}\n`);
  }
}

export const bridgeCommand: CommandSpec = {
  name: 'bridge',
  kind: 'config',
  summary: 'show bridge ports and the forwarding database of learned MAC addresses (iproute2)',
  learn: 'bridge help, bridge fdb help',
  complete: (args) => (args.length === 0 ? ['fdb', 'link'] : args.length === 1 ? ['show'] : ['dev', 'br']),
  run: bridge,
};
