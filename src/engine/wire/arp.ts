import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import type { Mac } from '../addr/mac';

/** An ARP message for IPv4 over Ethernet (RFC 826). */
export interface ArpMessage {
  op: 'request' | 'reply';
  sha: Mac;
  sip: Ipv4;
  tha: Mac;
  tip: Ipv4;
}

/** The ARP body for Ethernet/IPv4. */
export const ARP_LEN = 28;

/** The words the trace uses: "ARP who-has 10.0.0.2 tell 10.0.0.1", "ARP 10.0.0.2 is-at …". */
export const describeArp = (a: ArpMessage): string =>
  a.op === 'request' ? `ARP who-has ${formatIpv4(a.tip)} tell ${formatIpv4(a.sip)}` : `ARP ${formatIpv4(a.sip)} is-at ${a.sha}`;
