import { registerSoftState } from '../rollback/softstate';
import type { Ipv4 } from '../addr/ipv4';
import type { Mac } from '../addr/mac';
import type { Netdev } from '../netns/netdev';

/**
 * Neighbour (ARP) entries and their NUD states, spelled as `ip neigh` prints them.
 * Read include/uapi/linux/neighbour.h and net/core/neighbour.c for the state machine:
 * INCOMPLETE --reply--> REACHABLE --reachable_time--> STALE --used--> DELAY --delay_probe_time--> PROBE;
 * INCOMPLETE/PROBE --no answer after max probes--> FAILED.
 */
export type NudState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'PERMANENT' | 'NOARP';

/** NUD_VALID: the entry has a usable link-layer address (every state but INCOMPLETE and FAILED). */
export const nudValid = (state: NudState): boolean => state !== 'INCOMPLETE' && state !== 'FAILED';

/** ARP parameters (net.ipv4.neigh.default.*), in ms where they are times. */
export const ARP_PARMS = {
  retransTime: 1000,
  baseReachableTime: 30000,
  delayProbeTime: 5000,
  ucastProbes: 3,
  mcastProbes: 3,
  appProbes: 0,
  mcastReprobes: 0,
  gcStaleTime: 60000,
};

export interface QueuedPacket {
  /** re-sends the packet once the neighbour is resolved, or reports the failure */
  resolved(mac: Mac): void;
  failed(): void;
}

export interface Neighbour {
  ip: Ipv4;
  dev: Netdev;
  state: NudState;
  mac?: Mac;
  probes: number;
  /** time the current timer fires (virtual ms), or undefined */
  timerAt?: number;
  /** bumps each time a timer is armed, so stale timer events are ignored */
  timerGen: number;
  confirmed: number;
  updated: number;
  queue: QueuedPacket[];
  /** source address for ARP probes (arp_solicit) */
  probeSrc?: Ipv4;
  /** NTF_ROUTER, as `ip neigh add … router` sets it (shown by ip neigh) */
  router: boolean;
}

/**
 * Every field of a neighbour except the queue, written out (faster than spread/assign on the
 * rollback path), and only where it differs: most fields did not change, and a write to an old
 * object costs a GC write barrier. A field added to Neighbour must be added here and in snapshot().
 */
function copyNeigh(to: Neighbour, from: Neighbour): void {
  if (to.ip !== from.ip) to.ip = from.ip;
  if (to.dev !== from.dev) to.dev = from.dev;
  if (to.state !== from.state) to.state = from.state;
  if (to.mac !== from.mac) to.mac = from.mac;
  if (to.probes !== from.probes) to.probes = from.probes;
  if (to.timerAt !== from.timerAt) to.timerAt = from.timerAt;
  if (to.timerGen !== from.timerGen) to.timerGen = from.timerGen;
  if (to.confirmed !== from.confirmed) to.confirmed = from.confirmed;
  if (to.updated !== from.updated) to.updated = from.updated;
  if (to.probeSrc !== from.probeSrc) to.probeSrc = from.probeSrc;
  if (to.router !== from.router) to.router = from.router;
}

/** A copy of every field, the queue copied too. */
const snapshot = (n: Neighbour): Neighbour => ({
  ip: n.ip,
  dev: n.dev,
  state: n.state,
  mac: n.mac,
  probes: n.probes,
  timerAt: n.timerAt,
  timerGen: n.timerGen,
  confirmed: n.confirmed,
  updated: n.updated,
  queue: n.queue.slice(),
  probeSrc: n.probeSrc,
  router: n.router,
});

/**
 * An open rollback log (what save() returns): each entry's fields as they were before the first
 * change after save(), and the listing order once an entry was added or removed.
 */
export interface NeighSave {
  /** made on the first change: a probe that only reads neighbours allocates nothing here */
  fields: Map<Neighbour, Neighbour> | null;
  order: Neighbour[] | null;
  prev: NeighSave | null;
}

/** The neighbour table of one namespace, keyed by device and address. */
export class NeighTable {
  /** insertion order (what `ip neigh` lists), by "ifindex/ip" (made on first use) */
  #entries: Map<string, Neighbour> | undefined;

