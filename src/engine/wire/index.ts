/** Packets and frames as the engine carries them, and the one formatter per protocol. */
export { ETH_HLEN, ETH_P, arpFrame, ipFrame, frameLength, type Frame } from './ethernet';
export { ARP_LEN, describeArp, type ArpMessage } from './arp';
export { IPV4_HEADER, IPPROTO, icmpPacket, udpPacket, tcpPacket, withTtl, withAddrs, ipTotalLength, describePacket, type Ipv4Packet, type IcmpPacket, type UdpPacket, type TcpPacket, type IpProto } from './ipv4';
export { ICMP, ICMP_UNREACH, ICMP_EXC, ICMP_REDIR, ICMP_HEADER, icmpName, icmpKind, icmpErrorText, formatIcmpView, isEcho, type IcmpMessage, type IcmpEcho, type IcmpError, type IcmpRedirect } from './icmp';
export { UDP_HEADER, describeUdp, type UdpDatagram } from './udp';
export { TCP_FLAG, TCP_HEADER, tcpFlagLetters, tcpSeqLength, formatTcpView, formatTcpOptions, describeTcp, type TcpSegment, type TcpOptions } from './tcp';
export { VXLAN_PORT, VXLAN_HEADER, vxlanMessage, formatVxlan, type VxlanMessage } from './vxlan';
export { EMPTY_PAYLOAD, fillPayload, bytesPayload, textPayload, messagePayload, payloadText, payloadMessage, type Payload, type AppMessage } from './payload';
export { ipView, frameView, describeFrame, type PacketView, type ProtoName } from './view';
export { dnsDatagram, describeDns, type DnsDatagram, type DnsMessage } from './dns';
