/**
 * TCP between two namespaces on a link: the handshake, data both ways, FIN in both directions,
 * TIME_WAIT on the side that closed first, resets for closed ports and unread data, SYN
 * retransmissions on the virtual clock, and probes that leave no trace.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { parseIpv4 } from '../addr/ipv4';
import { softStateDigest } from '../rollback/softstate';
import type { World } from '../world';
import { twoHosts as twoHostsOn } from '../../commands/testLab';
import { tcpSocket, type Chunk, type TcpSock } from './sock';

const A = parseIpv4('10.0.0.1')!;
const B = parseIpv4('10.0.0.2')!;
const ANY = parseIpv4('0.0.0.0')!;

const twoHosts = (): World => twoHostsOn('a', 'b');

const text = (chunks: Chunk[] | null | string | undefined): string => (Array.isArray(chunks) ? chunks.map((c) => new TextDecoder().decode(c as Uint8Array)).join('') : String(chunks));

function listener(w: World, port = 80): TcpSock {
  const l = tcpSocket(w.netns('b')!);
  expect(l.bind(ANY, port)).toBeUndefined();
  expect(l.listen(1)).toBeUndefined();
  return l;
}

/** A connection from a to b:80, accepted: the client and the server's socket. */
function connected(w: World): { c: TcpSock; s: TcpSock } {
  const l = listener(w);
  const c = tcpSocket(w.netns('a')!);
  c.connect(B, 80);
  w.advance(10);
  return { c, s: l.accept()! };
}

describe('TCP', () => {
  it('handshake, data both ways, close: TIME_WAIT on the active closer, the passive side gone', () => {
    const w = twoHosts();
    const l = listener(w);
    const c = tcpSocket(w.netns('a')!);
    expect(c.connect(B, 80)).toBeUndefined();
    expect(c.state).toBe('SYN_SENT');
    expect(c.lport).toBeGreaterThanOrEqual(32768);
    expect(c.lport % 2).toBe(0);
    w.advance(10);
    expect(c.state).toBe('ESTABLISHED');
    const s = l.accept()!;
    expect(s.state).toBe('ESTABLISHED');
    expect([s.raddr, s.rport]).toEqual([A, c.lport]);
    c.send(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    w.advance(10);
    expect(text(s.recv() as Chunk[])).toBe('GET / HTTP/1.1\r\n\r\n');
    s.send(new TextEncoder().encode('hello'));
    w.advance(10);
    expect(text(c.recv() as Chunk[])).toBe('hello');
    c.close();
    w.advance(10);
    // the peer's ACK of our FIN waits (delayed ACK) for its program to answer
    expect(c.state).toBe('FIN_WAIT1');
    w.advance(40);
    expect(c.state).toBe('FIN_WAIT2');
    expect(s.state).toBe('CLOSE_WAIT');
    expect(s.recv()).toBeNull();
    s.close();
    w.advance(10);
    expect(c.state).toBe('TIME_WAIT');
    expect(s.state).toBe('CLOSED');
    w.advance(60_000);
    expect(c.state).toBe('CLOSED');
    expect(w.netns('a')!.sockets.size).toBe(0);
    expect(w.netns('b')!.sockets.size).toBe(1);
  });

  it('a large write goes out in MSS-sized segments and arrives whole', () => {
    const w = twoHosts();
    const { c, s } = connected(w);
    const big = new Uint8Array(10_000).map((_, i) => i & 0xff);
    c.send(big);
    expect(c.mss).toBe(1448);
    w.advance(50);
    const got = s.recv() as Chunk[];
    const all = new Uint8Array(got.reduce((n, x) => n + (x as Uint8Array).length, 0));
    let at = 0;
    for (const x of got) {
      all.set(x as Uint8Array, at);
      at += (x as Uint8Array).length;
    }
    expect(all).toEqual(big);
    expect(got.length).toBe(Math.ceil(10_000 / 1448));
    expect(c.sendQueued).toBe(0);
  });

  it('a closed port answers with a reset: ECONNREFUSED', () => {
    const w = twoHosts();
    const c = tcpSocket(w.netns('a')!);
    c.connect(B, 81);
    w.advance(10);
    expect(c.state).toBe('CLOSED');
    expect(c.takeError()).toBe('ECONNREFUSED');
  });

  it('a dropped SYN is sent again at 1, 3, 7, … s and the connect times out after tcp_syn_retries', () => {
    const w = twoHosts();
    expect(runCommand(w, 'b', 'ip link set eth0 down').exit).toBe(0);
    expect(runCommand(w, 'a', 'sysctl -qw net.ipv4.tcp_syn_retries=2').exit).toBe(0);
    // a permanent neighbour, so no ARP failure ends it first
    expect(runCommand(w, 'a', 'ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev eth0').exit).toBe(0);
    const c = tcpSocket(w.netns('a')!);
    w.tracing = true;
    const t0 = w.now;
    c.connect(B, 80);
    w.advance(6_999);
    expect(c.state).toBe('SYN_SENT');
    const syns = w.drainTrace().filter((e) => e.verdict === 'XMIT' && e.packet?.tcp?.flags === 'S').map((e) => Math.round(e.time - t0));
    expect(syns).toEqual([0, 1000, 3000]);
    w.advance(2);
    expect(c.state).toBe('CLOSED');
    expect(c.takeError()).toBe('ETIMEDOUT');
  });

  it('closing with unread data sends a reset: the peer sees ECONNRESET', () => {
    const w = twoHosts();
    const { c, s } = connected(w);
    c.send(new Uint8Array([1, 2, 3]));
    w.advance(10);
    s.close();
    w.advance(10);
    expect(c.state).toBe('CLOSED');
    expect(c.recv()).toBe('ECONNRESET');
  });

  it('a connection made inside a probe leaves no trace', () => {
    const w = twoHosts();
    const l = listener(w);
    w.advance(1);
    const before = softStateDigest(w);
    w.withRollback(() => {
      const c = tcpSocket(w.netns('a')!);
      c.connect(B, 80);
      w.advance(10);
      expect(l.acceptQ.length).toBe(1);
      c.send(new Uint8Array([1]));
      w.advance(10);
    });
    expect(l.acceptQ.length).toBe(0);
    expect(softStateDigest(w)).toBe(before);
    // and the real connection afterwards takes the same port the probe drew
    const c = tcpSocket(w.netns('a')!);
    c.connect(B, 80);
    w.advance(10);
    expect(l.accept()?.state).toBe('ESTABLISHED');
  });

  it('consecutive connections to one destination take ports two apart', () => {
    const w = twoHosts();
    listener(w);
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = tcpSocket(w.netns('a')!);
      c.connect(B, 80);
      ports.push(c.lport);
    }
    expect([ports[1] - ports[0], ports[2] - ports[1]]).toEqual([2, 2]);
  });
});