  private get entries(): Map<string, Neighbour> {
    return (this.#entries ??= new Map());
  }
  /** the same entries by device object and int32 address, for the packet path's lookups (made on first use) */
  private byDev: Map<Netdev, Map<number, Neighbour>> | null = null;
  /** while a rollback is open: what to put back (entries are logged by touch() before they change) */
  private log: NeighSave | null = null;

  private static key(dev: Netdev, ip: Ipv4): string {
    return `${dev.ifindex}/${ip}`;
  }

  get(dev: Netdev, ip: Ipv4): Neighbour | undefined {
    return this.byDev?.get(dev)?.get(ip | 0);
  }

  /**
   * The caller is about to change n: inside a rollback, log it first. Every write to an entry
   * (its fields or its queue) must be preceded by touch(); reads need nothing.
   */
  touch(n: Neighbour): void {
    const log = this.log;
    if (log === null) return;
    const fields = (log.fields ??= new Map());
    if (!fields.has(n)) fields.set(n, snapshot(n));
  }

  private reshaping(): void {
    if (this.log !== null && this.log.order === null) this.log.order = this.#entries ? [...this.#entries.values()] : [];
  }

  create(dev: Netdev, ip: Ipv4, now: number): Neighbour {
    this.reshaping();
    // every field present from the start (one object shape for all entries)
    const n: Neighbour = { ip, dev, state: 'FAILED', mac: undefined, probes: 0, timerAt: undefined, timerGen: 0, confirmed: now, updated: now, queue: [], probeSrc: undefined, router: false };
    this.entries.set(NeighTable.key(dev, ip), n);
    this.index(n);
    return n;
  }

  private index(n: Neighbour): void {
    this.byDev ??= new Map();
    let m = this.byDev.get(n.dev);
    if (!m) {
      m = new Map();
      this.byDev.set(n.dev, m);
    }
    m.set(n.ip | 0, n);
  }

  delete(n: Neighbour): void {
    const key = NeighTable.key(n.dev, n.ip);
    this.touch(n);
    if (this.entries.get(key) === n) {
      this.reshaping();
      this.entries.delete(key);
      const m = this.byDev?.get(n.dev);
      if (m?.get(n.ip | 0) === n) {
        m.delete(n.ip | 0);
        if (m.size === 0) this.byDev!.delete(n.dev);
      }
    }
    n.timerGen++;
  }

  /** All entries in insertion order (the kernel's hash order is random; `ip neigh` output is compared sorted). */
  all(): Neighbour[] {
    return this.#entries === undefined ? [] : [...this.#entries.values()];
  }

  /** neigh_ifdown(): a device going down or away forgets its neighbours. */
  flushDev(dev: Netdev): Neighbour[] {
    const gone = this.all().filter((n) => n.dev === dev);
    for (const n of gone) this.delete(n);
    return gone;
  }

  /** Open a rollback: from now on every entry handed out is logged before it can change. */
  save(): NeighSave {
    this.log = { fields: null, order: null, prev: this.log };
    return this.log;
  }

  /** Put the logged entries back as they were; entries created since are dropped with their timers. */
  restore(saved: NeighSave): void {
    if (saved.fields !== null) {
      for (const [obj, fields] of saved.fields) {
        copyNeigh(obj, fields);
        // the queue was copied when logged: put the copy back only when the entry's queue changed
        if (obj.queue.length !== fields.queue.length || obj.queue.some((q, i) => q !== fields.queue[i])) obj.queue = fields.queue;
      }
    }
    if (saved.order !== null) {
      const keep = new Set(saved.order);
      for (const n of this.entries.values()) if (!keep.has(n)) n.timerGen += 1_000_000;
      this.entries.clear();
      this.byDev?.clear();
      for (const n of saved.order) {
        this.entries.set(NeighTable.key(n.dev, n.ip), n);
        this.index(n);
      }
    }
    this.log = saved.prev;
  }

  /** Entries must follow a device that changes ifindex on a netns move. */
  rekey(): void {
    const list = this.all();
    this.entries.clear();
    for (const n of list) this.entries.set(NeighTable.key(n.dev, n.ip), n);
  }
}

registerSoftState<NeighSave, NeighSave>({
  name: 'neighbours',
  netns: { save: (ns) => ns.neigh.save(), restore: (ns, s) => ns.neigh.restore(s) },
  netnsDigest: (ns) => ns.neigh.all().map((n) => [n.dev.ifindex, n.ip, n.state, n.mac, n.probes, n.updated, n.confirmed, n.timerAt, n.timerGen, n.queue.length, n.probeSrc, n.router]),
});
