#!/usr/bin/env node
// `npm test`: every check Hoplab has, in order, with one total at the end.
//
//   1. lint        eslint .                                   (1 test)
//   2. typecheck   tsc -p tsconfig.json --noEmit              (1 test)
//   3. unit        vitest run                                 (counted from its JSON report)
//   4. conformance npm run -s conformance                     (steps, from its last line)
//   5. e2e         ensure-chromium, then playwright test      (counted from its JSON report)
//
// Each runner's output is streamed as it runs. The very last line printed is
// `N passed, M failed` over all runners. Exit status is 1 if anything failed or a runner
// crashed (a crash, i.e. a non-zero exit with nothing counted as failed, counts as 1 failure).
//
// Options: --skip RUNNER[,RUNNER...]  (lint, typecheck, unit, conformance, e2e) for quick local runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const skip = new Set();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--skip' && process.argv[i + 1]) {
    for (const s of process.argv[++i].split(',')) skip.add(s.trim());
  } else if (a.startsWith('--skip=')) {
    for (const s of a.slice(7).split(',')) skip.add(s.trim());
  } else {
    console.error(`test.mjs: unknown argument ${a}\nusage: node scripts/test.mjs [--skip lint,typecheck,unit,conformance,e2e]`);
    process.exit(2);
  }
}

/**
 * Run a command with inherited stdin/stderr; stdout is streamed through and, when `capture`
 * is set, also collected. Resolves { code, stdout }; code is null if it could not start.
 */
function run(cmd, args, { capture = false, env = {} } = {}) {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ['inherit', capture ? 'pipe' : 'inherit', 'inherit'],
      });
    } catch (e) {
      console.error(`test.mjs: cannot start ${cmd}: ${e.message}`);
      resolve({ code: null, stdout: '' });
      return;
    }
    if (capture) {
      child.stdout.on('data', (chunk) => {
        process.stdout.write(chunk);
        out += chunk.toString();
      });
    }
    child.on('error', (e) => {
      console.error(`test.mjs: cannot run ${cmd}: ${e.message}`);
      resolve({ code: null, stdout: out });
    });
    child.on('close', (code, signal) => {
      if (signal) console.error(`test.mjs: ${path.basename(cmd)} killed by ${signal}`);
      resolve({ code: signal ? null : code, stdout: out });
    });
  });
}

function banner(title) {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(3, 66 - title.length))}`);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** A runner that counts as one test: passed iff exit 0. */
async function single(cmd, args) {
  const r = await run(cmd, args);
  return r.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: r.code === null ? 'did not run' : `exit ${r.code}` };
}

async function lint() {
  return single(bin('eslint'), ['.']);
}

async function typecheck() {
  return single(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
}

async function unit() {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hoplab-vitest-')), 'results.json');
  const r = await run(bin('vitest'), ['run', '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const j = readJson(report);
  if (!j) return { passed: 0, failed: 1, note: `no JSON report (exit ${r.code})` };
  let passed = j.numPassedTests ?? 0;
  let failed = j.numFailedTests ?? 0;
  // A test file that fails to load (syntax error, import error) has no failed test in it: count the file.
  for (const f of j.testResults ?? []) {
    const anyFailedTest = (f.assertionResults ?? []).some((a) => a.status === 'failed');
    if (f.status === 'failed' && !anyFailedTest) failed++;
  }
  if (r.code !== 0 && failed === 0) return { passed, failed: 1, note: `crashed (exit ${r.code})` };
  return { passed, failed };
}

const SUMMARY = /^(\d+) passed, (\d+) failed$/;

async function conformance() {
  const r = await run('npm', ['run', '-s', 'conformance'], { capture: true });
  const last = r.stdout.trimEnd().split('\n').pop()?.trim() ?? '';
  const m = SUMMARY.exec(last);
  if (!m) return { passed: 0, failed: 1, note: `no "N passed, M failed" line (exit ${r.code})` };
  const passed = Number(m[1]);
  const failed = Number(m[2]);
  if (r.code !== 0 && failed === 0) return { passed, failed: 1, note: `crashed (exit ${r.code})` };
  return { passed, failed };
}

async function e2e() {
  const ensure = await run(process.execPath, [path.join(root, 'scripts', 'ensure-chromium.mjs')]);
  if (ensure.code !== 0) return { passed: 0, failed: 1, note: 'Chromium missing' };
  // A private report file and artifacts folder, so that a Playwright run started by someone else
  // in the same checkout (which empties test-results/) cannot pull the files from under this one.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hoplab-e2e-'));
  const report = path.join(tmp, 'results.json');
  const artifacts = path.join(tmp, 'test-results');
  const r = await run(bin('playwright'), ['test', '--pass-with-no-tests', '--output', artifacts], {
    env: { PLAYWRIGHT_JSON_OUTPUT_FILE: report },
  });
  const j = readJson(report);
  if (r.code !== 0) console.log(`e2e artifacts (traces, error context): ${artifacts}`);
  if (!j || !j.stats) return { passed: 0, failed: 1, note: `no JSON report (exit ${r.code})` };
  const s = j.stats;
  const passed = (s.expected ?? 0) + (s.flaky ?? 0);
  let failed = s.unexpected ?? 0;
  // Errors outside tests (webServer failed, a spec file that does not load) are listed at the top level.
  if (failed === 0 && Array.isArray(j.errors) && j.errors.length > 0) failed = j.errors.length;
  if (r.code !== 0 && failed === 0) return { passed, failed: 1, note: `crashed (exit ${r.code})` };
  return { passed, failed };
}

const runners = [
  ['lint', 'lint (eslint)', lint],
  ['typecheck', 'typecheck (tsc --noEmit)', typecheck],
  ['unit', 'unit tests (vitest)', unit],
  ['conformance', 'conformance (scenarios vs. real-kernel goldens)', conformance],
  ['e2e', 'end-to-end (playwright)', e2e],
];

const rows = [];
let totalPassed = 0;
let totalFailed = 0;
for (const [key, title, fn] of runners) {
  if (skip.has(key)) {
    rows.push(`  ${key.padEnd(12)} skipped`);
    continue;
  }
  banner(title);
  let res;
  try {
    res = await fn();
  } catch (e) {
    console.error(`test.mjs: ${key} runner crashed: ${e.stack ?? e}`);
    res = { passed: 0, failed: 1, note: 'runner crashed' };
  }
  totalPassed += res.passed;
  totalFailed += res.failed;
  rows.push(`  ${key.padEnd(12)} ${res.passed} passed, ${res.failed} failed${res.note ? `  (${res.note})` : ''}`);
}

banner('summary');
console.log(rows.join('\n'));
console.log(`${totalPassed} passed, ${totalFailed} failed`);
process.exitCode = totalFailed === 0 ? 0 : 1;
