/**
 * tcpdump: which frames cross an interface, and how `tcpdump -n` prints them.
 *
 * The simulator never copies bytes, so a "capture" is a view over trace events: every frame that
 * leaves (XMIT) or arrives on (RCV) a device is one line, printed the way tcpdump 4.99 prints it with
 * -n (no name resolution). Timestamps come from the virtual clock, as time since midnight.
 *
 *   00:00:01.000000 IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64
 *   00:00:01.000000 ARP, Request who-has 10.244.2.1 tell 10.244.2.2, length 28
 *
 * Lengths are the ones Linux puts on the wire for the default ping (56 data bytes) and traceroute
 * (60-byte probes), since a PacketView carries headers only.
 *
 * Pure: no DOM, no engine state. The waiting for frames lives in the terminal store (a typed
 * capture) and in capture.ts (tcpdump as a program in a script or in the background);
 * `parseTcpdumpArgs` and the formatters are shared with anything that prints frames.
 */
import { ARP_LEN, ETH_HLEN, formatIcmpView, formatTcpView, ICMP_HEADER, IPPROTO, IPV4_HEADER, UDP_HEADER } from '../engine';
import type { PacketView, TraceEvent } from '../engine/sim/trace';

// ---------------------------------------------------------------------------------------------
// time

/** Virtual ms → "HH:MM:SS.uuuuuu" (time of day, wrapping at 24 h), as tcpdump prints -tttt-less stamps. */
export function formatTimestamp(ms: number): string {
  const totalUs = Math.max(0, Math.round(ms * 1000));
  const us = totalUs % 1_000_000;
  const totalS = Math.floor(totalUs / 1_000_000);
  const s = totalS % 60;
  const m = Math.floor(totalS / 60) % 60;
  const h = Math.floor(totalS / 3600) % 24;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${String(us).padStart(6, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// lengths

const IP_HLEN = IPV4_HEADER;
const ICMP_HLEN = ICMP_HEADER;
const UDP_HLEN = UDP_HEADER;
/** ping's default: 56 data bytes + 8 ICMP header */
const ICMP_ECHO_LEN = 64;
/** traceroute's default 60-byte probe: 20 IP + 8 UDP + 32 data */
const UDP_PROBE_DATA = 32;

function icmpLength(p: PacketView): number {
  const t = p.icmp?.type;
  if (t === 0 || t === 8) return ICMP_ECHO_LEN;
  // errors quote the offending datagram: an echo request (84 bytes) or a traceroute probe (60 bytes)
  const inner = p.icmp?.inner;
  return ICMP_HLEN + (inner?.proto === 'UDP' ? IP_HLEN + UDP_HLEN + UDP_PROBE_DATA : IP_HLEN + ICMP_ECHO_LEN);
}

/** IP total length of the packet (the view's own when it carries one). */
export function ipTotalLength(p: PacketView): number {
  if (!p.ip) return 0;
  const own = p.ip.len;
  if (own !== undefined) return own;
  if (p.ip.proto === 'UDP') return IP_HLEN + UDP_HLEN + UDP_PROBE_DATA;
  return IP_HLEN + icmpLength(p);
}

/** Length of the whole Ethernet frame (without FCS), as `tcpdump -e` prints it. */
export function frameLength(p: PacketView): number {
  if (p.arp || p.eth?.type === 'ARP') return ETH_HLEN + ARP_LEN;
  return ETH_HLEN + ipTotalLength(p);
}

// ---------------------------------------------------------------------------------------------
// one line per frame

export interface FrameFormat {
  /** -e: print the link-level header */
  link?: boolean;
  /** -v: print the IP header fields (ttl, id, length) */
  verbose?: boolean;
  /** the conversations a capture has seen, for relative sequence numbers (without it: absolute, as -S) */
  tcpSeq?: TcpSeqTable;
}

/** tcp_seq_hash in tcpdump's print-tcp.c: per conversation, the bases its numbers are printed from. */
export type TcpSeqTable = Map<string, { seq: number; ack: number }>;

/** Request methods tcpdump's http printer knows (print-http.c httpcmds), and a status line. */
const HTTP_FIRST = /^(?:(?:GET|PUT|COPY|DELETE|HEAD|LINK|LOCK|MKCOL|MOVE|OPTIONS|PATCH|POST|PROPFIND|PROPPATCH|SEARCH|TRACE|UNLINK|UNLOCK|CONNECT) |HTTP\/\d\.\d \d{3})/;

/** ": HTTP", and ": HTTP: <first line>" when the data starts a request or a response (txtproto_print). */
function httpSuffix(t: NonNullable<PacketView['tcp']>): string {
  if (t.http === undefined || t.len === 0) return '';
  return HTTP_FIRST.test(t.http) ? `: HTTP: ${t.http}` : ': HTTP';
}

const ipNum = (a: string): number => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/**
 * tcpdump's relative numbers: a segment with ACK looks its conversation up (both directions share
 * one entry, `rev` says which way this one goes); a SYN, or a conversation not seen yet, sets the
 * bases from this segment and is printed absolute; later segments print seq and ack less the bases.
 */
export function relativeTcp(table: TcpSeqTable | undefined, src: string, dst: string, t: NonNullable<PacketView['tcp']>): { seq: number; ack?: number } {
  if (!table || t.ack === undefined) return t;
  const s = ipNum(src);
  const d = ipNum(dst);
  const rev = s > d || (s === d && t.sport > t.dport);
  const key = rev ? `${dst}.${t.dport}|${src}.${t.sport}` : `${src}.${t.sport}|${dst}.${t.dport}`;
  const th = table.get(key);
  if (!th || t.flags.includes('S')) {
    table.set(key, rev ? { ack: t.seq, seq: (t.ack - 1) >>> 0 } : { seq: t.seq, ack: (t.ack - 1) >>> 0 });
    return t;
  }
  return rev ? { seq: (t.seq - th.ack) >>> 0, ack: (t.ack - th.seq) >>> 0 } : { seq: (t.seq - th.seq) >>> 0, ack: (t.ack - th.ack) >>> 0 };
}

/** The text after the timestamp for one frame, or null if the view holds no printable frame. */
export function formatPacket(p: PacketView | undefined, fmt: FrameFormat = {}, ipId = 0): string | null {
  if (!p) return null;
  // without -e the line starts with the protocol ("IP ", "ARP, "); with -e the ethertype says it
  let proto: string;
  let body: string;
  if (p.arp) {
    const a = p.arp;
    proto = 'ARP, ';
    body =
      a.op === 'request'
        ? `Request who-has ${a.targetIp} tell ${a.senderIp}, length ${ARP_LEN}`
        : `Reply ${a.senderIp} is-at ${a.senderMac}, length ${ARP_LEN}`;
  } else if (p.ip) {
    const ip = p.ip;
    let l4: string;
    let src = ip.src;
    let dst = ip.dst;
    if (ip.proto === 'UDP') {
      if (p.udp) {
        src = `${ip.src}.${p.udp.sport}`;
        dst = `${ip.dst}.${p.udp.dport}`;
      }
      l4 = p.vxlan && p.udp ? (overlayLine(p.udp, p.vxlan, fmt) ?? `UDP, length ${ipTotalLength(p) - IP_HLEN - UDP_HLEN}`) : `UDP, length ${ipTotalLength(p) - IP_HLEN - UDP_HLEN}`;
    } else if (ip.proto === 'TCP' && p.tcp) {
      src = `${ip.src}.${p.tcp.sport}`;
      dst = `${ip.dst}.${p.tcp.dport}`;
      l4 = formatTcpView(p.tcp, relativeTcp(fmt.tcpSeq, ip.src, ip.dst, p.tcp)) + httpSuffix(p.tcp);
    } else if (p.icmp) {
      l4 = formatIcmpView(p, ipTotalLength(p) - IP_HLEN);
    } else {
      l4 = `ip-proto-1 ${ipTotalLength(p) - IP_HLEN}`;
    }
    proto = 'IP ';
    if (fmt.verbose) {
      const l3 = `${ip.proto} (${IPPROTO[ip.proto.toLowerCase() as 'icmp' | 'udp' | 'tcp']})`;
      // ping sets DF on its requests; the kernel's echo replies go without it (the ICMP socket's pmtudisc is "dont")
      const df = p.icmp && p.icmp.type === 8 ? '[DF]' : '[none]';
      body = `(tos 0x0, ttl ${ip.ttl}, id ${ipId}, offset 0, flags ${df}, proto ${l3}, length ${ipTotalLength(p)})\n    ${src} > ${dst}: ${l4}`;
    } else {
      body = `${src} > ${dst}: ${l4}`;
    }
  } else {
    return null;
  }
  if (fmt.link && p.eth) {
    const type = p.eth.type === 'ARP' ? 'ARP (0x0806)' : 'IPv4 (0x0800)';
    return `${p.eth.src} > ${p.eth.dst}, ethertype ${type}, length ${frameLength(p)}: ${body}`;
  }
  return proto + body;
}

/** IANA's VXLAN and VXLAN-GPE ports, and the port OTV (and Linux's default vxlan) uses: tcpdump decodes each by its own dissector */
const VXLAN_PORT = 4789;
const VXLAN_GPE_PORT = 4790;
const OTV_PORT = 8472;

/**
 * A VXLAN datagram on a port tcpdump knows (udp_print(): vxlan_print() or otv_print()): the
 * overlay header, then the inner frame on its own line as ether_print() prints it.
 */
function overlayLine(udp: { sport: number; dport: number }, vx: NonNullable<PacketView['vxlan']>, fmt: FrameFormat): string | null {
  const on = (port: number) => udp.sport === port || udp.dport === port;
  // vxlan_gpe_print(): a plain VXLAN header's next-protocol byte is 0, which GPE does not know
  if (on(VXLAN_GPE_PORT)) return `VXLAN-GPE, flags [I], vni ${vx.vni}: ERROR: unknown-next-protocol (invalid)`;
  const head = on(VXLAN_PORT) ? `VXLAN, flags [I] (0x08), vni ${vx.vni}` : on(OTV_PORT) ? `OTV, flags [I] (0x08), overlay 0, instance ${vx.vni}` : null;
  if (head === null) return null;
  const inner = formatPacket(vx.inner, { ...fmt, tcpSeq: undefined }, vx.inner.ip?.id ?? 0);
  return inner === null ? head : `${head}\n${inner}`;
}

/** "00:00:01.000000 IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64" */
export function formatFrame(e: TraceEvent, fmt: FrameFormat = {}): string | null {
  const body = formatPacket(e.packet, fmt, e.packet?.ip?.id ?? e.packetId & 0xffff);
  return body === null ? null : `${formatTimestamp(e.time)} ${body}`;
}

// ---------------------------------------------------------------------------------------------
// which frames cross an interface

export type FrameDirection = 'in' | 'out';

export interface CapturedFrame {
  event: TraceEvent;
  dir: FrameDirection;
  /** the device the frame crossed (useful with -i any) */
  dev: string;
}

/** The pseudo-device that captures on every device of the namespace. */
export const ANY_DEV = 'any';

/**
 * Frames seen by a capture on `netns`/`dev` (or every device with `dev` = "any"), in event order:
 * frames sent (XMIT) and received (RCV) on the device, and frames a bridge passed up to itself
 * (BR_LOCAL, seen on the bridge device). A veth crossing (VETH_XMIT … to: peer) counts as sent on
 * one end and received on the other when the engine did not record those separately. Each packet
 * is seen at most once per device and direction, as a real capture sees each frame once.
 */
/** A frame crossing a device one way: a veth's send and its peer's receive are the same frame. */
export const frameKey = (dev: string, packetId: number, dir: FrameDirection): string => `${dev}|${packetId}|${dir}`;

/**
 * Keys of the frames a capture printed last: events reach a capture in slices (a command running in
 * real time), and a veth's send may come in one slice and its peer's receive in the next.
 */
export const RECENT_FRAMES = 32;

export function framesOnDev(events: readonly TraceEvent[], netns: string, dev: string, seen = new Set<string>()): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  const any = dev === ANY_DEV;
  const push = (event: TraceEvent, on: string, dir: FrameDirection) => {
    if (!event.packet || (!event.packet.ip && !event.packet.arp)) return;
    const key = frameKey(on, event.packetId, dir);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ event, dir, dev: on });
  };
  for (const e of events) {
    if (e.verdict !== 'XMIT' && e.verdict !== 'RCV' && e.verdict !== 'VETH_XMIT' && e.verdict !== 'BR_LOCAL') continue;
    const dir: FrameDirection = e.verdict === 'RCV' || e.verdict === 'BR_LOCAL' ? 'in' : 'out';
    if (e.netns === netns && e.dev && (any || e.dev === dev)) push(e, e.dev, dir);
    if (e.verdict === 'VETH_XMIT' && e.to && e.to.netns === netns && (any || e.to.dev === dev)) push(e, e.to.dev, 'in');
  }
  return out;
}

