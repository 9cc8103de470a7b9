/**
 * The LOG target's lines (net/netfilter/nf_log_syslog.c: nf_log_ip_packet, dump_ipv4_packet) in a
 * kernel log per namespace, which `dmesg` prints. Each Hoplab machine is its own kernel, so each
 * namespace has its own log; the time stamp is virtual time since the lab began.
 *
 * Not modelled: TOS/precedence (always 0), IP and TCP options, the socket's UID/GID
 * (--log-uid prints nothing), MAC decoding (--log-macdecode prints the raw header like the rest).
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

/** dump_ipv4_packet() */
function dumpIpv4(p: Ipv4Packet, logflags: number, nested: boolean, mark: number): string {
  // sockets set DF (path MTU discovery); the kernel's own ICMP messages do not
  const df = p.proto !== 'icmp' || p.icmp.type === 8;
  let s = `SRC=${formatIpv4(p.src)} DST=${formatIpv4(p.dst)} LEN=${ipTotalLength(p)} TOS=0x00 PREC=0x00 TTL=${p.ttl} ID=${p.id} ${df ? 'DF ' : ''}`;
  switch (p.proto) {
    case 'tcp': {
      const t = p.tcp;
      s += `PROTO=TCP SPT=${t.sport} DPT=${t.dport} `;
      if (logflags & XT_LOG.TCPSEQ) s += `SEQ=${t.seq >>> 0} ACK=${t.ack >>> 0} `;
      s += `WINDOW=${t.window} RES=0x00 `;
      for (const [bit, word] of TCP_FLAG_WORDS) if (t.flags & bit) s += `${word} `;
      s += 'URGP=0 ';
      break;
    }
    case 'udp':
      s += `PROTO=UDP SPT=${p.udp.sport} DPT=${p.udp.dport} LEN=${8 + p.udp.payload.len} `;
      break;
    case 'icmp': {
      const m = p.icmp;
      s += `PROTO=ICMP TYPE=${m.type} CODE=${m.code} `;
      if (isEcho(m)) s += `ID=${m.id} SEQ=${m.seq} `;
      else {
        if (m.type === 5) s += `GATEWAY=${formatIpv4(m.gateway)} `;
        if (!nested) s += `[${dumpIpv4(m.inner, logflags, true, 0)}] `;
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

/** nf_log_ip_packet(): one LOG line (without the syslog level). */
export function logLine(t: LogTarget, p: Ipv4Packet, where: LogWhere, mark: number): string {
  let s = `${t.prefix}IN=${where.in?.name ?? ''} OUT=${where.out?.name ?? ''} `;
  if (where.physIn !== undefined && where.physIn !== where.in) s += `PHYSIN=${where.physIn.name} `;
  if (where.physOut !== undefined && where.physOut !== where.out) s += `PHYSOUT=${where.physOut.name} `;
  if (where.in !== undefined) s += where.in.kind === 'loopback' ? 'MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 ' : macHeader(where.macDst, where.macSrc);
  return s + dumpIpv4(p, t.logflags, false, mark);
}

/** printk's time stamp: "[    5.123456] " */
export function klogStamp(at: number): string {
  const us = Math.floor(at * 1000);
  const sec = Math.floor(us / 1_000_000);
  return `[${String(sec).padStart(5, ' ')}.${String(us % 1_000_000).padStart(6, '0')}] `;
}

