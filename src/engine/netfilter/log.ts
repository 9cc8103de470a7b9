/**
 * The LOG target's lines (net/netfilter/nf_log_syslog.c: nf_log_ip_packet, dump_ipv4_packet) in a
 * kernel log per namespace, which `dmesg` prints. Each Hoplab machine is its own kernel, so each
 * namespace has its own log; the time stamp is virtual time since the lab began.
 *
 * Checked against a kernel's own lines (6.18, in a namespace with net.netfilter.nf_log_all_netns
 * set): precedence 0xC0 on the kernel's ICMP errors, DF as sent, MF and FRAG: on fragments, whose
 * later pieces show only PROTO=, MTU= on a "frag needed", MACSRC=/MACDST=/MACPROTO= for
 * --log-macdecode on an Ethernet device. Not modelled: TOS bits other than precedence, IP and TCP
 * options, the socket's UID/GID (--log-uid prints nothing).
 */
import { formatIpv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { isEcho } from '../wire/icmp';
import type { Ipv4Packet } from '../wire/ipv4';
import { ipTotalLength } from '../wire/ipv4';
import { XT_LOG, type LogTarget } from './xt/targets';

export interface KlogLine {
  /** virtual ms */
  at: number;
  /** syslog level 0–7 */
  level: number;
  text: string;
}

const logs = new WeakMap<Netns, KlogLine[]>();

/** The namespace's kernel log, oldest first. */
export const klog = (ns: Netns): readonly KlogLine[] => logs.get(ns) ?? [];

/** The kernel's ring buffer keeps the newest lines (log_buf_len): this many here. */
const KLOG_MAX = 2048;

export function klogAppend(ns: Netns, level: number, text: string): void {
  let l = logs.get(ns);
  if (l === undefined) {
    l = [];
    logs.set(ns, l);
  }
  const w = ns.world;
  if (w.journaling) {
    w.willChange(ns);
    w.journalUndo((list: KlogLine[], n: number) => void (list.length = n), l, l.length);
  }
  l.push({ at: w.now, level, text });
  if (l.length > KLOG_MAX) l.splice(0, l.length - KLOG_MAX);
}

/** `dmesg -C`: clear the log. */
export function klogClear(ns: Netns): void {
  logs.get(ns)?.splice(0);
}

const macBytes = (mac: string) => mac.split(':');

/** "MAC=dst:src:08:00 " as dump_ipv4_mac_header's fallback prints the 14-byte header. */
function macHeader(dst: string | undefined, src: string | undefined): string {
  if (dst === undefined || src === undefined) return 'MAC= ';
  return `MAC=${[...macBytes(dst), ...macBytes(src), '08', '00'].join(':')} `;
}

const TCP_FLAG_WORDS: readonly [number, string][] = [
  [0x80, 'CWR'],
  [0x40, 'ECE'],
  [0x20, 'URG'],
  [0x10, 'ACK'],
  [0x08, 'PSH'],
  [0x04, 'RST'],
  [0x02, 'SYN'],
  [0x01, 'FIN'],
];

/** ICMP errors: icmp_send() sends them with precedence "internetwork control" (IPTOS_PREC_INTERNETCONTROL) */
const ICMP_ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

/**
 * IP_DF as the packet carries it. TCP and UDP sockets set it on what fits the path (pmtudisc
 * "want"), which the engine's packets leave to the fragmenter, so a TCP or UDP packet that is no
 * fragment has it; ping says for its own requests; the kernel's ICMP messages go without.
 */
const hasDf = (p: Ipv4Packet): boolean => p.df || (p.proto !== 'icmp' && p.frag === undefined);
// (so a UDP datagram put back together from fragments, which never carry DF, shows DF here; the
// kernel shows it without: the engine would have to set DF on the UDP it sends, as Linux does)

/** dump_ipv4_packet() */
function dumpIpv4(p: Ipv4Packet, logflags: number, nested: boolean, mark: number): string {
  const prec = p.proto === 'icmp' && ICMP_ERROR_TYPES.has(p.icmp.type) ? 'C0' : '00';
  let s = `SRC=${formatIpv4(p.src)} DST=${formatIpv4(p.dst)} LEN=${ipTotalLength(p)} TOS=0x00 PREC=0x${prec} TTL=${p.ttl} ID=${p.id} ${hasDf(p) ? 'DF ' : ''}`;
  if (p.frag?.more) s += 'MF ';
  // the fragment offset field, in 8-byte units; a later piece has no transport header to show
  const later = p.frag !== undefined && p.frag.offset > 0;
  if (later) s += `FRAG:${p.frag!.offset / 8} `;
  switch (p.proto) {
    case 'tcp': {
      const t = p.tcp;
      s += 'PROTO=TCP ';
      if (later) break;
      s += `SPT=${t.sport} DPT=${t.dport} `;
      if (logflags & XT_LOG.TCPSEQ) s += `SEQ=${t.seq >>> 0} ACK=${t.ack >>> 0} `;
      s += `WINDOW=${t.window} RES=0x00 `;
      for (const [bit, word] of TCP_FLAG_WORDS) if (t.flags & bit) s += `${word} `;
      s += 'URGP=0 ';
      break;
    }
    case 'udp':
      s += 'PROTO=UDP ';
      if (!later) s += `SPT=${p.udp.sport} DPT=${p.udp.dport} LEN=${8 + p.udp.payload.len} `;
      break;
    case 'icmp': {
      const m = p.icmp;
      s += 'PROTO=ICMP ';
      if (later) break;
      s += `TYPE=${m.type} CODE=${m.code} `;
      if (isEcho(m)) s += `ID=${m.id} SEQ=${m.seq} `;
      else {
        if (m.type === 5) s += `GATEWAY=${formatIpv4(m.gateway)} `;
        // only recurse once
        if (!nested) s += `[${dumpIpv4(m.inner, logflags, true, 0)}] `;
        if (m.type === 3 && m.code === 4) s += `MTU=${m.mtu ?? 0} `;
      }
    }
  }
  if (!nested && mark) s += `MARK=0x${mark.toString(16)} `;
  return s;
}

/** What a LOG line needs to know of where the packet is. */
export interface LogWhere {
  in: Netdev | undefined;
  out: Netdev | undefined;
  physIn: Netdev | undefined;
  physOut: Netdev | undefined;
  /** the Ethernet addresses of the frame it came in (for MAC=) */
  macDst: string | undefined;
  macSrc: string | undefined;
}

/** dump_mac_header(): the frame's Ethernet header, decoded with --log-macdecode (Ethernet devices only). */
function macPart(logflags: number, where: LogWhere): string {
  if (where.in!.kind === 'loopback') return 'MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 ';
  if (logflags & XT_LOG.MACDECODE && where.macDst !== undefined && where.macSrc !== undefined) return `MACSRC=${where.macSrc} MACDST=${where.macDst} MACPROTO=0800 `;
  return macHeader(where.macDst, where.macSrc);
}

/** nf_log_ip_packet(): one LOG line (without the syslog level). */
export function logLine(t: LogTarget, p: Ipv4Packet, where: LogWhere, mark: number): string {
  let s = `${t.prefix}IN=${where.in?.name ?? ''} OUT=${where.out?.name ?? ''} `;
  if (where.physIn !== undefined && where.physIn !== where.in) s += `PHYSIN=${where.physIn.name} `;
  if (where.physOut !== undefined && where.physOut !== where.out) s += `PHYSOUT=${where.physOut.name} `;
  if (where.in !== undefined) s += macPart(t.logflags, where);
  return s + dumpIpv4(p, t.logflags, false, mark);
}

/** printk's time stamp: "[    5.123456] " */
export function klogStamp(at: number): string {
  const us = Math.floor(at * 1000);
  const sec = Math.floor(us / 1_000_000);
  return `[${String(sec).padStart(5, ' ')}.${String(us % 1_000_000).padStart(6, '0')}] `;
}