/**
 * A captured frame as tcpdump prints it; with -i any (Linux cooked v2) the line names the device
 * and the direction: "00:00:01.000000 eth0  Out IP 10.244.1.2 > …", "B" for broadcasts received.
 */
export function formatCaptured(f: CapturedFrame, fmt: FrameFormat & { any?: boolean; stamp?: boolean } = {}): string | null {
  const body = formatPacket(f.event.packet, fmt.any ? { ...fmt, link: false } : fmt, f.event.packet?.ip?.id ?? f.event.packetId & 0xffff);
  if (body === null) return null;
  // -t: no time stamp at the start of the line
  const stamp = fmt.stamp === false ? '' : `${formatTimestamp(f.event.time)} `;
  if (!fmt.any) return `${stamp}${body}`;
  const dst = f.event.packet?.eth?.dst;
  const type = f.dir === 'out' ? 'Out' : dst === 'ff:ff:ff:ff:ff:ff' ? 'B' : dst && parseInt(dst.slice(0, 2), 16) & 1 ? 'M' : 'In';
  return `${stamp}${f.dev.padEnd(5)} ${type.padEnd(3)} ${body}`;
}

// ---------------------------------------------------------------------------------------------
// filter expressions (a small pcap-filter subset)

export type FrameFilter = (p: PacketView) => boolean;

