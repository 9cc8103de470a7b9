import { formatIpv4 } from '../addr/ipv4';
import type { PacketView } from '../sim/trace';
import type { FibRoute } from '../fib/route';
import { formatRoute } from '../fib/format';
import type { Frame, Ipv4Packet } from './packet';

/** Human words and inspector views for packets, shared by every trace event. */

export function icmpName(type: number, code: number): string {
  switch (type) {
    case 0:
      return 'echo reply';
    case 8:
      return 'echo request';
    case 11:
      return 'time exceeded in-transit';
    case 5:
      return 'redirect';
    case 3:
      return (
        ({ 0: 'net unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable', 4: 'need to frag', 13: 'packet filtered' } as Record<number, string>)[code] ??
        `unreachable code ${code}`
      );
    default:
      return `type ${type}`;
  }
}

export function describePacket(p: Ipv4Packet): string {
  const what =
    p.proto === 'udp'
      ? `UDP ${p.udp!.sport} → ${p.udp!.dport}`
      : `ICMP ${icmpName(p.icmp!.type, p.icmp!.code)}${p.icmp!.type === 0 || p.icmp!.type === 8 ? ` seq ${p.icmp!.seq}` : ''}`;
  return `${what} ${formatIpv4(p.src)} → ${formatIpv4(p.dst)} (ttl ${p.ttl})`;
}

export function ipView(p: Ipv4Packet): PacketView {
  const v: PacketView = { ip: { src: formatIpv4(p.src), dst: formatIpv4(p.dst), ttl: p.ttl, proto: p.proto === 'udp' ? 'UDP' : 'ICMP' } };
  if (p.icmp) {
    const m = p.icmp;
    v.icmp = { type: m.type, code: m.code, name: icmpName(m.type, m.code) };
    if (m.type === 0 || m.type === 8) {
      v.icmp.id = m.id;
      v.icmp.seq = m.seq;
    }
  }
  if (p.udp) v.udp = { sport: p.udp.sport, dport: p.udp.dport };
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

export function describeFrame(f: Frame): string {
  if (f.arp) {
    return f.arp.op === 'request'
      ? `ARP who-has ${formatIpv4(f.arp.tip)} tell ${formatIpv4(f.arp.sip)}`
      : `ARP ${formatIpv4(f.arp.sip)} is-at ${f.arp.sha}`;
  }
  return describePacket(f.ip!);
}

export const routeText = (r: FibRoute): string => formatRoute(r, { showTable: r.table !== 254 }).trim();
