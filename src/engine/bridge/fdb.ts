import { registerSoftState } from '../rollback/softstate';
import type { Mac } from '../addr/mac';
import type { Bridge, FdbEntry, Netdev } from '../netns/netdev';

/** The bridge forwarding database (br_fdb.c): learn, find with ageing, flush per port. */

export function brFdbInsertLocal(br: Bridge, port: Netdev, mac: Mac): void {
  br.fdb.set(mac, { mac, port, local: true, isStatic: false, updated: 0 });
}

// undo steps for the rollback journal (module functions: journaling allocates no closure)
const undoUpdated = (e: FdbEntry, was: number): void => {
  e.updated = was;
};
const undoSet = (br: Bridge, e: FdbEntry): void => void br.fdb.set(e.mac, e);
const undoAdd = (br: Bridge, mac: Mac): void => void br.fdb.delete(mac);
const undoTable = (br: Bridge, before: Map<Mac, FdbEntry>): void => {
  br.fdb = before;
};

/** br_fdb_update(): learn (or refresh) where a source address lives; local entries never move. */
export function brFdbLearn(br: Bridge, port: Netdev, mac: Mac, now: number): 'learned' | 'refreshed' | 'local' {
  const e = br.fdb.get(mac);
  if (e?.local) return 'local';
  const w = br.netns.world;
  // an entry past its ageing time is gone (br_fdb_cleanup runs as entries expire): learn afresh
  if (e && e.port === port && now - e.updated <= br.ageingTime * 1000) {
    if (w.journaling) w.journalUndo(undoUpdated, e, e.updated);
    e.updated = now;
    return 'refreshed';
  }
  // a moved address is replaced in place; a new one is appended (and removed again on undo)
  if (w.journaling) {
    if (e) w.journalUndo(undoSet, br, e);
    else w.journalUndo(undoAdd, br, mac);
  }
  br.fdb.set(mac, { mac, port, local: false, isStatic: e?.isStatic ?? false, updated: now });
  return 'learned';
}

/** br_fdb_find() with has_expired(): an aged-out entry counts as absent (and is removed). */
export function brFdbFind(br: Bridge, mac: Mac, now: number): FdbEntry | undefined {
  const e = br.fdb.get(mac);
  if (!e) return undefined;
  if (!e.local && !e.isStatic && now - e.updated > br.ageingTime * 1000) {
    const w = br.netns.world;
    // deleting reorders the map on undo: keep the whole table as it was instead
    if (w.journaling) w.journalUndo(undoTable, br, new Map(br.fdb));
    br.fdb.delete(mac);
    return undefined;
  }
  return e;
}

export type BrFdbState = 'permanent' | 'static' | 'reachable';

/**
 * br_fdb_add() for a port (`bridge fdb add|append|replace MAC dev PORT master [permanent|static|dynamic]`):
 * a permanent entry is local (frames to it go up to the bridge), a static one never ages, a dynamic
 * one is as if learned now. An address the bridge already has is refused on add (EEXIST), moved
 * and changed on append and replace.
 */
export function brFdbAdd(br: Bridge, port: Netdev, mac: Mac, state: BrFdbState, exclusive: boolean): 'EEXIST' | undefined {
  if (exclusive && br.fdb.has(mac)) return 'EEXIST';
  const w = br.netns.world;
  if (w.journaling) w.journalUndo(undoTable, br, new Map(br.fdb));
  br.fdb.set(mac, { mac, port, local: state === 'permanent', isStatic: state === 'static', updated: w.now });
  return undefined;
}

/** br_fdb_delete(): the entry for the address on that port (ENOENT when the address is elsewhere or absent). */
export function brFdbDelete(br: Bridge, port: Netdev, mac: Mac): 'ENOENT' | undefined {
  const e = br.fdb.get(mac);
  if (e === undefined || e.port !== port) return 'ENOENT';
  const w = br.netns.world;
  if (w.journaling) w.journalUndo(undoTable, br, new Map(br.fdb));
  br.fdb.delete(mac);
  return undefined;
}

/** br_fdb_delete_by_port(): forget what was learned on a port (and its local entry when it leaves). */
export function brFdbDeletePort(br: Bridge, port: Netdev, includeLocal: boolean): void {
  for (const [mac, e] of br.fdb) {
    if (e.port !== port) continue;
    if (e.local && !includeLocal) continue;
    br.fdb.delete(mac);
  }
}

// FDB changes journal themselves one by one (journalUndo above): only the digest is registered
registerSoftState<never, never>({
  name: 'fdb',
  netnsDigest: (ns) => ns.devList().flatMap((d) => (d.kind === 'bridge' ? [...d.fdb.values()].map((e) => [d.name, e.mac, e.port.name, e.local, e.isStatic, e.updated]) : [])),
});
