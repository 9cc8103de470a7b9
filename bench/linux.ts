/**
 * Side by side with Linux: the seed-lab scenario (46 steps: build the three-node lab with pods,
 * routes and forwarding, then ping across nodes) run in real network namespaces by the kernel
 * oracle (`../shared/oracle/record.mjs`, as root) and by Hoplab's scenario runner, in one run.
 *
 *   linux.seedlab        ms     wall time of one oracle recording (namespaces, iproute2, ping, settling)
 *   scenario.seedlab     ms     wall time of runScenario(parseScenario(text)) for the same file
 *   linux.seedlab.ratio  ratio  the two medians: how many times faster Hoplab answers
 *
 * Skipped, with the reason, where namespaces cannot be made (not root, no iproute2, no unshare).
 * The two result sets are also compared step by step with the oracle's own comparator, so the
 * ratio is between two runs that printed the same thing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseScenario, runScenario } from '../src/scenarios/runner';
import { emitFigures, figure, log, median, round, skipped, timeOp, type Figure, isMain } from './lib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const shared = path.resolve(process.env.HOPLAB_SHARED ?? path.join(root, '..', 'shared'));
export const SEED_SCENARIO = path.join(shared, 'conformance', 'scenarios', 'k8s-lab-routes-forwarding-on.json');
const RECORDER = path.join(shared, 'oracle', 'record.mjs');
const LINUX_RUNS = 5;

/** Why Linux namespaces cannot be used here, or null when they can. */
function unavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (!fs.existsSync(RECORDER)) return `no oracle recorder at ${RECORDER}`;
  if (process.getuid?.() !== 0) return 'not root: network namespaces need root (run `sudo npm run bench`)';
  for (const tool of ['ip', 'ping', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install iproute2 iputils-ping util-linux)`;
  }
  return null;
}

interface ResultsDoc {
  results: { on: string; run: string; exit: number; stdout: string; stderr: string }[];
}

export async function linuxFigures(): Promise<Figure[]> {
  if (!fs.existsSync(SEED_SCENARIO)) {
    const why = `no seed-lab scenario at ${SEED_SCENARIO} (set HOPLAB_SHARED to the shared folder)`;
    return [skipped('scenario.seedlab', 'ms', why), skipped('linux.seedlab', 'ms', why), skipped('linux.seedlab.ratio', 'ratio', why)];
  }
  const text = fs.readFileSync(SEED_SCENARIO, 'utf8');
  const hoplab = () => runScenario(parseScenario(text));
  const ours = hoplab();
  // CPU time of this process (Hoplab is single-threaded: on an idle machine that is its wall time)
  const hoplabMs = timeOp(hoplab, { runs: 31, inner: 200, warmup: 100, unit: 'ms' });
  const out: Figure[] = [figure('scenario.seedlab', 'ms', hoplabMs, `${path.basename(SEED_SCENARIO)} through Hoplab's scenario runner (${ours.results.length} steps)`)];

  const why = unavailable();
  if (why) {
    out.push(skipped('linux.seedlab', 'ms', why), skipped('linux.seedlab.ratio', 'ratio', why));
    return out;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoplab-bench-'));
  const linuxMs: number[] = [];
  let golden: ResultsDoc | undefined;
  try {
    for (let r = 0; r < LINUX_RUNS; r++) {
      const file = path.join(dir, `run${r}.json`);
      const t0 = performance.now();
      const p = spawnSync(process.execPath, [RECORDER, SEED_SCENARIO, '--out', file], { encoding: 'utf8', timeout: 120_000 });
      const ms = performance.now() - t0;
      if (p.status !== 0) {
        const reason = `the oracle failed (exit ${p.status}): ${(p.stderr || p.stdout).trim().split('\n').pop()}`;
        out.push(skipped('linux.seedlab', 'ms', reason), skipped('linux.seedlab.ratio', 'ratio', reason));
        return out;
      }
      linuxMs.push(ms);
      golden = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsDoc;
      log(`  linux: run ${r + 1}/${LINUX_RUNS} ${(ms / 1000).toFixed(2)} s`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const compare = (await import(pathToFileURL(path.join(shared, 'oracle', 'compare.mjs')).href)) as {
    compareResults(a: ResultsDoc, b: ResultsDoc): { passed: number; failed: number };
  };
  const same = compare.compareResults(golden!, ours);
  const agree = `${same.passed}/${same.passed + same.failed} steps print the same`;
  out.push(figure('linux.seedlab', 'ms', linuxMs, `the same file recorded in real namespaces by record.mjs (${agree})`));
  const ratio = round(median(linuxMs) / median(hoplabMs));
  out.push({ id: 'linux.seedlab.ratio', unit: 'ratio', median: ratio, min: round(Math.min(...linuxMs) / Math.max(...hoplabMs)), max: round(Math.max(...linuxMs) / Math.min(...hoplabMs)), runs: linuxMs.length, note: `Linux time / Hoplab time for the seed lab (${agree})` });
  return out;
}

if (isMain('linux')) emitFigures(await linuxFigures());