const PROTOS: Record<string, FrameFilter> = {
  ip: (p) => !!p.ip,
  icmp: (p) => p.ip?.proto === 'ICMP',
  udp: (p) => p.ip?.proto === 'UDP',
  tcp: (p) => p.ip?.proto === 'TCP',
  arp: (p) => !!p.arp,
};

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const isIpv4 = (s: string) => {
  const m = IPV4_RE.exec(s);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
};

function hostMatch(dir: 'src' | 'dst' | 'any', addr: string): FrameFilter {
  return (p) => {
    const src = p.ip?.src ?? p.arp?.senderIp;
    const dst = p.ip?.dst ?? p.arp?.targetIp;
    if (dir === 'src') return src === addr;
    if (dir === 'dst') return dst === addr;
    return src === addr || dst === addr;
  };
}

function portMatch(dir: 'src' | 'dst' | 'any', port: number): FrameFilter {
  return (p) => {
    const ports = p.udp ?? p.tcp;
    if (!ports) return false;
    if (dir === 'src') return ports.sport === port;
    if (dir === 'dst') return ports.dport === port;
    return ports.sport === port || ports.dport === port;
  };
}

/**
 * Compile a filter expression: protocols (ip, icmp, udp, tcp, arp), [src|dst] host ADDR,
 * [src|dst] port N, combined with not/!, and/&&, or/|| and parentheses. An empty expression
 * matches everything. Throws Error("syntax error") like pcap_compile.
 */
