// `npm run -s scenario -- FILE.json... [--out DIR]`
//
// Runs scenario files (the kernel oracle's format; a file may also name a `"preset"` from
// src/scenarios/presets.ts) through the simulator and prints the results in the oracle's golden
// format, 2-space indented:
//   { "name", "recordedWith": { "simulator": "hoplab <version>" }, "results": [ { on, run, exit, stdout, stderr } ] }
// With --out DIR each result goes to DIR/<basename>.json instead of stdout.
//
// Exit status: 0 all ran, 1 the simulator failed on a scenario, 2 usage error or a bad file
// (every problem is listed on stderr before anything runs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface StepResult { on: string; run: string; exit: number; stdout: string; stderr: string }
interface RunnerModule {
  parseScenario(jsonText: string): unknown;
  runScenario(sc: unknown): { name: string; results: StepResult[] };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage(msg?: string): never {
  if (msg) console.error(`scenario: ${msg}`);
  console.error('usage: npm run -s scenario -- FILE.json... [--out DIR]');
  process.exit(2);
}

const files: string[] = [];
let outDir: string | null = null;
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--out') {
    const v = process.argv[++i];
    if (!v) usage('--out needs a folder');
    outDir = v;
  } else if (a.startsWith('--out=')) outDir = a.slice(6);
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else files.push(a);
}
if (files.length === 0) usage('no scenario file given');

const runnerFile = path.join(root, 'src', 'scenarios', 'runner.ts');
if (!fs.existsSync(runnerFile)) usage(`the scenario runner is missing: ${runnerFile}`);
const runner = (await import(pathToFileURL(runnerFile).href)) as RunnerModule;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

// Validate everything first, so a typo in the third file does not leave two outputs behind.
const parsed: { file: string; scenario: unknown }[] = [];
const problems: string[] = [];
for (const file of files) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    problems.push(`${file}: cannot read: ${(e as Error).message}`);
    continue;
  }
  try {
    parsed.push({ file, scenario: runner.parseScenario(text) });
  } catch (e) {
    const msg = (e as Error).message.trim();
    problems.push(msg.includes('\n') ? `${file}:\n${msg.split('\n').map((l) => `  ${l}`).join('\n')}` : `${file}: ${msg}`);
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(`scenario: ${p}`);
  process.exit(2);
}

if (outDir) fs.mkdirSync(outDir, { recursive: true });

let status = 0;
for (const { file, scenario } of parsed) {
  let res: { name: string; results: StepResult[] };
  try {
    res = runner.runScenario(scenario);
  } catch (e) {
    console.error(`scenario: ${file}: the simulator failed: ${(e as Error).stack ?? e}`);
    status = 1;
    continue;
  }
  const doc = {
    name: res.name,
    recordedWith: { simulator: `hoplab ${pkg.version}` },
    results: res.results.map((r) => ({ on: r.on, run: r.run, exit: r.exit, stdout: r.stdout, stderr: r.stderr })),
  };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (outDir) {
    const out = path.join(outDir, path.basename(file).replace(/\.json$/, '') + '.json');
    fs.writeFileSync(out, text);
    console.error(`scenario: wrote ${out}`);
  } else {
    process.stdout.write(text);
  }
}
process.exitCode = status;
