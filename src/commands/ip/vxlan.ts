import { formatIpv4, isMulticast, parseIpv4, type Ipv4 } from '../../engine/addr/ipv4';
import type { Netdev } from '../../engine/netns/netdev';
import { VXLAN_CONFIG_DEFAULT, VXLAN_N_VID, type VxlanConfig } from '../../engine/vxlan/device';
import { Exit, fail, type Ctx } from '../context';
import { Argv, duparg2, invarg, matches } from './args';

/**
 * `ip link add NAME type vxlan …` as iproute2 6.1's iplink_vxlan.c reads it (vxlan_parse_opt),
 * and the `vxlan …` line of `ip -d link show` (vxlan_print_opt).
 */

export const VXLAN_USAGE = `Usage: ... vxlan id VNI
\t\t[ { group | remote } IP_ADDRESS ]
\t\t[ local ADDR ]
\t\t[ ttl TTL ]
\t\t[ tos TOS ]
\t\t[ df DF ]
\t\t[ flowlabel LABEL ]
\t\t[ dev PHYS_DEV ]
\t\t[ dstport PORT ]
\t\t[ srcport MIN MAX ]
\t\t[ [no]learning ]
\t\t[ [no]proxy ]
\t\t[ [no]rsc ]
\t\t[ [no]l2miss ]
\t\t[ [no]l3miss ]
\t\t[ ageing SECONDS ]
\t\t[ maxaddress NUMBER ]
\t\t[ [no]udpcsum ]
\t\t[ [no]udp6zerocsumtx ]
\t\t[ [no]udp6zerocsumrx ]
\t\t[ [no]remcsumtx ] [ [no]remcsumrx ]
\t\t[ [no]external ] [ gbp ] [ gpe ]
\t\t[ [no]vnifilter ]

Where:\tVNI\t:= 0-16777215
\tADDR\t:= { IP_ADDRESS | any }
\tTOS\t:= { NUMBER | inherit }
\tTTL\t:= { 1..255 | auto | inherit }
\tDF\t:= { unset | set | inherit }
\tLABEL := 0-1048575
`;

/** strtoul() in base 0 over the whole word, as get_u32()/get_unsigned() take it; null when it is not a number that fits. */
export function strtoul(text: string, max: number): number | null {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (!m) return null;
  const d = m[2];
  const n = /^0[xX]/.test(d) ? parseInt(d.slice(2), 16) : d.length > 1 && d[0] === '0' ? parseInt(d, 8) : Number(d);
  // strtoul() negates what follows a minus sign: only -0 stays in range
  if (m[1] === '-' && n !== 0) return null;
  return n <= max ? n : null;
}

/** get_addr() for AF_INET: an address, or "any"/"default" (0); the family word follows what came before. */
function inetAddr(ctx: Ctx, text: string, family: 'inet' | 'any valid'): Ipv4 {
  if (text === 'any' || text === 'default' || text === 'all') return 0 as Ipv4;
  const a = parseIpv4(text);
  if (a === null) fail(ctx, `Error: ${family} address is expected rather than "${text}".\n`, 1);
  return a!;
}

