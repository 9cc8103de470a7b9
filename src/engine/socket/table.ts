import { registerSoftState } from '../rollback/softstate';
import type { Ipv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import type { World } from '../world';
import type { IpProto, Ipv4Packet } from '../wire/ipv4';

/**
 * The sockets of one namespace, keyed the way the kernel's socket hashes are: by protocol and local
 * port, then local address, then (for a connected socket) the remote address and port.
 *
 * Local delivery asks `lookup()` with the packet's addresses: a socket connected to exactly the
 * sender wins, then one bound to the destination address, then one bound to any address
 * (INADDR_ANY) — the kernel's compute_score(). A ping socket's "port" is its echo identifier.
 */

/** What a socket learns about a datagram it sent: an ICMP error (IP_RECVERR). */
export interface SockError {
  /** the address the error came from (ee_offender) */
  from: Ipv4;
  icmpType: number;
  icmpCode: number;
  /** the original datagram, as quoted in the ICMP error */
  inner: Ipv4Packet;
  /** ee_info: the next-hop mtu of a "frag needed" */
  mtu?: number;
}

/** A socket as the demultiplexer sees it. Its owner (a program) implements the two callbacks. */
export interface Sock {
  readonly proto: IpProto;
  /** bound local address; 0 is INADDR_ANY */
  laddr: Ipv4;
  /** local port (ICMP: the echo identifier) */
  lport: number;
  /** connected peer; 0 and 0 when not connected (a listener, an unconnected datagram socket) */
  raddr: Ipv4;
  rport: number;
  /** a packet for this socket arrived (on dev) */
  onPacket(pkt: Ipv4Packet, dev: Netdev): void;
  /** an ICMP error about a packet this socket sent */
  onError(err: SockError): void;
  /** the process holding it, as `ss -p` prints it (users:(("nc",pid=633,fd=3))) */
  owner?: SockOwner;
  /** SO_REUSEADDR (sk_reuse) */
  reuseAddr?: boolean;
  /** SO_REUSEPORT (sk_reuseport): sockets that all set it share the port, listeners too */
  reusePort?: boolean;
  /** a TCP socket in LISTEN: SO_REUSEADDR never shares a port with one */
  readonly listening?: boolean;
}

export interface SockOwner {
  comm: string;
  pid: number;
  fd: number;
}

export type BindErrno = 'EADDRINUSE';

const NONE: readonly Sock[] = [];

/** one number per (protocol, port) */
const keyOf = (proto: IpProto, port: number): number => (proto === 'icmp' ? 0 : proto === 'udp' ? 0x10000 : 0x20000) + port;

// undo steps for the rollback journal (module functions: journaling allocates no closure)
const undoAdd = (t: SockTable, sk: Sock): void => t.remove(sk);
const undoRemove = (t: SockTable, s: { sk: Sock; at: number }): void => t.insertAt(s.sk, s.at);

export class SockTable {
  /** sockets by protocol and local port, in the order they were bound (made on first use) */
  #byPort: Map<number, Sock[]> | undefined;
  #count = 0;

  constructor(private readonly world: World) {}

  get size(): number {
    return this.#count;
  }

  /**
   * bind(): take the local port. Refused when another socket of the protocol has it on the same
   * address, or either of them on every address, unless both are connected to different peers or
   * both set SO_REUSEADDR and the other is not listening, or both set SO_REUSEPORT
   * (inet_bind_conflict; for UDP udp_lib_lport_inuse): so a server that sets them (nc -l does)
   * binds again while its last connection is in TIME-WAIT, and a second one binds beside it.
   * (SO_REUSEPORT also asks for the same user: every program here runs as root. Linux hands a
   * packet for the group to one of them by a hash of its flow with a secret; lookup() takes the
   * earliest bound.)
   */
  bind(sk: Sock): BindErrno | undefined {
    const list = this.#byPort?.get(keyOf(sk.proto, sk.lport));
    const conflict = (o: Sock) =>
      (o.laddr === sk.laddr || o.laddr === 0 || sk.laddr === 0) &&
      !(o.raddr !== 0 && sk.raddr !== 0 && (o.raddr !== sk.raddr || o.rport !== sk.rport)) &&
      !(sk.reuseAddr && o.reuseAddr && !o.listening) &&
      !(sk.reusePort && o.reusePort);
    if (list?.some(conflict)) return 'EADDRINUSE';
    this.insert(sk);
    return undefined;
  }

  /** Add a socket without the bind check (an accepted connection shares its listener's port). */
  insert(sk: Sock): void {
    const map = (this.#byPort ??= new Map());
    const key = keyOf(sk.proto, sk.lport);
    const list = map.get(key);
    if (list) list.push(sk);
    else map.set(key, [sk]);
    this.#count++;
    if (this.world.journaling) this.world.journalUndo(undoAdd, this, sk);
  }

  /** close(): the socket leaves the table (nothing when it is not in it). */
  remove(sk: Sock): void {
    const list = this.#byPort?.get(keyOf(sk.proto, sk.lport));
    const at = list ? list.indexOf(sk) : -1;
    if (at < 0) return;
    list!.splice(at, 1);
    this.#count--;
    // inside a probe the emptied list stays: the rollback puts the socket back, and the next probe takes the same port
    if (this.world.journaling) this.world.journalUndo(undoRemove, this, { sk, at });
    else if (list!.length === 0) this.#byPort!.delete(keyOf(sk.proto, sk.lport));
  }

  /** Put a socket back where it was (undoing a remove inside a rollback). */
  insertAt(sk: Sock, at: number): void {
    const map = (this.#byPort ??= new Map());
    const key = keyOf(sk.proto, sk.lport);
    const list = map.get(key);
    if (list) list.splice(at, 0, sk);
    else map.set(key, [sk]);
    this.#count++;
  }

  /**
   * The socket a packet from saddr:sport to daddr:dport belongs to: the best score wins, the
   * earliest bound among equals.
   */
  lookup(proto: IpProto, saddr: Ipv4, sport: number, daddr: Ipv4, dport: number): Sock | undefined {
    if (this.#count === 0) return undefined;
    const list = this.#byPort!.get(keyOf(proto, dport));
    if (list === undefined || list.length === 0) return undefined;
    let best: Sock | undefined;
    let bestScore = -1;
    for (const sk of list) {
      let score = 0;
      if (sk.laddr !== 0) {
        if (sk.laddr !== daddr) continue;
        score += 2;
      }
      if (sk.raddr !== 0) {
        if (sk.raddr !== saddr || sk.rport !== sport) continue;
        score += 4;
      }
      if (score > bestScore) {
        best = sk;
        bestScore = score;
      }
    }
    return best;
  }

  /** The sockets of a protocol on a local port, in bind order (for choosing a free port). */
  onPort(proto: IpProto, port: number): readonly Sock[] {
    return this.#byPort?.get(keyOf(proto, port)) ?? NONE;
  }

  /** Every socket, in port order then bind order (for `ss` and for tests). */
  all(): Sock[] {
    if (this.#count === 0) return [];
    return [...this.#byPort!.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, l]) => l);
  }
}

/**
 * The socket that sent the datagram an ICMP error quotes: the quoted packet went from us (its
 * source) to the peer (its destination), so the lookup is the quoted tuple reversed
 * (__udp4_lib_err(), ping_err(), tcp_v4_err()).
 */
export function sockForError(t: SockTable, inner: Ipv4Packet): Sock | undefined {
  switch (inner.proto) {
    case 'icmp': {
      const m = inner.icmp;
      return m.type === 8 ? t.lookup('icmp', inner.dst, 0, inner.src, m.id) : undefined;
    }
    case 'udp':
      return t.lookup('udp', inner.dst, inner.udp.dport, inner.src, inner.udp.sport);
    case 'tcp':
      return t.lookup('tcp', inner.dst, inner.tcp.dport, inner.src, inner.tcp.sport);
  }
}

// the table journals its own changes (insert/remove above): only the digest is registered
registerSoftState<never, never>({
  name: 'sockets',
  netnsDigest: (ns) => ns.sockets.all().map((s) => [s.proto, s.laddr, s.lport, s.raddr, s.rport]),
});
