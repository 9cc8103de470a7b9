import type { Pod } from '../api/types';

/** podutil.IsPodReady */
export const isPodReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Succeeded or Failed: a pod that will not run again. */
export const isPodTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Counted by its ReplicaSet: not terminal and not being deleted (controller.IsPodActive). */
export const isPodActive = (p: Pod): boolean => !isPodTerminal(p) && !p.metadata.deletionTimestamp;
