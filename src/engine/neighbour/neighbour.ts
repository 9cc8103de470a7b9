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

/** The neighbour table of one namespace, keyed by device and address. */
export class NeighTable {
  private readonly entries = new Map<string, Neighbour>();

  private static key(dev: Netdev, ip: Ipv4): string {
    return `${dev.ifindex}/${ip}`;
  }

  get(dev: Netdev, ip: Ipv4): Neighbour | undefined {
    return this.entries.get(NeighTable.key(dev, ip));
  }

  create(dev: Netdev, ip: Ipv4, now: number): Neighbour {
    const n: Neighbour = { ip, dev, state: 'FAILED', probes: 0, timerGen: 0, confirmed: now, updated: now, queue: [] };
    this.entries.set(NeighTable.key(dev, ip), n);
    return n;
  }

  delete(n: Neighbour): void {
    this.entries.delete(NeighTable.key(n.dev, n.ip));
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

  save(): { obj: Neighbour; fields: Neighbour }[] {
    return this.all().map((n) => ({ obj: n, fields: { ...n, queue: [...n.queue] } }));
  }

  /** Put the saved entries back as they were; entries created since are dropped with their timers. */
  restore(saved: { obj: Neighbour; fields: Neighbour }[]): void {
    const keep = new Set(saved.map((s) => s.obj));
    for (const n of this.entries.values()) if (!keep.has(n)) n.timerGen += 1_000_000;
    this.entries.clear();
    for (const s of saved) {
      Object.assign(s.obj, s.fields);
      this.entries.set(NeighTable.key(s.obj.dev, s.obj.ip), s.obj);
    }
  }

  /** Entries must follow a device that changes ifindex on a netns move. */
  rekey(): void {
    const list = this.all();
    this.entries.clear();
    for (const n of list) this.entries.set(NeighTable.key(n.dev, n.ip), n);
  }
}
