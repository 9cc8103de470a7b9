import type { Mac } from '../addr/mac';
import type { Bridge, FdbEntry, Netdev } from '../netns/netdev';

/** The bridge forwarding database (br_fdb.c): learn, find with ageing, flush per port. */

export function brFdbInsertLocal(br: Bridge, port: Netdev, mac: Mac): void {
  br.fdb.set(mac, { mac, port, local: true, updated: 0 });
}

/** br_fdb_update(): learn (or refresh) where a source address lives; local entries never move. */
export function brFdbLearn(br: Bridge, port: Netdev, mac: Mac, now: number): 'learned' | 'refreshed' | 'local' {
  const e = br.fdb.get(mac);
  if (e?.local) return 'local';
  const w = br.netns.world;
  // an entry past its ageing time is gone (br_fdb_cleanup runs as entries expire): learn afresh
  if (e && e.port === port && now - e.updated <= br.ageingTime * 1000) {
    if (w.journaling) {
      const was = e.updated;
      w.journalUndo(() => {
        e.updated = was;
      });
    }
    e.updated = now;
    return 'refreshed';
  }
  // a moved address is replaced in place; a new one is appended (and removed again on undo)
  if (w.journaling) w.journalUndo(e ? () => void br.fdb.set(mac, e) : () => void br.fdb.delete(mac));
  br.fdb.set(mac, { mac, port, local: false, updated: now });
  return 'learned';
}

/** br_fdb_find() with has_expired(): an aged-out entry counts as absent (and is removed). */
export function brFdbFind(br: Bridge, mac: Mac, now: number): FdbEntry | undefined {
  const e = br.fdb.get(mac);
  if (!e) return undefined;
  if (!e.local && now - e.updated > br.ageingTime * 1000) {
    const w = br.netns.world;
    if (w.journaling) {
      // deleting reorders the map on undo: keep the whole table as it was instead
      const before = new Map(br.fdb);
      w.journalUndo(() => {
        br.fdb = before;
      });
    }
    br.fdb.delete(mac);
    return undefined;
  }
  return e;
}

/** br_fdb_delete_by_port(): forget what was learned on a port (and its local entry when it leaves). */
export function brFdbDeletePort(br: Bridge, port: Netdev, includeLocal: boolean): void {
  for (const [mac, e] of br.fdb) {
    if (e.port !== port) continue;
    if (e.local && !includeLocal) continue;
    br.fdb.delete(mac);
  }
}
