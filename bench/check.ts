/**
 * `npm run bench:check [-- --results FILE] [-- --compare OTHER.json]`
 *
 * Holds bench/results.json (written by `npm run bench`) to the budgets in bench/budgets.ts: every
 * budgeted figure's median and every relation (ratios, growth with lab size). A figure that was
 * skipped (no root for namespaces, no Chromium) is reported as skipped, not failed; a budgeted
 * figure that is missing fails. `--compare OTHER.json` also prints how far each median moved
 * between two runs and fails beyond 20% (the reproducibility check).
 * Exit 0 when everything is within budget, 1 otherwise, 2 when there are no results.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUDGETS, RELATIONS, type Budget, type Relation } from './budgets';
import type { Figure, Results } from './lib';
import { isMain } from './lib';

export interface Verdict {
  name: string;
  status: 'pass' | 'fail' | 'skipped';
  detail: string;
  why: string;
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

export function checkResults(figures: Figure[], budgets: Budget[] = BUDGETS, relations: Relation[] = RELATIONS): Verdict[] {
  const byId = new Map(figures.map((f) => [f.id, f]));
  const out: Verdict[] = [];
  for (const b of budgets) {
    const f = byId.get(b.id);
    if (!f) out.push({ name: b.id, status: 'fail', detail: 'not measured', why: b.why });
    else if (f.skipped) out.push({ name: b.id, status: 'skipped', detail: f.skipped, why: b.why });
    else out.push({ name: b.id, status: f.median <= b.max ? 'pass' : 'fail', detail: `${fmt(f.median)} ${f.unit} (budget ≤ ${b.max} ${f.unit})`, why: b.why });
  }
  for (const r of relations) {
    const v = r.eval((id) => byId.get(id));
    if (v === null) out.push({ name: r.name, status: 'skipped', detail: 'a figure it needs is missing or skipped', why: r.why });
    else out.push({ name: r.name, status: v.value <= v.max ? 'pass' : 'fail', detail: `${v.detail} (≤ ${fmt(v.max)})`, why: r.why });
  }
  return out;
}

/** Median drift between two runs, per figure both have: |b - a| / a. */
export function compareRuns(a: Figure[], b: Figure[], tolerance = 0.2): { id: string; a: number; b: number; drift: number; ok: boolean }[] {
  const other = new Map(b.map((f) => [f.id, f]));
  const out: { id: string; a: number; b: number; drift: number; ok: boolean }[] = [];
  for (const f of a) {
    const g = other.get(f.id);
    if (!g || f.skipped || g.skipped || !Number.isFinite(f.median) || f.median === 0) continue;
    const drift = Math.abs(g.median - f.median) / f.median;
    out.push({ id: f.id, a: f.median, b: g.median, drift, ok: drift <= tolerance });
  }
  return out;
}

function main(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const file = opt('--results') ?? path.join(root, 'bench', 'results.json');
  if (!fs.existsSync(file)) {
    console.error(`bench:check: no ${path.relative(process.cwd(), file)}; run \`npm run bench\` first`);
    process.exit(2);
  }
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;
  const verdicts = checkResults(results.figures);
  const width = Math.max(...verdicts.map((v) => v.name.length));
  for (const v of verdicts) console.log(`${v.status.toUpperCase().padEnd(7)} ${v.name.padEnd(width)}  ${v.detail}${v.status === 'fail' ? `\n        ${''.padEnd(width)}  why: ${v.why}` : ''}`);
  let failed = verdicts.filter((v) => v.status === 'fail').length;
  const against = opt('--compare');
  if (against) {
    const other = JSON.parse(fs.readFileSync(against, 'utf8')) as Results;
    const drifts = compareRuns(other.figures, results.figures);
    console.log(`\nreproducibility against ${against} (medians within 20%):`);
    for (const d of drifts) console.log(`${d.ok ? 'SAME   ' : 'DRIFT  '} ${d.id.padEnd(width)}  ${fmt(d.a)} -> ${fmt(d.b)} (${(d.drift * 100).toFixed(0)}%)`);
    failed += drifts.filter((d) => !d.ok).length;
  }
  const passed = verdicts.filter((v) => v.status === 'pass').length;
  const skippedN = verdicts.filter((v) => v.status === 'skipped').length;
  console.log(`\n${passed} within budget, ${failed} over${skippedN ? `, ${skippedN} skipped` : ''}`);
  process.exit(failed ? 1 : 0);
}

if (isMain('check')) main();
