// `npm run conformance [-- --only NAME ...]`
//
// Runs every scenario of the public corpus (<shared>/conformance/scenarios) and of our own
// (tests/conformance/scenarios) through the simulator (runScenario from src/scenarios/runner.ts)
// and compares each with its real-kernel golden (goldens/<same basename>), using the oracle's
// own normalization and comparison (<shared>/oracle/compare.mjs), after masking what differs
// between two runs of a DNS tool (tests/conformance/mask.ts: query ids, query times, dates, cookies).
//
// <shared> is the folder beside the repository (../shared), or $HOPLAB_SHARED.
// Prints the mismatching steps as diffs, a PASS/FAIL line per file, and last
// `N passed, M failed`, counted in steps. Exit 0 if every step matches, 1 otherwise,
// 2 on usage errors.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { maskDnsNoise } from '../tests/conformance/mask';

interface StepResult { on: string; run: string; exit: number; stdout: string; stderr: string }
interface ResultsDoc { name?: string; results: StepResult[] }
interface RunnerModule {
  parseScenario(jsonText: string): unknown;
  runScenario(sc: unknown): { name: string; results: StepResult[] };
}
interface CompareStep { index: number; on: string; run: string; ok: boolean; problems: string[] }
interface CompareResult { passed: number; failed: number; steps: CompareStep[] }
interface CompareModule {
  compareResults(golden: ResultsDoc, actual: ResultsDoc): CompareResult;
  formatMismatches(result: CompareResult, label?: string): string;
  normalize(text: string, opts?: { run?: string }): string;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = path.resolve(process.env.HOPLAB_SHARED ?? path.join(root, '..', 'shared'));

function usage(msg: string): never {
  console.error(`conformance: ${msg}`);
  console.error('usage: npm run conformance [-- --only NAME [--only NAME ...]]');
  process.exit(2);
}

const only: string[] = [];
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--only') {
    const v = process.argv[++i];
    if (!v) usage('--only needs a scenario name');
    only.push(v.replace(/\.json$/, ''));
  } else if (a.startsWith('--only=')) only.push(a.slice(7).replace(/\.json$/, ''));
  else usage(`unknown argument ${a}`);
}

async function load<T>(file: string, what: string): Promise<T> {
  if (!fs.existsSync(file)) usage(`${what} not found: ${file}`);
  return (await import(pathToFileURL(file).href)) as T;
}

if (!fs.existsSync(path.join(shared, 'oracle', 'compare.mjs'))) {
  usage(`the shared folder (kernel oracle and public conformance corpus) is not at ${shared}: it belongs beside the repository as ../shared, or set HOPLAB_SHARED=/path/to/shared`);
}
const compare = await load<CompareModule>(path.join(shared, 'oracle', 'compare.mjs'), 'the oracle comparator');
const runner = await load<RunnerModule>(path.join(root, 'src', 'scenarios', 'runner.ts'), 'the scenario runner');

interface Suite { label: string; scenarios: string; goldens: string }
const suites: Suite[] = [
  { label: 'shared', scenarios: path.join(shared, 'conformance', 'scenarios'), goldens: path.join(shared, 'conformance', 'goldens') },
  { label: 'local', scenarios: path.join(root, 'tests', 'conformance', 'scenarios'), goldens: path.join(root, 'tests', 'conformance', 'goldens') },
];

interface Job { suite: Suite; file: string; base: string }
const all: Job[] = [];
for (const suite of suites) {
  if (!fs.existsSync(suite.scenarios)) {
    console.log(`note: no scenarios folder ${suite.scenarios}`);
    continue;
  }
  for (const f of fs.readdirSync(suite.scenarios).filter((n) => n.endsWith('.json')).sort()) {
    all.push({ suite, file: path.join(suite.scenarios, f), base: f.replace(/\.json$/, '') });
  }
}

let jobs = all;
if (only.length > 0) {
  jobs = all.filter((j) => only.includes(j.base));
  if (jobs.length === 0) jobs = all.filter((j) => only.some((o) => j.base.includes(o)));
  if (jobs.length === 0) usage(`no scenario matches ${only.join(', ')}`);
}
if (jobs.length === 0) usage('no scenarios found');

function readGolden(file: string): ResultsDoc {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsDoc;
  if (!doc || !Array.isArray(doc.results)) throw new Error(`${file}: expected an object with a "results" array`);
  return doc;
}

function indent(text: string, pad = '  '): string {
  return text.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

let passed = 0;
let failed = 0;
let filesOk = 0;
const summary: string[] = [];

for (const job of jobs) {
  const label = `${job.suite.label}/${job.base}`;
  const goldenFile = path.join(job.suite.goldens, `${job.base}.json`);
  let golden: ResultsDoc;
  try {
    golden = readGolden(goldenFile);
  } catch (e) {
    failed += 1;
    const msg = fs.existsSync(goldenFile) ? (e as Error).message : `no golden ${path.relative(root, goldenFile)}`;
    console.log(`FAIL ${label}: ${msg}\n`);
    summary.push(`FAIL ${label}: ${msg}`);
    continue;
  }
  const stepCount = Math.max(1, golden.results.length);

  let actual: ResultsDoc;
  try {
    const sc = runner.parseScenario(fs.readFileSync(job.file, 'utf8'));
    actual = runner.runScenario(sc);
  } catch (e) {
    failed += stepCount;
    const err = e as Error;
    const where = err.stack ? `\n${indent(err.stack.split('\n').slice(0, 6).join('\n'), '    ')}` : '';
    console.log(`FAIL ${label}: the simulator threw: ${err.message}${where}\n`);
    summary.push(`FAIL ${label}: the simulator threw (${stepCount} steps counted as failed)`);
    continue;
  }

  // DNS tools print a random query id, the query time and the date: masked on both sides
  const masked = (d: ResultsDoc): ResultsDoc => ({ ...d, results: d.results.map((x) => ({ ...x, stdout: maskDnsNoise(x.stdout) })) });
  const r = compare.compareResults(masked(golden), masked(actual));
  passed += r.passed;
  failed += r.failed;
  if (r.failed === 0) {
    filesOk += 1;
    summary.push(`PASS ${label} (${r.passed} steps)`);
    continue;
  }
  console.log(compare.formatMismatches(r, label));
  summary.push(`FAIL ${label}: ${r.failed} of ${r.steps.length} steps differ`);
}

console.log(summary.join('\n'));
console.log(`files: ${filesOk} passed, ${jobs.length - filesOk} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
