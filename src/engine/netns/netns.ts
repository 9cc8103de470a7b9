import type { Ipv4 } from '../addr/ipv4';
import { FibTable } from '../fib/table';
import { RT_TABLE } from '../fib/route';
import { NeighTable } from '../neighbour/table';
import type { Loopback, Netdev } from './netdev';
import { Sysctls } from './sysctl';
import type { World } from '../world';
import { SockTable } from '../socket/table';
import type { NfHookOps } from '../nf/hooks';
import { registerSoftState } from '../rollback/softstate';

export type NetnsRole = 'host' | 'lan';

/** Rate-limit state the kernel keeps per remote address (inet_peer). */
export interface InetPeer {
  tokens: number;
  last: number;
  redirects: number;
}

/** How trace sentences name a namespace: LAN switches by their LAN, not their hidden namespace. */
export const nsLabel = (ns: Netns): string => (ns.role === 'lan' ? `switch ${ns.name.replace(/^__lan_/, '')}` : ns.name);

/** A network namespace: its own devices, FIB, neighbours, sysctls and sockets. */
export class Netns {
  readonly devs = new Map<number, Netdev>();
  readonly byName = new Map<string, Netdev>();
  /** the kernel's per-namespace cyclic ifindex hint */
  private ifindexHint = 1;
  readonly sysctl = new Sysctls();
  readonly local = new FibTable(RT_TABLE.local);
  readonly main = new FibTable(RT_TABLE.main);
  readonly neigh = new NeighTable();
  /** lo, found by what it is (ifindex 1, net->loopback_dev), never by its name: it may be renamed */
  loopback!: Loopback;
  /** netfilter hook entries by hook point; null while nothing is registered (the packet path's fast case) */
  nfHooks: (readonly NfHookOps[] | undefined)[] | null = null;
  // The maps below are made on first use: most namespaces of a large lab never need them, and an
  // empty Map still costs ~200 bytes (10,000 pods: 8 MB).
  #peers: Map<Ipv4, InetPeer> | undefined;
  #redirects: Map<Ipv4, Ipv4> | undefined;
  #redirectExpiry: Map<Ipv4, number> | undefined;
  #nsids: Map<Netns, number> | undefined;
  #sockets: SockTable | undefined;
  hostname: string;
  /**
   * net->ipv4.fib_has_custom_local_routes: someone added a local route (never cleared), so a
   * packet's source is checked by a FIB lookup rather than against the interface addresses
   */
  customLocalRoutes = false;
  /** the id of the innermost open rollback that has saved this namespace (World.willChange), or 0 */
  rollbackMark = 0;

