import { MAC_BROADCAST, type Mac } from '../addr/mac';
import { ARP_LEN, type ArpMessage } from './arp';
import { ipTotalLength, type Ipv4Packet } from './ipv4';

/**
 * An Ethernet frame: an ARP message or an IPv4 packet behind a 14-byte header. `pid` follows one
 * packet through the trace (a forwarded packet keeps it). Frames and packets are never changed once
 * made: a hop that rewrites one (TTL, NAT) makes a new one, so a trace can keep what it saw.
 */
export interface Frame {
  pid: number;
  src: Mac;
  dst: Mac;
  arp: ArpMessage | undefined;
  ip: Ipv4Packet | undefined;
}

export const ETH_HLEN = 14;
/** ETH_P_IP / ETH_P_ARP */
export const ETH_P = { IP: 0x0800, ARP: 0x0806 } as const;

/** Every frame is made here with both fields, so the packet path meets one object shape. */
export const ipFrame = (pid: number, src: Mac, dst: Mac, ip: Ipv4Packet): Frame => ({ pid, src, dst, arp: undefined, ip });
export const arpFrame = (pid: number, src: Mac, dst: Mac, arp: ArpMessage): Frame => ({ pid, src, dst, arp, ip: undefined });

/** The frame's length without FCS, as `tcpdump -e` prints it. */
export const frameLength = (f: Frame): number => ETH_HLEN + (f.arp ? ARP_LEN : ipTotalLength(f.ip!));

export const isBroadcast = (f: Frame): boolean => f.dst === MAC_BROADCAST;
