/**
 * The simulated machine's CPUs. Every Hoplab machine has two, as the machine the conformance
 * goldens are recorded on, so per-CPU output (`conntrack -S`) has the lines real Linux prints.
 *
 * Linux's scheduler picks a CPU among those a task may use as it likes; Hoplab's picks the lowest
 * one, so a lab replays identically. `taskset` narrows the choice, as sched_setaffinity() does.
 */
export const NR_CPUS = 2;

/** Every CPU: the affinity a task starts with. */
export const ALL_CPUS = (1 << NR_CPUS) - 1;

/** The CPU a task with this affinity mask runs on (the mask holds at least one CPU of the machine). */
export const cpuOf = (mask: number): number => 31 - Math.clz32(mask & -mask);
