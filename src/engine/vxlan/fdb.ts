import { MAC_ZERO, macBytes, type Mac } from '../addr/mac';
import type { Ipv4 } from '../addr/ipv4';
import { KernelError } from '../fib/route';
import type { Netns } from '../netns/netns';
import type { Vxlan } from '../netns/netdev';
import { registerSoftState } from '../rollback/softstate';

/**
 * The vxlan device's forwarding database (vxlan_core.c's vxlan_fdb_*): inner MAC → the remote
 * VTEPs a frame for it is sent to. The all-zeros MAC is the default entry (`remote` or `group`, or
 * `bridge fdb append 00:00:00:00:00:00 … dst A` for head-end replication to several remotes);
 * other entries are added by hand or learned from what arrives (`learning`), and learned ones age.
 *
 * Entries are kept in the order the kernel's fdb_list lists them: each new one at the head, so
 * `bridge fdb show` prints the newest first; a changed entry keeps its place.
 */

/** struct vxlan_rdst: one destination of an entry (port and vni default to the device's) */
export interface VxlanRdst {
  readonly ip: Ipv4;
  readonly port: number;
  readonly vni: number;
  /** the underlay device it is sent out of (`via DEV`, or the device's `dev` for the default entry); 0: any */
  readonly ifindex: number;
}

/** NUD states an FDB entry can be in, as `bridge fdb` prints them */
export type VxlanFdbState = 'permanent' | 'static' | 'reachable';

export interface VxlanFdbEntry {
  readonly mac: Mac;
  remotes: VxlanRdst[];
  state: VxlanFdbState;
  /** virtual ms of the last change or refresh (what ageing counts from) */
  updated: number;
}

export interface VxlanFdb {
  /** oldest first (Map order); listings reverse it */
  entries: Map<Mac, VxlanFdbEntry>;
}

/** NLM_F_* of the RTM_NEWNEIGH that `bridge fdb add|append|replace` sends */
export type FdbUpdate = 'add' | 'append' | 'replace';

const isMulticastMac = (mac: Mac): boolean => (macBytes(mac)[0] & 1) === 1;
const isGroupOrZero = (mac: Mac): boolean => mac === MAC_ZERO || isMulticastMac(mac);
const sameRdst = (a: VxlanRdst, b: VxlanRdst): boolean => a.ip === b.ip && a.port === b.port && a.vni === b.vni && a.ifindex === b.ifindex;

/** A learned entry is gone once it is older than the device's ageing time (vxlan_cleanup()). */
const expired = (dev: Vxlan, e: VxlanFdbEntry, now: number): boolean => e.state === 'reachable' && dev.cfg.ageing > 0 && now - e.updated >= dev.cfg.ageing * 1000;

/** The entries as `bridge fdb show` lists them: newest first, aged ones left out. */
export function vxlanFdbList(dev: Vxlan): VxlanFdbEntry[] {
  const now = dev.netns.world.now;
  return [...dev.fdb.entries.values()].filter((e) => !expired(dev, e, now)).reverse();
}

/** vxlan_find_mac(): the live entry for a MAC. */
export function vxlanFdbFind(dev: Vxlan, mac: Mac): VxlanFdbEntry | undefined {
  const e = dev.fdb.entries.get(mac);
  return e && !expired(dev, e, dev.netns.world.now) ? e : undefined;
}

/** The destination a device's own config makes (vxlan_fdb_create()'s defaults). */
export const defaultRdst = (dev: Vxlan, ip: Ipv4, ifindex: number): VxlanRdst => ({ ip, port: dev.cfg.dstPort, vni: dev.cfg.vni, ifindex });

function insert(dev: Vxlan, mac: Mac, rd: VxlanRdst, state: VxlanFdbState): void {
  const fdb = dev.fdb;
  // vxlan_fdb_create(): maxaddress counts every entry
  if (dev.cfg.maxAddr && fdb.entries.size >= dev.cfg.maxAddr) throw new KernelError('ENOSPC');
  fdb.entries.delete(mac);
  fdb.entries.set(mac, { mac, remotes: [rd], state, updated: dev.netns.world.now });
}

/** vxlan_fdb_insert() at newlink: `remote A` / `group G` as the default entry, through `dev`. */
export function vxlanFdbInsertDefault(dev: Vxlan): void {
  insert(dev, MAC_ZERO, defaultRdst(dev, dev.cfg.remote, dev.cfg.link), 'permanent');
}