  get peers(): Map<Ipv4, InetPeer> {
    return (this.#peers ??= new Map());
  }

  /** next-hop exceptions learned from ICMP redirects: destination -> new gateway */
  get redirects(): Map<Ipv4, Ipv4> {
    return (this.#redirects ??= new Map());
  }

  /** when each redirect exception expires (ip_rt_gc_timeout after it was learned), virtual ms */
  get redirectExpiry(): Map<Ipv4, number> {
    return (this.#redirectExpiry ??= new Map());
  }

  /** the sockets bound in this namespace */
  get sockets(): SockTable {
    return (this.#sockets ??= new SockTable(this.world));
  }

  /** peer namespace ids (peernet2id): allocated from 0 the first time a link reaches into that namespace */
  get nsids(): Map<Netns, number> {
    return (this.#nsids ??= new Map());
  }

  /** how many inet peers, without making the map */
  get peerCount(): number {
    return this.#peers?.size ?? 0;
  }

  /** how many redirect expiries, without making the map */
  get redirectExpiryCount(): number {
    return this.#redirectExpiry?.size ?? 0;
  }

  /** any redirect exception at all (asked on every route lookup without making the map) */
  get hasRedirects(): boolean {
    return this.#redirects !== undefined && this.#redirects.size > 0;
  }

  constructor(
    readonly world: World,
    readonly name: string,
    readonly role: NetnsRole,
    /** the machine whose `ip netns add` made it (World.machines); undefined for a machine itself and LANs */
    readonly machine?: Netns,
  ) {
    this.hostname = name;
  }

  /** peernet2id_alloc() */
  nsidFor(other: Netns): number {
    let id = this.nsids.get(other);
    if (id === undefined) {
      id = this.nsids.size;
      this.nsids.set(other, id);
    }
    return id;
  }

  devByName(name: string): Netdev | undefined {
    return this.byName.get(name);
  }

  devByIndex(ifindex: number): Netdev | undefined {
    return this.devs.get(ifindex);
  }

  /** Devices in ifindex order, as a link dump returns them. */
  devList(): Netdev[] {
    return [...this.devs.values()].sort((a, b) => a.ifindex - b.ifindex);
  }

  /** dev_index_reserve(): keep the requested index when free, otherwise the next free one after the hint. */
  allocIfindex(want?: number): number {
    if (want !== undefined && !this.devs.has(want)) return want;
    let i = this.ifindexHint;
    while (this.devs.has(i)) i++;
    this.ifindexHint = i + 1;
    return i;
  }

  attach(dev: Netdev, want?: number): void {
    dev.ifindex = this.allocIfindex(want);
    dev.netns = this;
    this.devs.set(dev.ifindex, dev);
    this.byName.set(dev.name, dev);
    this.sysctl.addConf(dev.name);
  }

  detach(dev: Netdev): void {
    this.devs.delete(dev.ifindex);
    this.byName.delete(dev.name);
    this.sysctl.removeConf(dev.name);
  }

  rename(dev: Netdev, to: string): void {
    this.byName.delete(dev.name);
    this.sysctl.renameConf(dev.name, to);
    dev.name = to;
    this.byName.set(to, dev);
  }

  peer(addr: Ipv4, now: number): InetPeer {
    let p = this.peers.get(addr);
    if (!p) {
      // inet_getpeer(): rate_last starts 60 s in the past so the first computation is at its maximum
      p = { tokens: 0, last: now - 60000, redirects: 0 };
      this.peers.set(addr, p);
    }
    return p;
  }

  /** other routing tables (`ip route add … table 100`), created on first use */
  readonly extraTables = new Map<number, FibTable>();

  table(id: number, create = false): FibTable | undefined {
    if (id === RT_TABLE.main) return this.main;
    if (id === RT_TABLE.local) return this.local;
    let t = this.extraTables.get(id);
    if (!t && create) {
      t = new FibTable(id);
      this.extraTables.set(id, t);
    }
    return t;
  }

  /** Every table in id order, as a dump of `table all` walks them. */
  allTables(): FibTable[] {
    return [...this.extraTables.values(), this.main, this.local].sort((a, b) => a.id - b.id);
  }
}

const NONE: never[] = [];
const NO_REDIRECTS = { to: NONE, expiry: NONE };

/** Put a map back to saved entries (in their order); `size` is the map's size, read without making it. */
function restoreMap<K, V>(size: number, m: () => Map<K, V>, saved: readonly (readonly [K, V])[]): void {
  if (size === 0 && saved.length === 0) return;
  const map = m();
  map.clear();
  for (const [k, v] of saved) map.set(k, v);
}

registerSoftState<never, [Ipv4, InetPeer][]>({
  name: 'inet peers',
  netns: {
    save: (ns) => (ns.peerCount ? [...ns.peers].map(([k, v]) => [k, { ...v }]) : NONE),
    restore: (ns, s) => restoreMap(ns.peerCount, () => ns.peers, s),
  },
  netnsDigest: (ns) => (ns.peerCount ? [...ns.peers] : []),
});

registerSoftState<never, { to: [Ipv4, Ipv4][]; expiry: [Ipv4, number][] }>({
  name: 'redirects',
  netns: {
    save: (ns) => (ns.hasRedirects || ns.redirectExpiryCount ? { to: ns.hasRedirects ? [...ns.redirects] : NONE, expiry: ns.redirectExpiryCount ? [...ns.redirectExpiry] : NONE } : NO_REDIRECTS),
    restore: (ns, s) => {
      restoreMap(ns.hasRedirects ? 1 : 0, () => ns.redirects, s.to);
      restoreMap(ns.redirectExpiryCount, () => ns.redirectExpiry, s.expiry);
    },
  },
  netnsDigest: (ns) => ({ to: ns.hasRedirects ? [...ns.redirects] : [], expiry: ns.redirectExpiryCount ? [...ns.redirectExpiry] : [] }),
});