/** vxlan_parse_opt() for a new device: errors as iproute2 prints them, and its warning about the port. */
export function parseVxlanArgs(ctx: Ctx, args: string[]): VxlanConfig {
  const cfg: VxlanConfig = { ...VXLAN_CONFIG_DEFAULT };
  const a = new Argv(ctx, args);
  const seen = new Set<string>();
  // check_duparg(): each attribute once, the message naming the key and the second value
  const once = (attr: string, key: string, v: string) => {
    if (seen.has(attr)) duparg2(ctx, key, v);
    seen.add(attr);
  };
  let haveLocal = false;
  let haveRemote = false;
  let metadata = false;
  const family = () => (haveLocal || haveRemote ? 'inet' : 'any valid');
  const usage = (): never => {
    ctx.err.push(VXLAN_USAGE);
    throw new Exit(1);
  };
  while (!a.done) {
    const t = a.take();
    if (matches(t, 'id') || matches(t, 'vni')) {
      const v = a.next();
      once('id', 'id', v);
      const n = strtoul(v, 0xffffffff);
      if (n === null || n >= VXLAN_N_VID) invarg(ctx, 'invalid id', v);
      cfg.vni = n!;
    } else if (matches(t, 'group') || matches(t, 'remote')) {
      const group = matches(t, 'group');
      // is_addrtype_inet_not_multi / _multi of what the other keyword set
      if (haveRemote && isMulticast(cfg.remote) !== group) {
        ctx.err.push('vxlan: both group and remote cannot be specified\n');
        throw new Exit(1);
      }
      const v = a.next();
      once('group', group ? 'group' : 'remote', v);
      const addr = inetAddr(ctx, v, family());
      if (group ? !isMulticast(addr) : isMulticast(addr)) invarg(ctx, group ? 'invalid group address' : 'invalid remote address', v);
      cfg.remote = addr;
      haveRemote = true;
    } else if (matches(t, 'local')) {
      const v = a.next();
      once('local', 'local', v);
      const addr = inetAddr(ctx, v, family());
      if (isMulticast(addr)) invarg(ctx, 'invalid local address', v);
      cfg.local = addr;
      haveLocal = true;
    } else if (matches(t, 'dev')) {
      const v = a.next();
      once('link', 'dev', v);
      const lower: Netdev | undefined = ctx.ns.devByName(v);
      if (!lower) fail(ctx, `Cannot find device "${v}"\n`, 255);
      cfg.link = lower!.ifindex;
    } else if (matches(t, 'ttl') || matches(t, 'hoplimit')) {
      const v = a.next();
      once('ttl', 'ttl', v);
      if (v === 'inherit') cfg.ttlInherit = true;
      else if (v === 'auto') cfg.ttl = 0;
      else {
        const n = strtoul(v, 0xffffffff);
        if (n === null) invarg(ctx, 'invalid TTL', v);
        if (n! > 255) invarg(ctx, 'TTL must be <= 255', v);
        cfg.ttl = n!;
      }
    } else if (matches(t, 'tos') || matches(t, 'dsfield')) {
      const v = a.next();
      once('tos', 'tos', v);
      if (v === 'inherit') cfg.tos = 1;
      else {
        // rtnl_dsfield_a2n(): a number in base 16
        const m = /^(?:0[xX])?([0-9a-fA-F]+)$/.exec(v);
        const n = m ? parseInt(m[1], 16) : NaN;
        if (!(n <= 255)) invarg(ctx, 'bad TOS value', v);
        cfg.tos = n;
      }
    } else if (matches(t, 'df')) {
      const v = a.next();
      once('df', 'df', v);
      if (v !== 'unset' && v !== 'set' && v !== 'inherit') invarg(ctx, "DF must be 'unset', 'set' or 'inherit'", v);
      cfg.df = v as VxlanConfig['df'];
    } else if (matches(t, 'label') || matches(t, 'flowlabel')) {
      const v = a.next();
      once('label', 'flowlabel', v);
      const n = strtoul(v, 0xffffffff);
      if (n === null || n > 0xfffff) invarg(ctx, 'invalid flowlabel', v);
      cfg.flowLabel = n!;
    } else if (matches(t, 'ageing')) {
      const v = a.next();
      once('ageing', 'ageing', v);
      const n = v === 'none' ? 0 : strtoul(v, 0xffffffff);
      if (n === null) invarg(ctx, 'ageing timer', v);
      // vxlan_nl2conf(): 0 is the default
      cfg.ageing = n || VXLAN_CONFIG_DEFAULT.ageing;
    } else if (matches(t, 'maxaddress')) {
      const v = a.next();
      once('limit', 'maxaddress', v);
      const n = v === 'unlimited' ? 0 : strtoul(v, 0xffffffff);
      if (n === null) invarg(ctx, 'max addresses', v);
      cfg.maxAddr = n!;
    } else if (matches(t, 'port') || matches(t, 'srcport')) {
      const lo = a.next();
      once('range', 'srcport', lo);
      const min = strtoul(lo, 0xffff);
      if (min === null) invarg(ctx, 'min port', lo);
      const hi = a.next();
      const max = strtoul(hi, 0xffff);
      if (max === null) invarg(ctx, 'max port', hi);
      cfg.portMin = min!;
      cfg.portMax = max!;
    } else if (matches(t, 'dstport')) {
      const v = a.next();
      once('port', 'dstport', v);
      const n = strtoul(v, 0xffff);
      if (n === null) invarg(ctx, 'dst port', v);
      // 0: the kernel's default
      cfg.dstPort = n || VXLAN_CONFIG_DEFAULT.dstPort;
    } else if (FLAGS.some(([w]) => matches(t, w))) {
      const [w, attr, set] = FLAGS.find(([f]) => matches(t, f))!;
      once(attr, t, t);
      if (attr === 'metadata') {
        metadata = w === 'external';
        if (metadata) cfg.learning = false;
      } else set!(cfg);
    } else if (matches(t, 'help')) usage();
    else {
      ctx.err.push(`vxlan: unknown command "${t}"?\n`);
      usage();
    }
  }
  if (metadata && seen.has('id')) {
    ctx.err.push("vxlan: both 'external' and vni cannot be specified\n");
    throw new Exit(1);
  }
  if (!metadata && !seen.has('id')) {
    ctx.err.push('vxlan: missing virtual network identifier\n');
    throw new Exit(1);
  }
  if (isMulticast(cfg.remote) && !seen.has('link')) {
    ctx.err.push("vxlan: 'group' requires 'dev' to be specified\n");
    throw new Exit(1);
  }
  if (!seen.has('port') && !seen.has('gpe'))
    ctx.err.push("vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\nUse 'dstport 4789' to get the IANA assigned value\nUse 'dstport 0' to get default and quiet this message\n");
  cfg.external = metadata;
  return cfg;
}