/**
 * vxlan_fdb_update() for `bridge fdb add|append|replace MAC dev DEV dst A` (ndo_fdb_add):
 * `add` refuses an entry that exists; `append` adds a destination to the default or a multicast
 * entry (a unicast entry keeps its one); `replace` changes a unicast entry's first destination.
 */
export function vxlanFdbUpdate(dev: Vxlan, mac: Mac, rd: VxlanRdst, state: VxlanFdbState, how: FdbUpdate): void {
  const ns = dev.netns;
  const e = vxlanFdbFind(dev, mac);
  if (!e) {
    if (how === 'replace' && isGroupOrZero(mac)) throw new KernelError('EOPNOTSUPP');
    insert(dev, mac, rd, state);
    ns.world.touch();
    return;
  }
  if (how === 'add') throw new KernelError('EEXIST');
  if (how === 'replace') {
    if (isGroupOrZero(mac)) throw new KernelError('EOPNOTSUPP', 'Cannot replace non-unicast fdb entries');
    e.remotes = [rd, ...e.remotes.slice(1)];
  }
  if (how === 'append' && isGroupOrZero(mac) && !e.remotes.some((r) => sameRdst(r, rd))) e.remotes = [...e.remotes, rd];
  e.state = state;
  e.updated = ns.world.now;
  ns.world.touch();
}

/**
 * vxlan_fdb_delete(): one destination of an entry (`dst A` given; the entry goes with its last),
 * or the whole entry.
 */
export function vxlanFdbDelete(dev: Vxlan, mac: Mac, dst: Ipv4 | undefined): void {
  const e = vxlanFdbFind(dev, mac);
  if (!e) throw new KernelError('ENOENT');
  if (dst !== undefined && dst !== 0) {
    // __vxlan_fdb_delete(): a destination the entry does not have is success, and nothing changes
    const rest = e.remotes.filter((r) => r.ip !== dst);
    if (rest.length === e.remotes.length) return;
    if (rest.length > 0) {
      e.remotes = rest;
      dev.netns.world.touch();
      return;
    }
  }
  dev.fdb.entries.delete(mac);
  dev.netns.world.touch();
}

/** vxlan_flush(): learned entries go (all of them with `all`), the default one stays. */
export function vxlanFdbFlush(dev: Vxlan, all: boolean): void {
  for (const e of [...dev.fdb.entries.values()]) {
    if (e.mac === MAC_ZERO) continue;
    if (all || e.state === 'reachable') dev.fdb.entries.delete(e.mac);
  }
}

/**
 * vxlan_snoop(): the inner source MAC of a received frame is behind the VTEP that sent it. A new
 * MAC is learned, a known one refreshed or moved to the new VTEP; a static entry never moves, and
 * a frame contradicting it is dropped (returns true).
 */
export function vxlanSnoop(dev: Vxlan, mac: Mac, from: Ipv4): { drop: boolean; learned: boolean } {
  const ns = dev.netns;
  const now = ns.world.now;
  const e = vxlanFdbFind(dev, mac);
  if (e) {
    const rd = e.remotes[0];
    if (rd.ip === from && rd.ifindex === 0) {
      if (e.state === 'reachable' && e.updated !== now) {
        ns.world.willChange(ns);
        e.updated = now;
      }
      return { drop: false, learned: false };
    }
    if (e.state !== 'reachable') return { drop: true, learned: false };
    ns.world.willChange(ns);
    e.remotes = [{ ...rd, ip: from }];
    e.updated = now;
    return { drop: false, learned: true };
  }
  ns.world.willChange(ns);
  try {
    insert(dev, mac, defaultRdst(dev, from, 0), 'reachable');
  } catch (err) {
    if (!(err instanceof KernelError)) throw err;
    return { drop: false, learned: false };
  }
  return { drop: false, learned: true };
}

type Saved = [Vxlan, VxlanFdbEntry[]][];
const NONE: Saved = [];
const vxlansOf = (ns: Netns): Vxlan[] => ns.devList().filter((d): d is Vxlan & typeof d => d.kind === 'vxlan');

registerSoftState<never, Saved>({
  name: 'vxlan fdb',
  netns: {
    save: (ns) => {
      const devs = vxlansOf(ns);
      return devs.length ? devs.map((d) => [d, [...d.fdb.entries.values()].map((e) => ({ ...e }))]) : NONE;
    },
    restore: (_ns, saved) => {
      for (const [d, entries] of saved) d.fdb.entries = new Map(entries.map((e) => [e.mac, e]));
    },
  },
  netnsDigest: (ns) => vxlansOf(ns).map((d) => [d.name, [...d.fdb.entries.values()]]),
});
