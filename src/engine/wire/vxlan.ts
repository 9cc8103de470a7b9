import { frameLength, type Frame } from './ethernet';
import type { AppMessage } from './payload';

/**
 * VXLAN (RFC 7348): an Ethernet frame carried in a UDP datagram to port 4789, behind an 8-byte
 * header naming the segment (VNI). The inner frame is a whole frame, traced like any other.
 */
export interface VxlanMessage extends AppMessage {
  readonly app: 'vxlan';
  readonly vni: number;
  readonly frame: Frame;
}

export const VXLAN_PORT = 4789;
export const VXLAN_HEADER = 8;

export const vxlanMessage = (vni: number, frame: Frame): VxlanMessage => ({ app: 'vxlan', len: VXLAN_HEADER + frameLength(frame), vni, frame });

/** tcpdump's VXLAN line (print-vxlan.c); the inner frame follows on the next line. */
export const formatVxlan = (vni: number): string => `VXLAN, flags [I] (0x08), vni ${vni}`;
