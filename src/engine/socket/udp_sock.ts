/**
 * A UDP socket as a program holds it (net/ipv4/udp.c, datagram.c): bind, connect, sendto,
 * recvfrom, and the pending error a connected socket reports after an ICMP error.
 *
 * Datagrams wait in the receive queue until the program reads them; whoever reads (a task, or a
 * server's event loop) is the `waker`, woken when a datagram or an error arrives. Everything a
 * packet changes here is journaled, so a probe's rollback leaves the socket as it was.
 */
import { isLocal, ipRouteOutput } from '../fib/frontend';
import type { Ipv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import type { Waker } from '../proc/task';
import { udpBind, udpSendmsg } from '../ipv4/udp';
import type { Ipv4Packet } from '../wire/ipv4';
import type { Payload } from '../wire/payload';
import { icmpErrno, type SockErrno } from './errno';
import type { Sock, SockError, SockOwner } from './table';

/** One datagram as recvfrom() returns it. */
export interface Datagram {
  from: Ipv4;
  port: number;
  /** the address it was sent to (IP_PKTINFO) */
  to: Ipv4;
  payload: Payload;
  dev: Netdev;
}

interface UdpSaved {
  q: Datagram[];
  err: SockErrno | null;
}

const restore = (sk: UdpSock, s: UdpSaved): void => {
  sk.recvQ = s.q;
  sk.err = s.err;
};

export class UdpSock implements Sock {
  readonly proto = 'udp';
  laddr = 0 as Ipv4;
  lport = 0;
  raddr = 0 as Ipv4;
  rport = 0;
  recvQ: Datagram[] = [];
  /** sk_err: a hard ICMP error on a connected socket, reported (and cleared) by the next call */
  err: SockErrno | null = null;
  waker: Waker | null = null;
  owner?: SockOwner;
  reuseAddr?: boolean;
  reusePort?: boolean;
  bound = false;

  constructor(readonly ns: Netns) {}

  private save(): void {
    const w = this.ns.world;
    if (w.journaling) w.journalUndo(restore, this, { q: this.recvQ.slice(), err: this.err });
  }

  /** bind(addr, port): port 0 picks an ephemeral one. */
  bind(addr: Ipv4, port: number): SockErrno | undefined {
    if (this.bound) return 'EINVAL';
    if (addr !== 0 && !isLocal(this.ns, addr)) return 'EADDRNOTAVAIL';
    this.laddr = addr;
    this.lport = port;
    const e = udpBind(this.ns, this);
    if (e) return e;
    this.bound = true;
    return undefined;
  }

  /**
   * connect() (ip4_datagram_connect): fixes the peer, takes the route's source as the local
   * address when unbound, and binds an ephemeral port. No packet is sent.
   */
  connect(daddr: Ipv4, dport: number, oif?: Netdev): SockErrno | undefined {
    const r = ipRouteOutput(this.ns, daddr, { saddr: this.laddr !== 0 ? this.laddr : undefined, oif });
    if (!r.ok) return r.errno === 'EHOSTUNREACH' || r.errno === 'ENETUNREACH' || r.errno === 'EACCES' || r.errno === 'EINVAL' ? r.errno : 'ENETUNREACH';
    if (!this.bound) {
      const e = this.bind(0 as Ipv4, 0);
      if (e) return e;
    }
    // rehash under the connected key: leave the table and come back with the peer set
    this.ns.sockets.remove(this);
    if (this.laddr === 0) this.laddr = r.rt.src;
    this.raddr = daddr;
    this.rport = dport;
    this.ns.sockets.insert(this);
    return undefined;
  }

  /** sendto() (or send() on a connected socket): one datagram, routed now. */
  sendto(payload: Payload, daddr = this.raddr, dport = this.rport, opts: { ttl?: number; oif?: Netdev } = {}): SockErrno | undefined {
    if (this.err) {
      const e = this.err;
      this.save();
      this.err = null;
      return e;
    }
    if (!this.bound) {
      const e = this.bind(0 as Ipv4, 0);
      if (e) return e;
    }
    const ttl = opts.ttl ?? Number(this.ns.sysctl.get('net.ipv4.ip_default_ttl') ?? 64);
    const e = udpSendmsg(this.ns, this, daddr, dport, payload, { ttl, oif: opts.oif });
    return e === undefined ? undefined : e === 'EHOSTUNREACH' || e === 'ENETUNREACH' || e === 'EACCES' || e === 'EINVAL' ? e : 'ENETUNREACH';
  }

  /** recvfrom(): the next datagram, the pending error, or undefined (would block). */
  recv(): Datagram | SockErrno | undefined {
    if (this.err) {
      const e = this.err;
      this.save();
      this.err = null;
      return e;
    }
    if (this.recvQ.length === 0) return undefined;
    this.save();
    return this.recvQ.shift();
  }

  close(): void {
    this.ns.sockets.remove(this);
    this.waker = null;
  }

  onPacket(pkt: Ipv4Packet, dev: Netdev): void {
    const d = pkt.udp;
    if (!d) return;
    this.save();
    this.recvQ.push({ from: pkt.src, port: d.sport, to: pkt.dst, payload: d.payload, dev });
    this.waker?.wake();
  }

  /** __udp4_lib_err(): only a connected socket hears of a hard error (without IP_RECVERR). */
  onError(e: SockError): void {
    const { errno, fatal } = icmpErrno(e.icmpType, e.icmpCode);
    if (!fatal || this.raddr === 0) return;
    this.save();
    this.err = errno;
    this.waker?.wake();
  }
}

/** socket(AF_INET, SOCK_DGRAM, 0) in a namespace. */
export const udpSocket = (ns: Netns, waker: Waker | null = null): UdpSock => {
  const sk = new UdpSock(ns);
  sk.waker = waker;
  return sk;
};
