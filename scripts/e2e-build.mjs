#!/usr/bin/env node
// The production build the end-to-end tests (and the bench's browser suite) run against, built
// once and shared: `node scripts/e2e-build.mjs OUT_DIR` builds into OUT_DIR only when what goes
// into the build changed since OUT_DIR was built (a hash of the sources, pages, configuration and
// lock file is kept in OUT_DIR/.inputs), so a second run, or a run of one spec, starts at once.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['src', 'public', 'index.html', 'embed.html', 'vite.config.ts', 'tsconfig.json', 'package-lock.json'];

/** Every file under the inputs, sorted, with its contents: what the build reads. */
export function inputsHash(dir = root) {
  const hash = crypto.createHash('sha256');
  const walk = (rel) => {
    const abs = path.join(dir, rel);
    if (!fs.existsSync(abs)) return;
    const st = fs.statSync(abs);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name));
    } else if (!/\.test\.tsx?$/.test(rel)) {
      hash.update(rel).update('\0').update(fs.readFileSync(abs)).update('\0');
    }
  };
  for (const i of INPUTS) walk(i);
  return hash.digest('hex');
}

/** Build into `outDir` unless it holds a build of the current inputs. Returns true when it built. */
export function ensureBuild(outDir) {
  const abs = path.resolve(root, outDir);
  const stamp = path.join(abs, '.inputs');
  const want = inputsHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want && fs.existsSync(path.join(abs, 'index.html'))) return false;
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  const r = spawnSync(vite, ['build', '--outDir', abs, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.error || r.status !== 0) throw new Error(`vite build failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`);
  fs.writeFileSync(stamp, want);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/e2e-build.mjs OUT_DIR');
    process.exit(2);
  }
  try {
    console.error(ensureBuild(out) ? `e2e-build: built ${out}` : `e2e-build: ${out} is up to date`);
  } catch (e) {
    console.error(`e2e-build: ${e.message}`);
    process.exit(1);
  }
}
