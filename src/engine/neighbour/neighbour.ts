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

export const NUD_VALID: ReadonlySet<NudState> = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT', 'NOARP']);

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
}

/** What save() returns: the entries and their fields, and the table's structure version. */
export interface NeighSave {
  version: number;
  entries: { obj: Neighbour; fields: Neighbour }[];
}

/** The neighbour table of one namespace, keyed by device and address. */
export class NeighTable {
  /** insertion order (what `ip neigh` lists), by "ifindex/ip" */
  private readonly entries = new Map<string, Neighbour>();
  /** the same entries by device object and int32 address, for the packet path's lookups (made on first use) */
  private byDev: Map<Netdev, Map<number, Neighbour>> | null = null;
  /** bumps when an entry is added or removed (restore skips the rebuild when nothing was) */
  private version = 0;

  private static key(dev: Netdev, ip: Ipv4): string {
    return `${dev.ifindex}/${ip}`;
  }

  get(dev: Netdev, ip: Ipv4): Neighbour | undefined {
    return this.byDev?.get(dev)?.get(ip | 0);
  }

  create(dev: Netdev, ip: Ipv4, now: number): Neighbour {
    const n: Neighbour = { ip, dev, state: 'FAILED', probes: 0, timerGen: 0, confirmed: now, updated: now, queue: [] };
    this.entries.set(NeighTable.key(dev, ip), n);
    this.index(n);
    this.version++;
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
    if (this.entries.get(key) === n) {
      this.entries.delete(key);
      const m = this.byDev?.get(n.dev);
      if (m?.get(n.ip | 0) === n) {
        m.delete(n.ip | 0);
        if (m.size === 0) this.byDev!.delete(n.dev);
      }
      this.version++;
    }
    n.timerGen++;
  }

  /** All entries in insertion order (the kernel's hash order is random; `ip neigh` output is compared sorted). */
  all(): Neighbour[] {
    return [...this.entries.values()];
  }

  /** neigh_ifdown(): a device going down or away forgets its neighbours. */
  flushDev(dev: Netdev): Neighbour[] {
    const gone = this.all().filter((n) => n.dev === dev);
    for (const n of gone) this.delete(n);
    return gone;
  }

  save(): NeighSave {
    const entries: NeighSave['entries'] = [];
    for (const n of this.entries.values()) entries.push({ obj: n, fields: { ...n, queue: [...n.queue] } });
    return { version: this.version, entries };
  }

  /** Put the saved entries back as they were; entries created since are dropped with their timers. */
  restore(saved: NeighSave): void {
    for (const s of saved.entries) Object.assign(s.obj, s.fields);
    if (saved.version === this.version) return;
    const keep = new Set(saved.entries.map((s) => s.obj));
    for (const n of this.entries.values()) if (!keep.has(n)) n.timerGen += 1_000_000;
    this.entries.clear();
    this.byDev?.clear();
    for (const s of saved.entries) {
      this.entries.set(NeighTable.key(s.obj.dev, s.obj.ip), s.obj);
      this.index(s.obj);
    }
    this.version = saved.version;
  }

  /** Entries must follow a device that changes ifindex on a netns move. */
  rekey(): void {
    const list = this.all();
    this.entries.clear();
    for (const n of list) this.entries.set(NeighTable.key(n.dev, n.ip), n);
  }
}
