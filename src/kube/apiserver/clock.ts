/**
 * The cluster's wall clock: the world's virtual milliseconds after a fixed epoch, so timestamps
 * and ages are reproducible. Timestamps are RFC 3339 with whole seconds, as metav1.Time stores them.
 */
export const CLUSTER_EPOCH_MS = Date.UTC(2025, 0, 1, 0, 0, 0);

export const rfc3339 = (virtualMs: number): string => new Date(CLUSTER_EPOCH_MS + Math.floor(virtualMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Virtual milliseconds of an RFC 3339 timestamp (NaN when it does not parse). */
export const parseTimestamp = (ts: string | undefined): number => (ts ? Date.parse(ts) - CLUSTER_EPOCH_MS : NaN);

/** duration.HumanDuration: how kubectl prints an age (`45s`, `2m5s`, `3h4m`, `5d`). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}
