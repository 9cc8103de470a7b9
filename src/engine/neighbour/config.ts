import type { Ipv4 } from '../addr/ipv4';
import type { Mac } from '../addr/mac';
import type { Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { nudValid, type Neighbour, type NudState } from './table';

/**
 * Neighbour entries as `ip neigh` manages them (neigh_add() and neigh_delete() in
 * net/core/neighbour.c, the RTM_NEWNEIGH / RTM_DELNEIGH handlers).
 */

export interface NeighConfig {
  state: NudState;
  /** the link-layer address; may be left out to update an entry that already has a valid one */
  mac?: Mac;
  /** NTF_ROUTER */
  router: boolean;
}

/** NLM_F_EXCL (add), NLM_F_REPLACE (replace), neither (change: the entry must exist) */
export type NeighMode = 'add' | 'replace' | 'change';

/** EEXIST for add over an entry, ENOENT for change of none, EINVAL when no link-layer address can be had. */
export type NeighAddErrno = 'EEXIST' | 'ENOENT' | 'EINVAL';

/** The key ARP gives a neighbour on dev: every neighbour of a loopback device is 0.0.0.0 (arp_hashfn on IFF_LOOPBACK). */
export const neighKey = (dev: Netdev, ip: Ipv4): Ipv4 => (dev.ops.loopback ? (0 as Ipv4) : ip);

/** neigh_add(): create or update an entry as `ip neigh add|replace|change` asks. */
export function neighAdd(ns: Netns, dev: Netdev, ip: Ipv4, cfg: NeighConfig, mode: NeighMode): NeighAddErrno | undefined {
  const key = neighKey(dev, ip);
  const old = ns.neigh.get(dev, key);
  if (old && mode === 'add') return 'EEXIST';
  if (!old && mode === 'change') return 'ENOENT';
  // __neigh_update(): without lladdr only an entry that already has a valid address can be updated
  // (a loopback neighbour is NOARP from birth, its address the device's own)
  const mac = cfg.mac ?? (dev.ops.loopback ? dev.mac : undefined);
  if (mac === undefined && !(old && old.mac && nudValid(old.state))) return 'EINVAL';
  ns.world.willChange(ns);
  const n = old ?? ns.neigh.create(dev, key, ns.world.now);
  ns.neigh.touch(n);
  n.state = cfg.state;
  n.mac = mac ?? n.mac;
  n.router = cfg.router;
  // an administratively set entry stops any timer it had
  n.timerGen++;
  ns.world.touch();
  return undefined;
}

/** neigh_delete() (and `ip neigh flush`, one entry at a time). */
export function neighDelete(ns: Netns, n: Neighbour): void {
  ns.world.willChange(ns);
  ns.neigh.delete(n);
  ns.world.touch();
}

/** The entries of ns as a dump lists them (insertion order). */
export const neighDump = (ns: Netns): readonly Neighbour[] => ns.neigh.all();
