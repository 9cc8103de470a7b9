/**
 * Local delivery by protocol (ip_local_deliver_finish): UDP and TCP find their socket in the
 * namespace's socket table; with none, UDP answers ICMP port unreachable and TCP a reset
 * (tcp_v4_send_reset), both traced as NO_SOCKET.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { parseIpv4, type Ipv4 } from '../addr/ipv4';
import { ipRouteOutput } from '../fib/frontend';
import type { Sock, SockError } from '../socket/table';
import { fillPayload, textPayload, payloadText, EMPTY_PAYLOAD } from '../wire/payload';
import { tcpPacket, type Ipv4Packet } from '../wire/ipv4';
import { TCP_FLAG } from '../wire/tcp';
import { World } from '../world';
import { ipLocalOut } from './output';
import { sockClose, udpBind, udpSendmsg } from './udp';
import { twoHosts } from '../../commands/testLab';

const A = parseIpv4('10.0.0.1')!;
const B = parseIpv4('10.0.0.2')!;


/** A socket that records what reaches it. */
function recorder(proto: Sock['proto'], lport: number, laddr = 0 as Ipv4): Sock & { got: Ipv4Packet[]; errors: SockError[] } {
  const got: Ipv4Packet[] = [];
  const errors: SockError[] = [];
  return { proto, laddr, lport, raddr: 0 as Ipv4, rport: 0, got, errors, onPacket: (p) => got.push(p), onError: (e) => errors.push(e) };
}

describe('UDP delivery', () => {
  it('a datagram reaches the socket bound to its port, with its bytes', () => {
    const w = twoHosts('a', 'b');
    const server = recorder('udp', 5353);
    expect(udpBind(w.netns('b')!, server)).toBeUndefined();
    const client = recorder('udp', 0);
    expect(udpBind(w.netns('a')!, client)).toBeUndefined();
    // an ephemeral port of net.ipv4.ip_local_port_range (32768-60999), drawn from the world's generator
    expect(client.lport).toBeGreaterThanOrEqual(32768);
    expect(client.lport).toBeLessThanOrEqual(60999);
    expect(udpSendmsg(w.netns('a')!, client, B, 5353, textPayload('hello'), { ttl: 64 })).toBeUndefined();
    w.advance(1000);
    expect(server.got).toHaveLength(1);
    const d = server.got[0].udp!;
    expect([d.sport, d.dport, payloadText(d.payload)]).toEqual([client.lport, 5353, 'hello']);
    expect(client.errors).toEqual([]);
  });

  it('no socket on the port: ICMP port unreachable back to the sender, traced NO_SOCKET', () => {
    const w = twoHosts('a', 'b');
    const client = recorder('udp', 0);
    udpBind(w.netns('a')!, client);
    w.drainTrace();
    udpSendmsg(w.netns('a')!, client, B, 9999, fillPayload(10), { ttl: 64 });
    w.advance(1000);
    expect(client.errors.map((e) => [e.icmpType, e.icmpCode, e.from])).toEqual([[3, 3, B]]);
    const drop = w.drainTrace().find((e) => e.verdict === 'NO_SOCKET');
    expect(drop?.netns).toBe('b');
    expect(drop?.text).toContain('nothing listens on UDP port 9999');
  });

  it('a socket bound to another address of the host does not get it; one bound to any does', () => {
    const w = twoHosts('a', 'b');
    runCommand(w, 'b', 'ip addr add 10.0.0.3/24 dev eth0');
    const b = w.netns('b')!;
    const other = recorder('udp', 7000, parseIpv4('10.0.0.3')!);
    const any = recorder('udp', 7000);
    expect(udpBind(b, other)).toBeUndefined();
    expect(udpBind(b, any)).toBe('EADDRINUSE');
    sockClose(b, other);
    expect(udpBind(b, any)).toBeUndefined();
    expect(udpBind(b, other)).toBe('EADDRINUSE');
  });
});

describe('TCP demultiplexing', () => {
  function sendSegment(w: World, flags: number, seq: number, ack: number, len = 0) {
    const a = w.netns('a')!;
    const rt = ipRouteOutput(a, B, {});
    if (!rt.ok) throw new Error('no route');
    ipLocalOut(a, tcpPacket(w.nextPid(), A, B, 64, w.nextIpId(), { sport: 43210, dport: 80, seq, ack, flags, window: 64240, payload: len ? fillPayload(len) : EMPTY_PAYLOAD }), rt.rt);
    w.advance(1000);
  }

  it('a SYN to a closed port is answered with RST|ACK acknowledging the SYN', () => {
    const w = twoHosts('a', 'b');
    const client = recorder('tcp', 43210);
    w.netns('a')!.sockets.insert(client);
    sendSegment(w, TCP_FLAG.SYN, 1000, 0);
    expect(client.got).toHaveLength(1);
    const rst = client.got[0].tcp!;
    expect([rst.flags, rst.seq, rst.ack, rst.sport, rst.dport]).toEqual([TCP_FLAG.RST | TCP_FLAG.ACK, 0, 1001, 80, 43210]);
  });

  it('a segment with ACK is answered with a bare RST from its ack number', () => {
    const w = twoHosts('a', 'b');
    const client = recorder('tcp', 43210);
    w.netns('a')!.sockets.insert(client);
    sendSegment(w, TCP_FLAG.ACK | TCP_FLAG.PSH, 5000, 777, 20);
    const rst = client.got[0].tcp!;
    expect([rst.flags, rst.seq]).toEqual([TCP_FLAG.RST, 777]);
  });

  it('a reset to a closed port is dropped without an answer', () => {
    const w = twoHosts('a', 'b');
    const client = recorder('tcp', 43210);
    w.netns('a')!.sockets.insert(client);
    w.drainTrace();
    sendSegment(w, TCP_FLAG.RST, 1, 0);
    expect(client.got).toEqual([]);
    expect(w.drainTrace().filter((e) => e.verdict === 'NO_SOCKET').map((e) => e.text)).toEqual(['b: nothing listens on TCP port 80 → reset dropped']);
  });

  it('a listener gets the SYN; a connected socket wins over it for its own peer', () => {
    const w = twoHosts('a', 'b');
    const b = w.netns('b')!;
    const listener = recorder('tcp', 80);
    const established = { ...recorder('tcp', 80), raddr: A, rport: 43210 };
    b.sockets.insert(listener);
    sendSegment(w, TCP_FLAG.SYN, 1, 0);
    expect(listener.got).toHaveLength(1);
    b.sockets.insert(established);
    sendSegment(w, TCP_FLAG.ACK, 2, 1);
    expect(established.got).toHaveLength(1);
    expect(listener.got).toHaveLength(1);
  });
});