export function compileFilter(words: readonly string[]): FrameFilter {
  const toks = words
    .join(' ')
    .replace(/([()!])/g, ' $1 ')
    .replace(/&&/g, ' and ')
    .replace(/\|\|/g, ' or ')
    .split(/\s+/)
    .filter(Boolean);
  if (toks.length === 0) return () => true;
  let i = 0;
  const fail = (): never => {
    throw new Error('syntax error');
  };
  const peek = () => toks[i];
  const orExpr = (): FrameFilter => {
    let left = andExpr();
    while (peek() === 'or') {
      i++;
      const l = left;
      const r = andExpr();
      left = (p) => l(p) || r(p);
    }
    return left;
  };
  const andExpr = (): FrameFilter => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t === 'and') i++;
      else if (t === undefined || t === 'or' || t === ')') break;
      // pcap requires an explicit operator between primitives
      else fail();
      const l = left;
      const r = unary();
      left = (p) => l(p) && r(p);
    }
    return left;
  };
  const unary = (): FrameFilter => {
    const t = peek();
    if (t === 'not' || t === '!') {
      i++;
      const f = unary();
      return (p) => !f(p);
    }
    if (t === '(') {
      i++;
      const f = orExpr();
      if (peek() !== ')') fail();
      i++;
      return f;
    }
    return primitive();
  };
  const primitive = (): FrameFilter => {
    const t = peek();
    if (t === undefined) return fail();
    i++;
    if (t in PROTOS) return PROTOS[t];
    let dir: 'src' | 'dst' | 'any' = 'any';
    let word = t;
    if (word === 'src' || word === 'dst') {
      dir = word;
      word = peek() ?? fail();
      i++;
    }
    if (word === 'host') {
      const a = peek() ?? fail();
      i++;
      if (!isIpv4(a)) fail();
      return hostMatch(dir, a);
    }
    if (word === 'port') {
      const n = peek() ?? fail();
      i++;
      if (!/^\d+$/.test(n) || Number(n) > 65535) fail();
      return portMatch(dir, Number(n));
    }
    if (isIpv4(word)) return hostMatch(dir, word);
    return fail();
  };
  const f = orExpr();
  if (i !== toks.length) fail();
  return f;
}

