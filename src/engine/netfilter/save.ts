/**
 * A rule as `iptables-save` and `iptables -S` print it (iptables 1.8, nf_tables): the canonical
 * text the trace quotes and the iptables command prints. Each extension's `save` function
 * follows its libxt_*.c namesake, including the rewrites iptables makes (`-m tcp` named, marks as
 * `--set-xmark`, probabilities with 11 decimals, `/32` on single addresses).
 */
import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { protocolName } from './netdb';
import { IPT_INV, type Chain, type IptIp, type Rule } from './types';
import { RTN_TYPES, XT_ADDRTYPE, type AddrtypeMatch } from './xt/addrtype';
import { XT_CONNTRACK, type ConntrackMatch } from './xt/ctmatch';
import { XT_OWNER, XT_PHYSDEV_OP, XT_TCP_INV, type OwnerMatch, type PhysdevMatch, type PortRange, type StatisticMatch, type XtMatch } from './xt/matches';
import { NF_NAT_RANGE, type NatRange, type XtTarget } from './xt/targets';
import { recentText } from './xt/recent';

/** Protocol names iptables knows without /etc/protocols (xtables_chain_protos). */
export const CHAIN_PROTOS: readonly (readonly [string, number])[] = [
  ['tcp', 6],
  ['sctp', 132],
  ['udp', 17],
  ['udplite', 136],
  ['icmp', 1],
  ['ipv6-icmp', 58],
  ['icmpv6', 58],
  ['esp', 50],
  ['ah', 51],
  ['ipv6-mh', 135],
  ['mh', 135],
  ['all', 0],
];

/** mask_to_str(): a prefix length, or the dotted mask when it is not contiguous. */
export function maskToStr(mask: number): string {
  if (mask >>> 0 === 0xffffffff) return '32';
  let bits = 0xfffffffe;
  for (let i = 31; i >= 0; i--) {
    if (mask >>> 0 === bits >>> 0) return String(i);
    bits = (bits << 1) >>> 0;
  }
  return formatIpv4(mask);
}

/** xtables_ipmask_to_numeric(): "" for /32, "/N", or "/a.b.c.d" when not contiguous. */
export function ipmaskToNumeric(mask: number): string {
  const s = maskToStr(mask);
  return s === '32' ? '' : `/${s}`;
}

