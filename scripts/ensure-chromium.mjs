#!/usr/bin/env node
// Make sure Debian's Chromium is installed at /usr/bin/chromium (Playwright drives it; see
// playwright.config.ts). As root it installs the package; otherwise it prints the command and
// fails. It never silently skips.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

function present() {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (present()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`ensure-chromium: ${CHROMIUM} is missing. The end-to-end tests need Debian's Chromium.`);
  console.error(`Install it with:\n  sudo sh -c '${INSTALL}'`);
  process.exit(1);
}

console.log(`ensure-chromium: ${CHROMIUM} is missing; installing it: ${INSTALL}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update'], ['install', '-y', 'chromium']]) {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.error || r.status !== 0) {
    console.error(`ensure-chromium: "apt-get ${args.join(' ')}" failed${r.error ? `: ${r.error.message}` : ` with exit ${r.status}`}`);
    process.exit(1);
  }
}
if (!present()) {
  console.error(`ensure-chromium: apt-get finished but ${CHROMIUM} is still missing`);
  process.exit(1);
}
console.log(`ensure-chromium: installed ${CHROMIUM}`);