// ---------------------------------------------------------------------------------------------
// command line

export interface TcpdumpOptions {
  iface: string | null; // null: the first up, non-loopback device
  count: number | null;
  link: boolean; // -e
  stamp: boolean; // false with -t
  absolute: boolean; // -S: absolute TCP sequence numbers
  verbose: boolean; // -v
  filter: FrameFilter;
  expression: string;
}

/** A parse that ends tcpdump before any capture: an error (stderr), or --help / --version (stdout). */
export type TcpdumpParse = { ok: true; opts: TcpdumpOptions } | { ok: false; stdout?: string; stderr: string; exit: number };

/** tcpdump 4.99.3 (Debian 12) as `tcpdump --version` prints it. */
const TCPDUMP_VERSION = `tcpdump version 4.99.3
libpcap version 1.10.3 (with TPACKET_V3)
OpenSSL 3.0.19 27 Jan 2026
`;

/** What `tcpdump --help` prints on stdout, and an unknown option on stderr after its complaint. */
const TCPDUMP_USAGE = `${TCPDUMP_VERSION}Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]
\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]
\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]
\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]
\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]
\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]
\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]
\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]
`;

const FLAGS_NO_ARG = new Set(['n', 'e', 'v', 'l', 'q', 't', 'S', 'p', 'U', 'N', 'x', 'X', 'A', '#']);
const FLAGS_WITH_ARG = new Set(['i', 'c', 's', 'B']);

