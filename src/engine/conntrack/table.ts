/**
 * The conntrack table of one namespace (nf_conntrack_hash): every confirmed connection, found by
 * either of its tuples. Entries die when their timeout passes; nothing schedules that: a lookup,
 * a listing or a count that meets an expired entry removes it first (as the kernel's gc and
 * nf_ct_is_expired do), so no flow outlives its timeout on the virtual clock.
 */
import type { Netns } from '../netns/netns';
import { registerSoftState } from '../rollback/softstate';
import { cloneConn, IP_CT_DIR, tupleKey, type Conn, type CtDir, type Tuple } from './conn';
import { ctEvent } from './events';
import { ctStatInc } from './stats';

interface Hit {
  ct: Conn;
  dir: CtDir;
}

export class CtTable {
  private readonly byTuple = new Map<string, Hit>();
  /** confirmed connections in the order they were confirmed (the listing's order) */
  private readonly conns = new Map<number, Conn>();
  constructor(readonly ns: Netns) {}

  private alive(ct: Conn): boolean {
    if (ct.expires > this.ns.world.now) return true;
    // inside a probe the clock goes back afterwards, and the entry with it
    ctWillChange(this.ns);
    this.remove(ct);
    return false;
  }

  /** When the next entry expires (a listener of events wakes then to report its end). */
  nextExpiry(): number {
    let t = Infinity;
    for (const ct of this.conns.values()) if (ct.expires < t) t = ct.expires;
    return t;
  }

  /** nf_conntrack_find_get(): the live connection with this tuple, and in which direction it matched. */
  find(t: Tuple): Hit | undefined {
    const h = this.byTuple.get(tupleKey(t));
    if (h === undefined || !this.alive(h.ct)) return undefined;
    return h;
  }

  /** nf_conntrack_tuple_taken(): is this tuple some other live connection's? */
  taken(t: Tuple, except: Conn): boolean {
    const h = this.find(t);
    if (h === undefined || h.ct === except) return false;
    ctStatInc(this.ns, 'found');
    return true;
  }

  /** __nf_conntrack_confirm(): put a new connection in the table under both tuples. */
  insert(ct: Conn): void {
    ctEvent(this.ns, 'NEW', ct);
    this.put(ct);
  }

  private put(ct: Conn): void {
    ct.confirmed = true;
    this.conns.set(ct.id, ct);
    this.byTuple.set(tupleKey(ct.orig), { ct, dir: IP_CT_DIR.ORIGINAL });
    this.byTuple.set(tupleKey(ct.reply), { ct, dir: IP_CT_DIR.REPLY });
  }

  /** Take an entry out; `portid`: the conntrack process that deleted it (the event says so). */
  remove(ct: Conn, portid?: number): void {
    if (!this.conns.delete(ct.id)) return;
    ctEvent(this.ns, 'DESTROY', ct, portid);
    const o = tupleKey(ct.orig);
    const r = tupleKey(ct.reply);
    if (this.byTuple.get(o)?.ct === ct) this.byTuple.delete(o);
    if (this.byTuple.get(r)?.ct === ct) this.byTuple.delete(r);
  }

  /** The live connections, oldest first. */
  list(): Conn[] {
    return [...this.conns.values()].filter((ct) => this.alive(ct));
  }

  get count(): number {
    return this.list().length;
  }

  flush(portid?: number): number {
    const live = this.list();
    for (const ct of live) this.remove(ct, portid);
    return live.length;
  }

  /** Everything, copied (connections are changed in place by packets). */
  save(): Conn[] {
    return [...this.conns.values()].map(cloneConn);
  }

  restore(saved: Conn[]): void {
    this.conns.clear();
    this.byTuple.clear();
    for (const ct of saved) this.put(cloneConn(ct));
  }
}

const tables = new WeakMap<Netns, CtTable>();

/** The namespace's conntrack table (made on first use). */
export function ctTable(ns: Netns): CtTable {
  let t = tables.get(ns);
  if (t === undefined) {
    t = new CtTable(ns);
    tables.set(ns, t);
  }
  return t;
}

export const ctTableIfAny = (ns: Netns): CtTable | undefined => tables.get(ns);

/** The table is about to change: inside a probe's rollback, the namespace's soft state is saved first. */
export function ctWillChange(ns: Netns): void {
  ns.world.willChange(ns);
}

const NONE: Conn[] = [];

// a probe's connections go with its rollback; the fuzz oracle compares worlds by their tables
registerSoftState<never, Conn[]>({
  name: 'conntrack',
  netns: {
    save: (ns) => tables.get(ns)?.save() ?? NONE,
    restore: (ns, saved) => {
      const t = tables.get(ns);
      if (t !== undefined || saved.length) ctTable(ns).restore(saved);
    },
  },
  netnsDigest: (ns) => (tables.get(ns)?.list() ?? NONE).map((ct) => [tupleKey(ct.orig), tupleKey(ct.reply), ct.status, ct.expires, ct.mark]),
});