/** xtables_save_string(): bare when only [-_0-9A-Za-z], else double-quoted with \ before " \ '. */
export function saveString(v: string): string {
  if (/^[-_0-9a-zA-Z]+$/.test(v)) return ` ${v}`;
  return ` "${v.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

export const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** printf("%.11f", k / 2^31) exactly (glibc rounds the exact binary value, ties to even). */
export function probabilityText(k: number): string {
  const scaled = BigInt(k) * 100000000000n;
  const den = 0x80000000n;
  let q = scaled / den;
  const r = scaled % den;
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n;
  const s = q.toString().padStart(12, '0');
  return `${s.slice(0, -11)}.${s.slice(-11)}`;
}

const portsSave = (name: string, r: PortRange, inv: boolean): string => {
  if (r[0] === 0 && r[1] === 65535) return '';
  return `${inv ? ' !' : ''} --${name} ${r[0] === r[1] ? r[0] : `${r[0]}:${r[1]}`}`;
};

const TCP_FLAG_NAMES: readonly [string, number][] = [
  ['FIN', 0x01],
  ['SYN', 0x02],
  ['RST', 0x04],
  ['PSH', 0x08],
  ['ACK', 0x10],
  ['URG', 0x20],
];

/** print_tcpf(): flag names joined by commas, or NONE */
export function tcpFlagsText(flags: number): string {
  const names = TCP_FLAG_NAMES.filter(([, f]) => flags & f).map(([n]) => n);
  return names.length ? names.join(',') : 'NONE';
}

const CT_STATE_NAMES: readonly [string, number][] = [
  ['INVALID', 1],
  ['NEW', 8],
  ['RELATED', 4],
  ['ESTABLISHED', 2],
  ['UNTRACKED', 1 << 8],
  ['SNAT', 1 << 6],
  ['DNAT', 1 << 7],
];
/** print_state(): for -m state the UNTRACKED bit is 1 << 6 */
export function ctStateText(mask: number, stateMatch = false): string {
  const names = stateMatch ? CT_STATE_NAMES.slice(0, 4).concat([['UNTRACKED', 1 << 6]]) : CT_STATE_NAMES;
  return names
    .filter(([, b]) => mask & b)
    .map(([n]) => n)
    .join(',');
}

const CT_STATUS_NAMES: readonly [string, number][] = [
  ['EXPECTED', 1],
  ['SEEN_REPLY', 2],
  ['ASSURED', 4],
  ['CONFIRMED', 8],
];
export function ctStatusText(mask: number): string {
  const names = CT_STATUS_NAMES.filter(([, b]) => mask & b).map(([n]) => n);
  return names.length ? names.join(',') : 'NONE';
}

const rangeText = (r: PortRange): string => (r[0] === r[1] ? String(r[0]) : `${r[0]}:${r[1]}`);

/** conntrack_dump(): shared by -S (prefix "--ct") and -L (prefix "ct"). */
export function conntrackDump(m: ConntrackMatch, prefix: string, addr: (a: Ipv4, mask: Ipv4) => string): string {
  let s = '';
  const has = (f: number) => (m.flags & f) !== 0;
  const inv = (f: number) => ((m.invert & f) !== 0 ? ' !' : '');
  if (has(XT_CONNTRACK.STATE)) s += `${inv(XT_CONNTRACK.STATE)} ${prefix}state ${ctStateText(m.stateMask)}`;
  if (has(XT_CONNTRACK.PROTO)) s += `${inv(XT_CONNTRACK.PROTO)} ${prefix}proto ${m.l4proto}`;
  if (has(XT_CONNTRACK.ORIGSRC)) s += `${inv(XT_CONNTRACK.ORIGSRC)} ${prefix}origsrc ${addr(m.origsrc, m.origsrcMask)}`;
  if (has(XT_CONNTRACK.ORIGDST)) s += `${inv(XT_CONNTRACK.ORIGDST)} ${prefix}origdst ${addr(m.origdst, m.origdstMask)}`;
  if (has(XT_CONNTRACK.REPLSRC)) s += `${inv(XT_CONNTRACK.REPLSRC)} ${prefix}replsrc ${addr(m.replsrc, m.replsrcMask)}`;
  if (has(XT_CONNTRACK.REPLDST)) s += `${inv(XT_CONNTRACK.REPLDST)} ${prefix}repldst ${addr(m.repldst, m.repldstMask)}`;
  if (has(XT_CONNTRACK.ORIGSRC_PORT)) s += `${inv(XT_CONNTRACK.ORIGSRC_PORT)} ${prefix}origsrcport ${rangeText(m.origsrcPort)}`;
  if (has(XT_CONNTRACK.ORIGDST_PORT)) s += `${inv(XT_CONNTRACK.ORIGDST_PORT)} ${prefix}origdstport ${rangeText(m.origdstPort)}`;
  if (has(XT_CONNTRACK.REPLSRC_PORT)) s += `${inv(XT_CONNTRACK.REPLSRC_PORT)} ${prefix}replsrcport ${rangeText(m.replsrcPort)}`;
  if (has(XT_CONNTRACK.REPLDST_PORT)) s += `${inv(XT_CONNTRACK.REPLDST_PORT)} ${prefix}repldstport ${rangeText(m.repldstPort)}`;
  if (has(XT_CONNTRACK.STATUS)) s += `${inv(XT_CONNTRACK.STATUS)} ${prefix}status ${ctStatusText(m.statusMask)}`;
  if (has(XT_CONNTRACK.EXPIRES)) s += `${inv(XT_CONNTRACK.EXPIRES)} ${prefix}expire ${m.expires[0] === m.expires[1] ? m.expires[0] : `${m.expires[0]}:${m.expires[1]}`}`;
  if (has(XT_CONNTRACK.DIRECTION)) s += ` ${prefix}dir ${m.invert & XT_CONNTRACK.DIRECTION ? 'REPLY' : 'ORIGINAL'}`;
  return s;
}

export const addrtypeTypes = (mask: number): string =>
  RTN_TYPES.filter((_, i) => mask & (1 << i)).join(',');

function addrtypeSave(m: AddrtypeMatch): string {
  let s = '';
  if (m.source) s += `${m.flags & XT_ADDRTYPE.INVERT_SOURCE ? ' !' : ''} --src-type ${addrtypeTypes(m.source)}`;
  if (m.dest) s += `${m.flags & XT_ADDRTYPE.INVERT_DEST ? ' !' : ''} --dst-type ${addrtypeTypes(m.dest)}`;
  if (m.flags & XT_ADDRTYPE.LIMIT_IFACE_IN) s += ' --limit-iface-in';
  if (m.flags & XT_ADDRTYPE.LIMIT_IFACE_OUT) s += ' --limit-iface-out';
  return s;
}

/** libxt_statistic print_match(): prefix "--" for -S, "" for -L */
export function statisticText(m: StatisticMatch, prefix: string): string {
  const inv = m.invert ? ' !' : '';
  if (m.mode === 'random') return ` ${prefix}mode random${inv} ${prefix}probability ${probabilityText(m.probability)}`;
  let s = ` ${prefix}mode nth${inv} ${prefix}every ${m.every + 1}`;
  if (m.packet || prefix) s += ` ${prefix}packet ${m.packet}`;
  return s;
}

export function physdevSave(m: PhysdevMatch): string {
  const inv = (b: number) => (m.invert & b ? ' !' : '');
  let s = '';
  if (m.bitmask & XT_PHYSDEV_OP.ISIN) s += `${inv(XT_PHYSDEV_OP.ISIN)} --physdev-is-in`;
  if (m.bitmask & XT_PHYSDEV_OP.IN) s += `${inv(XT_PHYSDEV_OP.IN)} --physdev-in ${m.physindev}${m.inWild ? '+' : ''}`;
  if (m.bitmask & XT_PHYSDEV_OP.ISOUT) s += `${inv(XT_PHYSDEV_OP.ISOUT)} --physdev-is-out`;
  if (m.bitmask & XT_PHYSDEV_OP.OUT) s += `${inv(XT_PHYSDEV_OP.OUT)} --physdev-out ${m.physoutdev}${m.outWild ? '+' : ''}`;
  if (m.bitmask & XT_PHYSDEV_OP.BRIDGED) s += `${inv(XT_PHYSDEV_OP.BRIDGED)} --physdev-is-bridged`;
  return s;
}

/** owner_mt_print_item() for each option given; `name` turns a uid/gid into a name (-L without -n) */
export function ownerText(m: OwnerMatch, labels: readonly [string, string, string], name?: (kind: 'uid' | 'gid', id: number) => string | undefined): string {
  let s = '';
  const item = (flag: number, label: string, min: number, max: number, kind: 'uid' | 'gid' | undefined) => {
    if (!(m.match & flag)) return;
    s += `${m.invert & flag ? ' !' : ''} ${label}`;
    if (kind === undefined) return;
    if (min !== max) s += ` ${min}-${max}`;
    else s += ` ${name?.(kind, min) ?? min}`;
  };
  item(XT_OWNER.SOCKET, labels[0], 0, 0, undefined);
  item(XT_OWNER.UID, labels[1], m.uidMin, m.uidMax, 'uid');
  item(XT_OWNER.GID, labels[2], m.gidMin, m.gidMax, 'gid');
  return s;
}

const markText = (mark: number, mask: number): string => (mask >>> 0 === 0xffffffff ? ` ${hex(mark)}` : ` ${hex(mark)}/${hex(mask)}`);

/** One extension match as -S prints it: ` -m NAME OPTIONS`. */
export function matchSave(m: XtMatch): string {
  switch (m.kind) {
    case 'tcp': {
      let s = ' -m tcp' + portsSave('sport', m.spts, (m.inv & XT_TCP_INV.SRCPT) !== 0) + portsSave('dport', m.dpts, (m.inv & XT_TCP_INV.DSTPT) !== 0);
      if (m.option || m.inv & XT_TCP_INV.OPTION) s += `${m.inv & XT_TCP_INV.OPTION ? ' !' : ''} --tcp-option ${m.option}`;
      if (m.flgMask || m.inv & XT_TCP_INV.FLAGS) s += `${m.inv & XT_TCP_INV.FLAGS ? ' !' : ''} --tcp-flags ${tcpFlagsText(m.flgMask)} ${tcpFlagsText(m.flgCmp)}`;
      return s;
    }
    case 'udp':
    case 'sctp':
      return ` -m ${m.kind}` + portsSave('sport', m.spts, (m.inv & XT_TCP_INV.SRCPT) !== 0) + portsSave('dport', m.dpts, (m.inv & XT_TCP_INV.DSTPT) !== 0);
    case 'icmp':
      if (m.type === 0xff) return ` -m icmp${m.invert ? ' !' : ''} --icmp-type any`;
      return ` -m icmp${m.invert ? ' !' : ''} --icmp-type ${m.type}${m.codeMin !== 0 || m.codeMax !== 0xff ? `/${m.codeMin}` : ''}`;
    case 'multiport': {
      const ports = m.ports.map((r) => (r[0] === r[1] ? String(r[0]) : `${r[0]}:${r[1]}`)).join(',');
      return ` -m multiport${m.invert ? ' !' : ''} --${m.dir === 'src' ? 'sports' : m.dir === 'dst' ? 'dports' : 'ports'} ${ports}`;
    }
    case 'comment':
      return ` -m comment --comment${saveString(m.comment)}`;
    case 'mark':
      return ` -m mark${m.invert ? ' !' : ''} --mark${markText(m.mark, m.mask)}`;
    case 'connmark':
      return ` -m connmark${m.invert ? ' !' : ''} --mark${markText(m.mark, m.mask)}`;
    case 'conntrack':
      return ' -m conntrack' + conntrackDump(m, '--ct', (a, mask) => formatIpv4(a) + ipmaskToNumeric(mask));
    case 'state':
      return ` -m state${m.invert ? ' !' : ''} --state ${ctStateText(m.stateMask, true)}`;
    case 'addrtype':
      return ' -m addrtype' + addrtypeSave(m);
    case 'statistic':
      return ' -m statistic' + statisticText(m, '--');
    case 'physdev':
      return ' -m physdev' + physdevSave(m);
    case 'owner':
      return ' -m owner' + ownerText(m, ['--socket-exists', '--uid-owner', '--gid-owner']);
    case 'recent':
      return ' -m recent' + recentText(m, true);
  }
}

/** print_range() of the NAT targets: ADDR[-ADDR][:PORT[-PORT]] */
export function natRangeText(r: NatRange): string {
  let s = '';
  if (r.flags & NF_NAT_RANGE.MAP_IPS) {
    s += formatIpv4(r.minIp);
    if (r.maxIp !== r.minIp) s += `-${formatIpv4(r.maxIp)}`;
  }
  if (r.flags & NF_NAT_RANGE.PROTO_SPECIFIED) {
    s += `:${r.minPort}`;
    if (r.maxPort !== r.minPort) s += `-${r.maxPort}`;
  }
  return s;
}

const portsText = (r: NatRange): string => `${r.minPort}${r.maxPort !== r.minPort ? `-${r.maxPort}` : ''}`;

/** The target as -S prints it: ` -j NAME OPTIONS`, ` -g CHAIN`, or nothing. */
export function targetSave(t: XtTarget): string {
  switch (t.kind) {
    case 'none':
      return '';
    case 'verdict':
      return ` -j ${t.verdict}`;
    case 'jump':
      return ` -${t.goto ? 'g' : 'j'} ${t.chain}`;
    case 'REJECT':
      return ` -j REJECT --reject-with ${t.with}`;
    case 'DNAT':
    case 'SNAT': {
      const f = t.range.flags;
      let s = ` -j ${t.kind} --to-${t.kind === 'DNAT' ? 'destination' : 'source'} ${natRangeText(t.range)}`;
      if (f & NF_NAT_RANGE.PROTO_RANDOM) s += ' --random';
      if (t.kind === 'SNAT' && f & NF_NAT_RANGE.PROTO_RANDOM_FULLY) s += ' --random-fully';
      if (f & NF_NAT_RANGE.PERSISTENT) s += ' --persistent';
      return s;
    }
    case 'MASQUERADE': {
      const f = t.range.flags;
      let s = ' -j MASQUERADE';
      if (f & NF_NAT_RANGE.PROTO_SPECIFIED) s += ` --to-ports ${portsText(t.range)}`;
      if (f & NF_NAT_RANGE.PROTO_RANDOM) s += ' --random';
      if (f & NF_NAT_RANGE.PROTO_RANDOM_FULLY) s += ' --random-fully';
      return s;
    }
    case 'REDIRECT': {
      let s = ' -j REDIRECT';
      if (t.range.flags & NF_NAT_RANGE.PROTO_SPECIFIED) s += ` --to-ports ${portsText(t.range)}`;
      if (t.range.flags & NF_NAT_RANGE.PROTO_RANDOM) s += ' --random';
      return s;
    }
    case 'MARK':
      return ` -j MARK --set-xmark ${hex(t.mark)}/${hex(t.mask)}`;
    case 'CONNMARK':
      if (t.mode === 'set') return ` -j CONNMARK --set-xmark ${hex(t.ctmark)}/${hex(t.ctmask)}`;
      return ` -j CONNMARK --${t.mode}-mark --nfmask ${hex(t.nfmask)} --ctmask ${hex(t.ctmask)}`;
    case 'LOG': {
      let s = ' -j LOG';
      if (t.prefix !== '') s += ` --log-prefix${saveString(t.prefix)}`;
      if (t.level !== 4) s += ` --log-level ${t.level}`;
      if (t.logflags & 0x01) s += ' --log-tcp-sequence';
      if (t.logflags & 0x02) s += ' --log-tcp-options';
      if (t.logflags & 0x04) s += ' --log-ip-options';
      if (t.logflags & 0x08) s += ' --log-uid';
      if (t.logflags & 0x20) s += ' --log-macdecode';
      return s;
    }
    case 'CT':
      return t.alias === 'NOTRACK' ? ' -j NOTRACK' : t.notrack ? ' -j CT --notrack' : ' -j CT';
  }
}

/** save_ipv4_addr() */
function addrSave(letter: string, addr: Ipv4, mask: Ipv4, inv: boolean): string {
  if (mask === 0 && !inv && addr === 0) return '';
  return `${inv ? ' !' : ''} -${letter} ${formatIpv4(addr)}/${maskToStr(mask)}`;
}

/** The rule's ipt_ip part as save_rule_details() prints it. */
export function ipSave(ip: IptIp, protoName: (n: number) => string | undefined): string {
  let s = addrSave('s', ip.src, ip.smsk, (ip.inv & IPT_INV.SRCIP) !== 0) + addrSave('d', ip.dst, ip.dmsk, (ip.inv & IPT_INV.DSTIP) !== 0);
  if (ip.iniface !== '' || ip.iniWild) s += `${ip.inv & IPT_INV.VIA_IN ? ' !' : ''} -i ${ip.iniface}${ip.iniWild ? '+' : ''}`;
  if (ip.outiface !== '' || ip.outWild) s += `${ip.inv & IPT_INV.VIA_OUT ? ' !' : ''} -o ${ip.outiface}${ip.outWild ? '+' : ''}`;
  if (ip.proto > 0) {
    const name = CHAIN_PROTOS.find(([, n]) => n === ip.proto)?.[0] ?? protoName(ip.proto);
    s += `${ip.inv & IPT_INV.PROTO ? ' !' : ''} -p ${name ?? ip.proto}`;
  }
  if (ip.frag) s += `${ip.inv & IPT_INV.FRAG ? ' !' : ''} -f`;
  return s;
}

/** `-A CHAIN …` for one rule; `counters` puts `-c PKTS BYTES` before the target, as `iptables -S -v` does. */
export function ruleSave(chain: Chain | string, r: Rule, counters = false): string {
  const name = typeof chain === 'string' ? chain : chain.name;
  let s = `-A ${name}${ipSave(r.ip, protocolName)}`;
  for (const m of r.matches) s += matchSave(m);
  if (counters) s += ` -c ${r.pkts} ${r.bytes}`;
  return s + targetSave(r.target);
}
