import { operstate, type Bridge, type Netdev } from '../engine/netns/netdev';
import { fail, type Ctx } from './context';
import { matches } from './ip/args';
import { linkFlags } from './ip/show';
import type { CommandSpec } from './registry/types';

/** iproute2 `bridge`: link and fdb views of the bridges in a namespace. */
export function bridge(ctx: Ctx, argv: string[]): void {
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    if (argv[i] === '-n' || argv[i] === '-netns') {
      const ns = ctx.world.netns(argv[++i]);
      if (!ns) fail(ctx, `Cannot open network namespace "${argv[i]}": No such file or directory\n`, 255);
      ctx.ns = ns!;
    }
    i++;
  }
  const obj = argv[i];
  if (obj === undefined) fail(ctx, USAGE, 255);
  const rest = argv.slice(i + 1);
  if (matches(obj, 'link')) return link(ctx, rest);
  if (matches(obj, 'fdb')) return fdb(ctx, rest);
  fail(ctx, `Object "${obj}" is unknown, try "bridge help".\n`, 255);
}

const USAGE = `Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }
       bridge [ -force ] -batch filename
where  OBJECT := { link | fdb | mdb | vlan | monitor }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |
                    -o[neline] | -t[imestamp] | -n[etns] name |
                    -c[ompressvlans] -color -p[retty] -j[son] }
`;

function link(ctx: Ctx, args: string[]): void {
  if (args.length && !matches(args[0], 'show') && !matches(args[0], 'list')) fail(ctx, `Command "${args[0]}" is unknown, try "bridge link help".\n`, 255);
  for (const d of ctx.ns.devList()) {
    if (!d.master) continue;
    // bridge prints IFLA_LINK resolved in its own namespace, and nothing when it equals the device's index
    const link = d.kind === 'veth' ? d.peer.ifindex : d.ifindex;
    const at = link !== d.ifindex ? `@${ctx.ns.devByIndex(link)?.name ?? `if${link}`}` : '';
    const state = d.adminUp && d.master.adminUp && operstate(d) === 'UP' ? 'forwarding' : 'disabled';
    ctx.out.push(`${d.ifindex}: ${d.name}${at}: ${linkFlags(d, false)} mtu ${d.mtu} master ${d.master.name} state ${state} priority 32 cost 2 \n`);
  }
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

function fdb(ctx: Ctx, args: string[]): void {
  let br: string | undefined;
  let dev: string | undefined;
  const next = (i: number): string => args[i] ?? fail(ctx, 'Command line is not complete. Try option "help"\n', 255);
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
      const mine = [...b.fdb.values()].filter((e) => e.port === d && (e.local || now - e.updated <= b.ageingTime * 1000));
      for (const e of mine.filter((x) => !x.local)) ctx.out.push(`${e.mac} ${name}master ${b.name} \n`);
      for (const e of mine.filter((x) => x.local)) ctx.out.push(`${e.mac} ${name}master ${b.name} permanent\n`);
    }
    for (const m of selfEntries(d)) ctx.out.push(`${m} ${name}self permanent\n`);
    // the bridge's own address, while no port's address stands for it
    if (d.kind === 'bridge') for (const e of d.fdb.values()) if (e.port === d) ctx.out.push(`${e.mac} ${name}master ${d.name} permanent\n`);
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
