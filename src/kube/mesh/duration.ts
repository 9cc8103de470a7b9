/**
 * Durations as Istio's resources write them (protobuf Duration in its JSON form, which the CRDs
 * also accept as Go durations): `5s`, `1.5s`, `300ms`, `1m30s`. Milliseconds on the virtual clock.
 */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The duration in milliseconds, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let at = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    ms += Number(m[1]) * UNIT_MS[m[2]];
    at = re.lastIndex;
  }
  return at === text.length && at > 0 ? Math.round(ms * 1e6) / 1e6 : undefined;
}

/** Go's time.Duration String(), as istioctl prints a timeout: `1.5s`, `300ms`, `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