/** On/off words in vxlan_parse_opt()'s order ("no…" first, as `matches` takes the first prefix that fits). */
const FLAGS: [word: string, attr: string, set?: (c: VxlanConfig) => void][] = [
  ['nolearning', 'learning', (c) => (c.learning = false)],
  ['learning', 'learning', (c) => (c.learning = true)],
  ['noproxy', 'proxy', (c) => (c.proxy = false)],
  ['proxy', 'proxy', (c) => (c.proxy = true)],
  ['norsc', 'rsc', (c) => (c.rsc = false)],
  ['rsc', 'rsc', (c) => (c.rsc = true)],
  ['nol2miss', 'l2miss', (c) => (c.l2miss = false)],
  ['l2miss', 'l2miss', (c) => (c.l2miss = true)],
  ['nol3miss', 'l3miss', (c) => (c.l3miss = false)],
  ['l3miss', 'l3miss', (c) => (c.l3miss = true)],
  ['udpcsum', 'udpcsum', (c) => (c.udpCsum = true)],
  ['noudpcsum', 'udpcsum', (c) => (c.udpCsum = false)],
  ['udp6zerocsumtx', 'csum6tx', (c) => (c.udp6ZeroCsumTx = true)],
  ['noudp6zerocsumtx', 'csum6tx', (c) => (c.udp6ZeroCsumTx = false)],
  ['udp6zerocsumrx', 'csum6rx', (c) => (c.udp6ZeroCsumRx = true)],
  ['noudp6zerocsumrx', 'csum6rx', (c) => (c.udp6ZeroCsumRx = false)],
  ['remcsumtx', 'remcsumtx', (c) => (c.remCsumTx = true)],
  ['noremcsumtx', 'remcsumtx', (c) => (c.remCsumTx = false)],
  ['remcsumrx', 'remcsumrx', (c) => (c.remCsumRx = true)],
  ['noremcsumrx', 'remcsumrx', (c) => (c.remCsumRx = false)],
  ['external', 'metadata'],
  ['noexternal', 'metadata'],
];

/** vxlan_print_opt(): the words after "vxlan " in `ip -d link show`. */
export function vxlanDetails(dev: Netdev): string {
  if (dev.kind !== 'vxlan') return '';
  const c = dev.cfg;
  if (c.external) return 'external ';
  let s = `id ${c.vni} `;
  if (c.remote !== 0) s += `${isMulticast(c.remote) ? 'group' : 'remote'} ${formatIpv4(c.remote)} `;
  if (c.local !== 0) s += `local ${formatIpv4(c.local)} `;
  if (c.link) s += `dev ${dev.netns.devByIndex(c.link)?.name ?? `if${c.link}`} `;
  s += `srcport ${c.portMin} ${c.portMax} dstport ${c.dstPort} `;
  if (!c.learning) s += 'nolearning ';
  if (c.proxy) s += 'proxy ';
  if (c.rsc) s += 'rsc ';
  if (c.l2miss) s += 'l2miss ';
  if (c.l3miss) s += 'l3miss ';
  if (c.tos) s += c.tos === 1 ? 'tos inherit ' : `tos 0x${c.tos.toString(16)} `;
  s += c.ttlInherit ? 'ttl inherit ' : c.ttl ? `ttl ${c.ttl} ` : 'ttl auto ';
  if (c.df !== 'unset') s += `df ${c.df} `;
  if (c.flowLabel) s += `flowlabel 0x${c.flowLabel.toString(16)} `;
  s += `ageing ${c.ageing} `;
  if (c.maxAddr) s += `maxaddr ${c.maxAddr} `;
  s += `${c.udpCsum ? '' : 'no'}udpcsum ${c.udp6ZeroCsumTx ? '' : 'no'}udp6zerocsumtx ${c.udp6ZeroCsumRx ? '' : 'no'}udp6zerocsumrx `;
  if (c.remCsumTx) s += 'remcsumtx ';
  if (c.remCsumRx) s += 'remcsumrx ';
  return s;
}
