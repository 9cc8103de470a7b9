/**
 * `conntrack -S [conntrack|expect]`: the kernel's per-CPU statistics as conntrack-tools prints
 * them (nfct_stats_cb, nfexp_stats_cb): "cpu=N   \t" and then each counter as name=value.
 */
import { CT_STAT_NAMES, ctStats } from '../../engine/conntrack/stats';
import { NR_CPUS } from '../../engine/proc/cpu';
import type { Ctx } from '../context';

/** The expectation counters (CTA_STATS_EXP_*): Hoplab has no helpers, so no expectations. */
const EXP_STAT_NAMES = ['expect_new', 'expect_create', 'expect_delete'];

const cpuLine = (cpu: number, names: readonly string[], values: readonly number[]): string => `cpu=${String(cpu).padEnd(4)}\t${names.map((n, i) => `${n}=${values[i]} `).join('')}\n`;

export function conntrackStats(ctx: Ctx, table: string): void {
  if (table === 'expect') {
    for (let cpu = 0; cpu < NR_CPUS; cpu++) ctx.out.push(cpuLine(cpu, EXP_STAT_NAMES, [0, 0, 0]));
    return;
  }
  ctStats(ctx.ns).forEach((row, cpu) => ctx.out.push(cpuLine(cpu, CT_STAT_NAMES, row)));
}
