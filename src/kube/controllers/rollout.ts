/**
 * A rolling update's limits (pkg/controller/deployment/util): maxSurge rounded up and
 * maxUnavailable rounded down from the desired replicas (intstr.GetScaledValueFromIntOrPercent),
 * and ResolveFenceposts' rule that both cannot be zero (then one pod may be unavailable).
 */
import type { Deployment, IntOrString } from '../api/types';

/** intstr.GetScaledValueFromIntOrPercent */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) return Number(v) || 0;
  const x = (Number(v.slice(0, -1)) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** ResolveFenceposts */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const desired = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

const rolling = (d: Deployment) => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** MaxSurge: 0 for Recreate */
export const maxSurge = (d: Deployment): number => (rolling(d) ? resolveFenceposts(d).surge : 0);

/** MaxUnavailable: 0 for Recreate or no replicas, never more than the replicas */
export function maxUnavailable(d: Deployment): number {
  const desired = d.spec.replicas ?? 1;
  if (!rolling(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}
