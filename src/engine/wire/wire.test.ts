/** The wire layer: lengths as Linux puts them on the wire, views, and each protocol's words. */
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../addr/ipv4';
import type { Mac } from '../addr/mac';
import { ipFrame, frameLength } from './ethernet';
import { formatIcmpView, icmpErrorText, icmpKind, icmpName } from './icmp';
import { describePacket, icmpPacket, ipTotalLength, tcpPacket, udpPacket } from './ipv4';
import { fillPayload, payloadMessage, payloadText, textPayload, messagePayload, type AppMessage } from './payload';
import { formatTcpView, TCP_FLAG, tcpFlagLetters, tcpSeqLength } from './tcp';
import { ipView } from './view';
import { vxlanMessage, type VxlanMessage } from './vxlan';

const A = parseIpv4('10.0.0.1')!;
const B = parseIpv4('10.0.0.2')!;
const MAC1 = '02:00:00:00:00:01' as Mac;
const MAC2 = '02:00:00:00:00:02' as Mac;

describe('lengths', () => {
  it('ping, traceroute and the errors that quote them', () => {
    const echo = icmpPacket(1, A, B, 64, 1, { type: 8, code: 0, id: 7, seq: 1, payloadLen: 56 });
    expect(ipTotalLength(echo)).toBe(84);
    const probe = udpPacket(2, A, B, 1, 2, { sport: 40001, dport: 33434, payload: fillPayload(32) });
    expect(ipTotalLength(probe)).toBe(60);
    expect(ipTotalLength(icmpPacket(3, B, A, 64, 3, { type: 3, code: 3, inner: probe }))).toBe(20 + 8 + 60);
    // an error quotes at most 576 bytes of datagram in all
    const big = icmpPacket(4, A, B, 64, 4, { type: 8, code: 0, id: 7, seq: 2, payloadLen: 1400 });
    expect(ipTotalLength(icmpPacket(5, B, A, 64, 5, { type: 11, code: 0, inner: big }))).toBe(576);
    expect(frameLength(ipFrame(1, MAC1, MAC2, echo))).toBe(98);
  });

  it('a TCP segment takes sequence space for its data, SYN and FIN', () => {
    const seg = { sport: 1, dport: 2, seq: 0, ack: 0, flags: TCP_FLAG.SYN | TCP_FLAG.FIN, window: 0, payload: fillPayload(5) };
    expect(tcpSeqLength(seg)).toBe(7);
    expect(ipTotalLength(tcpPacket(1, A, B, 64, 1, seg))).toBe(45);
  });
});

describe('payloads', () => {
  it('carry text as bytes, and structured messages by their tag', () => {
    const p = textPayload('GET / HTTP/1.1\r\n\r\n');
    expect(p.len).toBe(18);
    expect(payloadText(p)).toBe('GET / HTTP/1.1\r\n\r\n');
    interface Hello extends AppMessage {
      app: 'hello';
      name: string;
    }
    const m = messagePayload({ app: 'hello', len: 12, name: 'x' } as Hello);
    expect(payloadMessage<Hello>(m, 'hello')?.name).toBe('x');
    expect(payloadMessage<VxlanMessage>(m, 'vxlan')).toBeUndefined();
    expect(payloadText(m)).toBeUndefined();
  });

  it('VXLAN carries a whole frame, shown inside the outer packet', () => {
    const inner = ipFrame(9, MAC1, MAC2, icmpPacket(9, A, B, 64, 9, { type: 8, code: 0, id: 1, seq: 1, payloadLen: 56 }));
    const outer = udpPacket(10, parseIpv4('192.168.1.11')!, parseIpv4('192.168.1.12')!, 64, 10, { sport: 50000, dport: 4789, payload: messagePayload(vxlanMessage(42, inner)) });
    expect(ipTotalLength(outer)).toBe(20 + 8 + 8 + 98);
    const v = ipView(outer);
    expect(v.vxlan?.vni).toBe(42);
    expect(v.vxlan?.inner.icmp?.name).toBe('echo request');
    expect(v.vxlan?.inner.eth?.src).toBe(MAC1);
  });
});

describe('names and formatters', () => {
  it('ICMP is named in one place, in each audience’s words', () => {
    expect([icmpName(3, 3), icmpKind(3, 3), icmpErrorText(3, 3)]).toEqual(['port unreachable', 'unreachable', 'Destination Port Unreachable']);
    expect([icmpName(11, 0), icmpKind(11, 0), icmpErrorText(11, 0)]).toEqual(['time exceeded in-transit', 'time exceeded', 'Time to live exceeded']);
    expect(icmpErrorText(3, 4)).toBe('Frag needed and DF set');
    expect(icmpErrorText(3, 12)).toBe('Dest Unreachable, Bad Code: 12');
  });

  it('tcpdump lines for ICMP errors name the quoted destination and port', () => {
    const probe = udpPacket(2, A, B, 1, 2, { sport: 40001, dport: 33434, payload: fillPayload(32) });
    const err = icmpPacket(3, B, A, 64, 3, { type: 3, code: 3, inner: probe });
    expect(formatIcmpView(ipView(err), 68)).toBe('ICMP 10.0.0.2 udp port 33434 unreachable, length 68');
    const syn = tcpPacket(4, A, B, 64, 4, { sport: 43210, dport: 80, seq: 1, ack: 0, flags: TCP_FLAG.SYN, window: 64240, payload: fillPayload(0) });
    expect(formatIcmpView(ipView(icmpPacket(5, B, A, 64, 5, { type: 3, code: 3, inner: syn })), 48)).toBe('ICMP 10.0.0.2 tcp port 80 unreachable, length 48');
  });

  it('TCP flags as tcpdump prints them, and the trace’s words', () => {
    expect([TCP_FLAG.SYN, TCP_FLAG.SYN | TCP_FLAG.ACK, TCP_FLAG.PSH | TCP_FLAG.ACK, TCP_FLAG.FIN | TCP_FLAG.ACK, TCP_FLAG.RST, 0].map(tcpFlagLetters)).toEqual(['S', 'S.', 'P.', 'F.', 'R', 'none']);
    const synack = tcpPacket(4, B, A, 64, 4, { sport: 80, dport: 43210, seq: 9, ack: 2, flags: TCP_FLAG.SYN | TCP_FLAG.ACK, window: 65160, payload: fillPayload(0) });
    const v = ipView(synack);
    expect(formatTcpView(v.tcp!)).toBe('Flags [S.], seq 9, ack 2, win 65160, length 0');
    expect(describePacket(synack)).toBe('TCP 80 → 43210 [S.] 10.0.0.2 → 10.0.0.1 (ttl 64)');
  });
});
