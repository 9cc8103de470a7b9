import { fail, type Ctx } from '../context';
import { matches } from './args';
import { doAddr } from './addr';
import { doLink } from './link';
import { doNeigh } from './neigh';
import { doRoute } from './route';
import { doNetns } from './netns';
import { completeIp } from './complete';
import type { CommandReturn, CommandSpec } from '../registry/types';

export interface IpOpts {
  brief: boolean;
  /** -o, -oneline: one record per line, continuation lines joined with a backslash */
  oneline?: boolean;
  family?: 4 | 6;
  /** -d, -details: each link's kind, bridge port and limits */
  details?: boolean;
}

const IP_USAGE = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |
                   link | macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
`;

/** Objects in iproute2's table order: the first whose name starts with the argument wins. */
const OBJECTS: [string, ((ctx: Ctx, argv: string[], o: IpOpts) => CommandReturn) | null][] = [
  ['address', doAddr],
  ['addrlabel', null],
  ['maddress', null],
  ['route', (c, a, o) => doRoute(c, a, o.family)],
  ['rule', null],
  ['neighbor', (c, a) => doNeigh(c, a)],
  ['neighbour', (c, a) => doNeigh(c, a)],
  ['ntable', null],
  ['ntbl', null],
  ['link', doLink],
  ['l2tp', null],
  ['fou', null],
  ['ila', null],
  ['macsec', null],
  ['tunnel', null],
  ['tunl', null],
  ['tuntap', null],
  ['tap', null],
  ['token', null],
  ['tcpmetrics', null],
  ['tcp_metrics', null],
  ['monitor', null],
  ['xfrm', null],
  ['mroute', null],
  ['mrule', null],
  ['netns', (c, a) => doNetns(c, a)],
  ['netconf', null],
  ['vrf', null],
  ['sr', null],
  ['nexthop', null],
  ['mptcp', null],
  ['ioam', null],
  ['help', null],
  ['stats', null],
];

export function ip(ctx: Ctx, argv: string[]): CommandReturn {
  const o: IpOpts = { brief: false };
  let i = 0;
  // a lone "-" is taken for an option by iproute2, and matches none usefully: the usage
  if (argv[i] === '-') fail(ctx, IP_USAGE, 255);
  while (i < argv.length && argv[i].startsWith('-') && argv[i] !== '-') {
    let opt = argv[i];
    if (opt.startsWith('--')) opt = opt.slice(1);
    if (opt === '-4') o.family = 4;
    else if (opt === '-6') o.family = 6;
    else if (matches(opt.slice(1), 'brief') && opt.length >= 3) o.brief = true;
    else if (opt === '-n' || matches(opt.slice(1), 'netns') && opt.length >= 3) {
      const name = argv[++i];
      if (name === undefined) fail(ctx, 'Cannot open network namespace "(null)": No such file or directory\n', 255);
      const ns = ctx.world.netnsFrom(ctx.ns, name);
      if (!ns) fail(ctx, `Cannot open network namespace "${name}": No such file or directory\n`, 255);
      ctx.ns = ns!;
    } else if (opt === '-f' || matches(opt.slice(1), 'family') && opt.length >= 3) {
      const fam = argv[++i];
      if (fam === 'inet') o.family = 4;
      else if (fam === 'inet6') o.family = 6;
    } else if (opt === '-o' || opt === '-oneline') {
      o.oneline = true;
    } else if (opt.length >= 2 && '-details'.startsWith(opt)) {
      o.details = true;
    } else if (['-s', '-d', '-r', '-N', '-a', '-c', '-details', '-stats', '-statistics', '-color', '-resolve', '-numeric'].includes(opt) || /^-c(olor)?=/.test(opt)) {
      // accepted, without effect on what we print
    } else if (opt === '-V' || opt === '-Version') {
      ctx.out.push('ip utility, iproute2-6.1.0, libbpf 1.1.2\n');
      return;
    } else if (opt === '-h' || opt === '-help') {
      fail(ctx, IP_USAGE, 255);
    } else fail(ctx, `Option "${argv[i]}" is unknown, try "ip -help".\n`, 255);
    i++;
  }
  if (i >= argv.length) fail(ctx, IP_USAGE, 255);
  const obj = argv[i];
  const entry = OBJECTS.find(([name]) => matches(obj, name));
  if (!entry) fail(ctx, `Object "${obj}" is unknown, try "ip help".\n`, 1);
  const [name, handler] = entry!;
  if (name === 'help') fail(ctx, IP_USAGE, 255);
  if (!handler) fail(ctx, `ip ${name}: not available in Hoplab (only link, address, route, neighbour and netns are simulated)\n`, 1);
  return handler!(ctx, argv.slice(i + 1), o);
}

export const ipCommand: CommandSpec = {
  name: 'ip',
  kind: 'config',
  summary: 'show and change links, addresses, routes, neighbours and namespaces (iproute2)',
  learn: 'ip help, then ip link help, ip route help …',
  complete: completeIp,
  run: ip,
};
