/**
 * `npm run bench [-- --only engine,scale,netfilter,netpol,mesh,dns,kube,linux,browser] [-- --quick] [-- --out FILE]`
 *
 * Runs the benchmark suites, each in its own Node process (so one suite's heap and JIT state do
 * not leak into the next), prints one table, and writes bench/results.json:
 *   { machine, node, date, figures: [{ id, unit, median, min, max, runs, budget, note?, skipped? }] }
 *
 *   engine   FIB lookups, the seed lab (setup, traced ping, ping command, matrix), 20-host pingall
 *   scale    100- and 500-node clusters: build, heap, cross-node trace, node-by-node matrix
 *   netfilter  a kube-proxy-shaped nat table of 10,000 Services: iptables-restore, one new connection's verdict
 *   netpol   NetworkPolicy: the upstream e2e truth table, 1,000 pods × 200 policies (rules, matrix, verdict)
 *   kube     Kubernetes: a 3-node cluster's workloads from manifests, a traced ClusterIP connection, a 100-node cluster
 *   dns      cluster DNS: a pod's ndots:5 search walk to CoreDNS on another node, a zone of 10 vs 5,000 Services
 *   linux    the seed-lab scenario in real namespaces (oracle, needs root) vs Hoplab's runner
 *   browser  bundle sizes, cold loads, canvas frame times (fresh build, vite preview, Chromium)
 *
 * `--quick` runs the 500-node cluster once instead of three times. Then `npm run bench:check`.
 */
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUDGETS } from './budgets';
import { FIGURES_MARK, machine, mergePasses, type Figure, type Results, isMain } from './lib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SUITES = ['engine', 'scale', 'netfilter', 'netpol', 'mesh', 'dns', 'kube', 'linux', 'browser'] as const;
type Suite = (typeof SUITES)[number];

/**
 * Processes per suite. The engine's micro figures take a few seconds each and this kind of shared
 * machine has slow spells of up to half a minute, so they are measured in three passes spread over
 * the whole run and merged; the cluster figures (few, GC-heavy runs) in two; the Linux and browser
 * suites run long enough to ride such spells out.
 */
const PASSES: Record<Suite, number> = { engine: 3, scale: 2, netfilter: 2, netpol: 1, mesh: 1, dns: 1, kube: 1, linux: 1, browser: 1 };

function args(): { only: Suite[]; quick: boolean; out: string } {
  const a = process.argv.slice(2);
  let only: Suite[] = [...SUITES];
  let out = path.join(root, 'bench', 'results.json');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--only') {
      only = (a[++i] ?? '').split(',').filter(Boolean) as Suite[];
      const bad = only.filter((s) => !SUITES.includes(s));
      if (bad.length || only.length === 0) {
        console.error(`bench: --only takes a list of ${SUITES.join(', ')}`);
        process.exit(2);
      }
    } else if (a[i] === '--out') out = path.resolve(a[++i]);
    else if (a[i] !== '--quick') {
      console.error(`bench: unknown argument ${a[i]} (use --only SUITES, --quick, --out FILE)`);
      process.exit(2);
    }
  }
  return { only, quick: a.includes('--quick'), out };
}

/**
 * A suite is measured as the app ships: bundled by esbuild the way Vite builds the app, not through
 * tsx, whose transform keeps every function's name (a helper call per closure made: a third of a
 * `ping` command's time in the command layer, which no browser pays). The bundle sits one level
 * below the root, as the sources do, so paths a suite finds from its own file still hold.
 */
async function bundleSuite(suite: Suite): Promise<string> {
  const outfile = path.join(root, '.bench', `${suite}.mjs`);
  await build({
    entryPoints: [path.join(root, 'bench', `${suite}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}

/** Run bench/<suite>.ts in a child node; its stderr streams through, its figures come back. */
async function runSuite(suite: Suite, quick: boolean): Promise<Figure[]> {
  const file = await bundleSuite(suite);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', file, ...(quick ? ['--quick'] : [])], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(FIGURES_MARK));
      if (code === 0 && !line) reject(new Error(`suite ${suite} printed no figures: does bench/${suite}.ts end with \`if (isMain('${suite}')) …\`?`));
      else if (code !== 0 || !line) reject(new Error(`suite ${suite} failed (exit ${code})${stdout ? `:\n${stdout.slice(-2000)}` : ''}`));
      else resolve(JSON.parse(line.slice(FIGURES_MARK.length)) as Figure[]);
    });
  });
}

const num = (x: number): string => (!Number.isFinite(x) ? '–' : Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 10 ? x.toFixed(2) : x.toFixed(3));

export function table(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const ok = f.skipped ? 'skipped' : f.budget == null ? '' : f.median <= f.budget ? 'ok' : 'OVER';
    return [f.id, f.skipped ? '–' : num(f.median), f.unit, f.skipped ? '' : `${num(f.min)} – ${num(f.max)}`, String(f.runs), f.budget == null ? '' : `≤ ${f.budget}`, ok];
  });
  const head = ['figure', 'median', 'unit', 'min – max', 'runs', 'budget', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 1 || i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const skippedNotes = figures.filter((f) => f.skipped).map((f) => `  ${f.id}: skipped, ${f.skipped}`);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(skippedNotes.length ? ['', ...skippedNotes] : [])].join('\n');
}

async function main(): Promise<void> {
  const { only, quick, out } = args();
  const budgets = new Map(BUDGETS.map((b) => [b.id, b.max]));
  const figures: Figure[] = [];
  const t0 = performance.now();
  // passes go round the suites (engine, scale, linux, browser, engine, scale, engine), so one suite's
  // passes are spread over the whole run rather than sharing the same few seconds of the machine
  const passes = new Map<Suite, Figure[][]>(only.map((suite) => [suite, []]));
  const rounds = Math.max(...only.map((suite) => PASSES[suite]));
  for (let round = 0; round < rounds; round++) {
    for (const suite of only) {
      if (round >= PASSES[suite]) continue;
      const s0 = performance.now();
      console.error(`bench: ${suite}${PASSES[suite] > 1 ? ` (pass ${round + 1} of ${PASSES[suite]})` : ''}…`);
      passes.get(suite)!.push(await runSuite(suite, quick));
      console.error(`bench: ${suite} done in ${((performance.now() - s0) / 1000).toFixed(0)} s`);
    }
  }
  for (const suite of only) figures.push(...mergePasses(passes.get(suite)!));
  for (const f of figures) {
    f.budget = budgets.get(f.id) ?? null;
    delete f.samples;
  }
  const results: Results = { machine: machine(), node: process.version, date: new Date().toISOString(), figures };
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine;
  console.log(`\nHoplab benchmarks: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os} ${m.kernel}, Node ${results.node}\n`);
  console.log(table(figures));
  console.log(`\n${figures.length} figures in ${((performance.now() - t0) / 1000).toFixed(0)} s, written to ${path.relative(process.cwd(), out)}; check them with \`npm run bench:check\``);
}

if (isMain('run')) await main();
