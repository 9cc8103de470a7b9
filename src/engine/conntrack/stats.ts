/**
 * The conntrack statistics of a namespace, per CPU (struct ip_conntrack_stat, read by
 * `conntrack -S` through ctnetlink_ct_stat_cpu_dump()), counted where the engine does what the
 * kernel counts:
 *
 * - found: a NAT tuple Hoplab would have picked is another connection's (nf_conntrack_tuple_taken)
 * - invalid: a packet conntrack cannot place (a TCP segment that starts nothing, one out of state)
 * - insert: an entry made through ctnetlink (`conntrack -I`); confirmed packets do not count it
 * - insert_failed: a new connection lost its tuple to another before it was confirmed
 * - error: an ICMP error that quotes no tracked packet (nf_conntrack_handle_icmp)
 *
 * drop, early_drop, search_restart, clash_resolve and chaintoolong stay 0: the engine has no table
 * limit (nf_conntrack_max is not enforced), no hash resizes, no chains and no clash resolution.
 * The counts go to the CPU the work runs on (World.cpu).
 */
import type { Netns } from '../netns/netns';
import { NR_CPUS } from '../proc/cpu';
import { registerSoftState } from '../rollback/softstate';

/** The counters in the order ctnetlink puts them (CTA_STATS_*), as conntrack -S prints them. */
export const CT_STAT_NAMES = ['found', 'invalid', 'insert', 'insert_failed', 'drop', 'early_drop', 'error', 'search_restart', 'clash_resolve', 'chaintoolong'] as const;
export type CtStat = (typeof CT_STAT_NAMES)[number];

const INDEX = Object.fromEntries(CT_STAT_NAMES.map((n, i) => [n, i])) as Record<CtStat, number>;

/** per namespace: NR_CPUS rows of counters */
const stats = new WeakMap<Netns, number[][]>();

const zeros = (): number[][] => Array.from({ length: NR_CPUS }, () => CT_STAT_NAMES.map(() => 0));

/** NF_CT_STAT_INC(): count one on the CPU the work runs on. */
export function ctStatInc(ns: Netns, stat: CtStat): void {
  ns.world.willChange(ns);
  let s = stats.get(ns);
  if (s === undefined) {
    s = zeros();
    stats.set(ns, s);
  }
  s[ns.world.cpu][INDEX[stat]]++;
}

/** The counters of every CPU, cpu 0 first. */
export const ctStats = (ns: Netns): readonly (readonly number[])[] => stats.get(ns) ?? zeros();

const copy = (s: number[][] | undefined): number[][] | undefined => s?.map((row) => [...row]);

// a probe's packets count nothing once it is rolled back
registerSoftState<never, number[][] | undefined>({
  name: 'conntrack stats',
  netns: {
    save: (ns) => copy(stats.get(ns)),
    restore: (ns, saved) => {
      if (saved === undefined) stats.delete(ns);
      else stats.set(ns, copy(saved)!);
    },
  },
});
