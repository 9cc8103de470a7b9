import { formatIpv4 } from '../addr/ipv4';
import { describeArp } from './arp';
import type { Frame } from './ethernet';
import { icmpKind, icmpName, isEcho } from './icmp';
import { describePacket, ipTotalLength, type Ipv4Packet } from './ipv4';
import { payloadMessage } from './payload';
import { formatTcpOptions, tcpFlagLetters, TCP_FLAG } from './tcp';
import type { VxlanMessage } from './vxlan';
import { dnsView, type DnsDatagram, type DnsView } from './dns';

/**
 * What a packet looked like at one hop, as plain strings and numbers: what trace events carry to
 * the store, the inspector, tcpdump and the canvas (which never see engine objects).
 */
export interface PacketView {
  eth?: { src: string; dst: string; type: 'IPv4' | 'ARP' };
  arp?: { op: 'request' | 'reply'; senderIp: string; senderMac: string; targetIp: string; targetMac: string };
  ip?: { src: string; dst: string; ttl: number; proto: ProtoName; len?: number; id?: number };
  icmp?: {
    type: number;
    code: number;
    /** the message's name ("echo request", "port unreachable") */
    name: string;
    /** a short label for lists ("echo request", "unreachable") */
    kind?: string;
    id?: number;
    seq?: number;
    /** the next-hop MTU a "fragmentation needed" carries */
    mtu?: number;
    /** the datagram an ICMP error quotes */
    inner?: { src: string; dst: string; proto: ProtoName; udp?: { sport: number; dport: number }; tcp?: { sport: number; dport: number } };
  };
  udp?: { sport: number; dport: number };
  tcp?: { sport: number; dport: number; flags: string; seq: number; ack?: number; win: number; len: number; opts?: string; http?: string };
  /** a frame carried inside this packet (VXLAN) */
  vxlan?: { vni: number; inner: PacketView };
  /** the DNS message a UDP datagram or a TCP segment carries, decoded */
  dns?: DnsView;
}

export type ProtoName = 'ICMP' | 'UDP' | 'TCP';

const PROTO_NAME = { icmp: 'ICMP', udp: 'UDP', tcp: 'TCP' } as const satisfies Record<Ipv4Packet['proto'], ProtoName>;

/** The ports of a quoted or carried datagram. */
const ports = (q: Ipv4Packet) => (q.udp ? { udp: { sport: q.udp.sport, dport: q.udp.dport } } : q.tcp ? { tcp: { sport: q.tcp.sport, dport: q.tcp.dport } } : {});

export function ipView(p: Ipv4Packet): PacketView {
  const v: PacketView = { ip: { src: formatIpv4(p.src), dst: formatIpv4(p.dst), ttl: p.ttl, proto: PROTO_NAME[p.proto], len: ipTotalLength(p), id: p.id } };
  switch (p.proto) {
    case 'icmp': {
      const m = p.icmp;
      v.icmp = { type: m.type, code: m.code, name: icmpName(m.type, m.code), kind: icmpKind(m.type, m.code) };
      if (isEcho(m)) {
        v.icmp.id = m.id;
        v.icmp.seq = m.seq;
      } else {
        const q = m.inner;
        if (m.type !== 5 && m.mtu !== undefined) v.icmp.mtu = m.mtu;
        v.icmp.inner = { src: formatIpv4(q.src), dst: formatIpv4(q.dst), proto: PROTO_NAME[q.proto], ...ports(q) };
      }
      break;
    }
    case 'udp': {
      v.udp = { sport: p.udp.sport, dport: p.udp.dport };
      const vx = payloadMessage<VxlanMessage>(p.udp.payload, 'vxlan');
      if (vx) v.vxlan = { vni: vx.vni, inner: frameView(vx.frame) };
      const dns = payloadMessage<DnsDatagram>(p.udp.payload, 'dns');
      if (dns) v.dns = dnsView(dns.msg, dns.tcp);
      break;
    }
    case 'tcp': {
      const s = p.tcp;
      v.tcp = { sport: s.sport, dport: s.dport, flags: tcpFlagLetters(s.flags), seq: s.seq, ack: s.flags & TCP_FLAG.ACK ? s.ack : undefined, win: s.window, len: s.payload.len };
      if (s.opts) v.tcp.opts = formatTcpOptions(s.opts);
      // tcpdump decodes ports 80 and 8080 as HTTP: it shows the first line of the data
      if ((s.sport === 80 || s.dport === 80 || s.sport === 8080 || s.dport === 8080) && s.payload.data instanceof Uint8Array) v.tcp.http = firstLine(s.payload.data);
      const dns = payloadMessage<DnsDatagram>(s.payload, 'dns');
      if (dns) v.dns = dnsView(dns.msg, true);
      break;
    }
  }
  return v;
}

export function frameView(f: Frame): PacketView {
  const v: PacketView = f.ip ? ipView(f.ip) : {};
  v.eth = { src: f.src, dst: f.dst, type: f.arp ? 'ARP' : 'IPv4' };
  if (f.arp) {
    v.arp = { op: f.arp.op, senderIp: formatIpv4(f.arp.sip), senderMac: f.arp.sha, targetIp: formatIpv4(f.arp.tip), targetMac: f.arp.tha };
  }
  return v;
}

/** The trace's words for a frame: its ARP message or its packet. */
export const describeFrame = (f: Frame): string => (f.arp ? describeArp(f.arp) : describePacket(f.ip!));

/** The first line of a segment's data (without its line ending), or '' when it has none. */
function firstLine(data: Uint8Array): string {
  const n = data.indexOf(10);
  if (n < 0) return '';
  return new TextDecoder().decode(data.subarray(0, n > 0 && data[n - 1] === 13 ? n - 1 : n));
}
