import type { Netns } from '../netns/netns';
import type { World } from '../world';

/**
 * The soft-state registry: every piece of state a packet can change without a command asking for
 * it (neighbour entries, bridge FDBs, inet peers, redirect exceptions, sockets, the random
 * generator, later connection tracking and VXLAN FDBs) registers here once. A probe's rollback
 * (rollback/journal.ts) saves and restores through this list, and the fuzz oracle compares worlds
 * by its digests, so neither keeps a hand-written list that a new kind of state could miss.
 *
 * A registration says how its state is kept across a rollback, one of:
 * - `world`: saved whole when a rollback opens (small, world-wide: the clock, the generator);
 * - `netns`: saved per namespace the first time a rollback sees that namespace change
 *   (`World.willChange(ns)`), so a probe pays for what its packets touch;
 * - neither: the state journals each change itself (`World.journalUndo`), as the FDB and the
 *   socket table do.
 *
 * Registering is one call at the foot of the module that owns the state:
 *
 *     registerSoftState({ name: 'conntrack', netns: { save, restore }, digest: (ns) => … });
 */
export interface SoftState<W = unknown, N = unknown> {
  /** a name for diffs ("neighbours", "fdb") */
  readonly name: string;
  readonly world?: { save(w: World): W; restore(w: World, saved: W): void };
  readonly netns?: { save(ns: Netns): N; restore(ns: Netns, saved: N): void };
  /** everything of this state that can change behaviour, as plain JSON-able data */
  readonly worldDigest?: (w: World) => unknown;
  readonly netnsDigest?: (ns: Netns) => unknown;
}

const all: SoftState[] = [];
/** the registrations saved when a rollback opens, and those saved per namespace */
export const worldStates: SoftState[] = [];
export const netnsStates: SoftState[] = [];

export function registerSoftState<W, N>(s: SoftState<W, N>): void {
  if (all.some((o) => o.name === s.name)) throw new Error(`soft state "${s.name}" is registered twice`);
  all.push(s as SoftState);
  if (s.world) worldStates.push(s as SoftState);
  if (s.netns) netnsStates.push(s as SoftState);
}

/** Names of the registered states (for tests). */
export const softStateNames = (): string[] => all.map((s) => s.name);

/**
 * Everything a packet can change that the snapshot does not show, as one string: two worlds with
 * the same snapshot and the same digest behave the same from here on.
 */
export function softStateDigest(w: World): string {
  const out: Record<string, unknown> = {};
  for (const s of all) {
    if (s.worldDigest) out[s.name] = s.worldDigest(w);
    if (s.netnsDigest) {
      const per: Record<string, unknown> = {};
      for (const ns of w.allNetns()) per[ns.name] = s.netnsDigest(ns);
      out[`${s.name} (per netns)`] = per;
    }
  }
  return JSON.stringify(out);
}
