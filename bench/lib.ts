/**
 * Shared pieces of the benchmark suites: timing, statistics and the figure format.
 *
 * A *figure* is one number Hoplab promises something about (a budget in bench/budgets.ts), measured
 * over several runs. Each run is timed with `performance.now()`; micro figures repeat the operation
 * many times inside one run and report the cost of one operation.
 */
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';

export type Unit = 'ns' | 'µs' | 'ms' | 'MB' | 'KB' | 'ratio' | 'events' | 'points';

export interface Figure {
  id: string;
  unit: Unit;
  median: number;
  min: number;
  max: number;
  runs: number;
  /** the budget from bench/budgets.ts, copied here when the results are written */
  budget?: number | null;
  /** one line: what exactly was measured */
  note?: string;
  /** set instead of the numbers when the figure could not be measured here */
  skipped?: string;
  /** the per-run samples, passed from a suite to the runner (which merges passes); not written to results */
  samples?: number[];
}

export interface Results {
  machine: { cpu: string; cores: number; memoryGB: number; os: string; kernel: string };
  node: string;
  date: string;
  figures: Figure[];
}

export function machine(): Results['machine'] {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.arch()}`,
    kernel: os.release(),
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A figure from per-run samples (already in the figure's unit). */
export function figure(id: string, unit: Unit, samples: readonly number[], note?: string): Figure {
  if (samples.length === 0) throw new Error(`${id}: no samples`);
  return { id, unit, median: round(median(samples)), min: round(Math.min(...samples)), max: round(Math.max(...samples)), runs: samples.length, note, samples: [...samples] };
}

/**
 * One figure per id from several passes of a suite (separate processes, one after another): the
 * samples of every pass together, so a machine that was slow for a few seconds moves a third of
 * the runs, not the median.
 */
export function mergePasses(passes: readonly Figure[][]): Figure[] {
  const byId = new Map<string, Figure[]>();
  for (const pass of passes) for (const f of pass) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  return [...byId.values()].map((fs) => {
    const measured = fs.filter((f) => !f.skipped && f.samples?.length);
    if (measured.length === 0) return fs[0];
    return figure(fs[0].id, fs[0].unit, measured.flatMap((f) => f.samples!), fs[0].note);
  });
}

export function skipped(id: string, unit: Unit, reason: string): Figure {
  return { id, unit, median: NaN, min: NaN, max: NaN, runs: 0, skipped: reason };
}

/** Keep four significant digits: enough for a table, stable in JSON. */
export function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const d = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(d, 6)));
}

const SCALE: Partial<Record<Unit, number>> = { ns: 1e6, 'µs': 1e3, ms: 1 };

/** CPU time (user + system) this process has used, in ms. */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Time `op` in `runs` runs of `inner` calls each, after `warmup` untimed calls (so the JIT has
 * compiled the hot path). Returns the cost of one call in `unit` for each run.
 *
 * The clock is the process's CPU time by default: Hoplab's engine is single-threaded, so on an
 * idle machine CPU time equals wall time, and on a busy one (CI, other jobs on two cores) it does
 * not count the time the process spent waiting for a core. `clock: 'wall'` uses performance.now().
 */
export function timeOp(op: () => unknown, o: { runs: number; inner: number; warmup?: number; unit: 'ns' | 'µs' | 'ms'; clock?: 'cpu' | 'wall'; beforeRun?: () => void }): number[] {
  const warm = o.warmup ?? Math.max(1, o.inner);
  for (let i = 0; i < warm; i++) op();
  const scale = SCALE[o.unit]!;
  const now = o.clock === 'wall' ? () => performance.now() : cpuNow;
  const out: number[] = [];
  for (let r = 0; r < o.runs; r++) {
    o.beforeRun?.();
    const t0 = now();
    for (let i = 0; i < o.inner; i++) op();
    out.push(((now() - t0) * scale) / o.inner);
  }
  return out;
}

/** `gc()` even when node was started without --expose-gc. */
export const gc: () => void = (() => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/** Heap in use after a full collection, in bytes. */
export function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Is this process running the suite `name` itself (`npx tsx bench/NAME.ts`, or the bundle
 * `npm run bench` makes of it, .bench/NAME.mjs), rather than importing it?
 */
export const isMain = (name: string): boolean => new RegExp(`[/\\\\]${name}\\.(ts|mjs)$`).test(process.argv[1] ?? '');

/** Suites print their figures as one JSON line after this marker, so logs can share stdout. */
export const FIGURES_MARK = '@@figures ';

export function emitFigures(figs: Figure[]): void {
  process.stdout.write(`${FIGURES_MARK}${JSON.stringify(figs)}\n`);
}

export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}