/** Parse tcpdump's argv (without the "tcpdump" word), getopt style: -ni eth0, -c5, -i eth0 icmp. */
export function parseTcpdumpArgs(argv: readonly string[]): TcpdumpParse {
  const opts: Omit<TcpdumpOptions, 'filter' | 'expression'> = { iface: null, count: null, link: false, verbose: false, stamp: true, absolute: false };
  const rest: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--') {
      rest.push(...argv.slice(k + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      rest.push(a);
      continue;
    }
    if (a === '--help') return { ok: false, stdout: TCPDUMP_USAGE, stderr: '', exit: 0 };
    if (a === '--version') return { ok: false, stdout: TCPDUMP_VERSION, stderr: '', exit: 0 };
    if (a.startsWith('--')) {
      return { ok: false, stderr: `tcpdump: unrecognized option '${a}'\n${TCPDUMP_USAGE}`, exit: 1 };
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j];
      if (f === 'h') return { ok: false, stdout: TCPDUMP_USAGE, stderr: '', exit: 0 };
      if (FLAGS_NO_ARG.has(f)) {
        if (f === 'e') opts.link = true;
        if (f === 'v') opts.verbose = true;
        if (f === 't') opts.stamp = false;
        if (f === 'S') opts.absolute = true;
        continue;
      }
      if (FLAGS_WITH_ARG.has(f)) {
        let val = a.slice(j + 1);
        if (val === '') {
          if (k + 1 >= argv.length) return { ok: false, stderr: `tcpdump: option requires an argument -- '${f}'\n${TCPDUMP_USAGE}`, exit: 1 };
          val = argv[++k];
        }
        if (f === 'i') opts.iface = val;
        if (f === 'c') {
          if (!/^\d+$/.test(val) || Number(val) <= 0) return { ok: false, stderr: `tcpdump: invalid packet count ${val}\n`, exit: 1 };
          opts.count = Number(val);
        }
        if (f === 's' && !/^\d+$/.test(val)) return { ok: false, stderr: `tcpdump: invalid snaplen ${val}\n`, exit: 1 };
        break;
      }
      return { ok: false, stderr: `tcpdump: invalid option -- '${f}'\n${TCPDUMP_USAGE}`, exit: 1 };
    }
  }
  try {
    const filter = compileFilter(rest);
    return { ok: true, opts: { ...opts, filter, expression: rest.join(' ') } };
  } catch {
    return { ok: false, stderr: `tcpdump: can't parse filter expression: syntax error\n`, exit: 1 };
  }
}

/** What tcpdump prints (on stderr) when a live capture starts. */
export function tcpdumpBanner(iface: string, verbose = false): string {
  const first = verbose ? '' : 'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n';
  const link = iface === ANY_DEV ? 'LINUX_SLL2 (Linux cooked v2)' : 'EN10MB (Ethernet)';
  return `${first}listening on ${iface}, link-type ${link}, snapshot length 262144 bytes\n`;
}

const plural = (n: number) => (n === 1 ? '' : 's');

/** The statistics tcpdump prints (on stderr) when it stops. */
export function tcpdumpSummary(captured: number, received = captured): string {
  return (
    `${captured} packet${plural(captured)} captured\n` +
    `${received} packet${plural(received)} received by filter\n` +
    `0 packets dropped by kernel\n`
  );
}

export const tcpdumpNoSuchDevice = (iface: string): string =>
  `tcpdump: ${iface}: No such device exists\n(SIOCGIFHWADDR: No such device)\n`;

export const tcpdumpDeviceDown = (iface: string): string => `tcpdump: ${iface}: That device is not up\n`;
