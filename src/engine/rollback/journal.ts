import type { Netns } from '../netns/netns';
import type { World } from '../world';
import { netnsStates, worldStates } from './softstate';

/**
 * The rollback journal behind `World.withRollback`: a "what if" (a probe, a matrix cell) runs, then
 * every piece of soft state is put back as it was.
 *
 * Nothing is copied up front but the world-wide states (clock, queue, counters, generator). The
 * packet path calls `willChange(ns)` before it changes a namespace's soft state, and the
 * namespace's registered states are saved then, once per rollback; bridge FDB and socket changes
 * journal themselves one by one (`undo`). So a probe costs what its packets touch, not the size of
 * the lab. Rollbacks nest.
 */

/** A namespace's soft state as it was when a rollback first saw it change. */
interface NsSave {
  ns: Netns;
  /** the namespace's rollback mark before this save (an enclosing rollback's, or 0) */
  mark: number;
  /** one entry per netns state, in registry order */
  saved: unknown[];
}

interface Journal {
  /** marks the namespaces saved in this journal (Netns.rollbackMark), so asking is one comparison */
  id: number;
  saved: NsSave[];
  /** undo steps as flat (fn, a, b) triples, so journaling a change allocates no closure */
  undo: unknown[];
}

/** What begin() saved and end() puts back. */
export interface RollbackPoint {
  /** one entry per world state, in registry order */
  readonly world: unknown[];
  readonly outer: Journal | null;
  /** the journal this rollback opened */
  readonly open: Journal;
}

export class RollbackJournal {
  private journal: Journal | null = null;
  private ids = 0;

  constructor(private readonly w: World) {}

  get active(): boolean {
    return this.journal !== null;
  }

  /** The open rollback's id (0 outside one): state that saves itself once per rollback compares it. */
  get id(): number {
    return this.journal?.id ?? 0;
  }

  begin(): RollbackPoint {
    const world = new Array<unknown>(worldStates.length);
    for (let i = 0; i < worldStates.length; i++) world[i] = worldStates[i].world!.save(this.w);
    const p: RollbackPoint = { world, outer: this.journal, open: { id: ++this.ids, saved: [], undo: [] } };
    this.journal = p.open;
    return p;
  }

  /** Put back everything since begin(p); call exactly once, in a finally. */
  end(p: RollbackPoint): void {
    const journal = p.open;
    this.journal = p.outer;
    for (let i = 0; i < worldStates.length; i++) worldStates[i].world!.restore(this.w, p.world[i]);
    const undo = journal.undo;
    for (let i = undo.length - 3; i >= 0; i -= 3) (undo[i] as (a: unknown, b: unknown) => void)(undo[i + 1], undo[i + 2]);
    for (let i = journal.saved.length - 1; i >= 0; i--) {
      const s = journal.saved[i];
      for (let k = netnsStates.length - 1; k >= 0; k--) netnsStates[k].netns!.restore(s.ns, s.saved[k]);
      s.ns.rollbackMark = s.mark;
    }
  }

  /** Soft state of ns is about to change: inside a rollback, save it first (once per rollback). */
  willChange(ns: Netns): void {
    const j = this.journal;
    if (j === null || ns.rollbackMark === j.id) return;
    const saved = new Array<unknown>(netnsStates.length);
    for (let i = 0; i < netnsStates.length; i++) saved[i] = netnsStates[i].netns!.save(ns);
    j.saved.push({ ns, mark: ns.rollbackMark, saved });
    ns.rollbackMark = j.id;
  }

  /** Inside a rollback: remember how to undo one change, as fn(a, b) (undone last-first). */
  undo<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void {
    this.journal?.undo.push(fn, a, b);
  }
}
