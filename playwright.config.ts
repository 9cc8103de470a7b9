import { defineConfig, devices } from '@playwright/test';

// End-to-end specs drive Debian's Chromium (/usr/bin/chromium; `npm run test:e2e` checks it is
// installed first) against a production build served by `vite preview`.
// Specs save their own screenshots under tests/e2e/screenshots/.
//
// Built to pass on a busy 2-vCPU machine (another CPU-heavy job beside it): the app is built once
// and reused while its sources do not change (scripts/e2e-build.mjs); specs wait for states, never
// for fixed times; commands are typed with insertText (a paste) unless keys are what is tested;
// pages run with reduced motion (a trace opens on its outcome instead of animating for seconds),
// except in the specs about playback; one worker, so Chromium never competes with itself.
//
// HOPLAB_E2E_PORT picks the preview port (default 4173), so that two checkouts, or two people in
// one, can run the suite side by side. The suite always builds and serves its own preview: a
// server already listening on the port (maybe someone else's stale build) is an error, never
// silently tested, unless HOPLAB_E2E_REUSE=1 asks for it.
const PORT = e2ePort(process.env.HOPLAB_E2E_PORT);
const REUSE = process.env.HOPLAB_E2E_REUSE === '1';
const isCI = !!process.env.CI;
// HOPLAB_E2E_TIMEOUT_SCALE=N stretches every limit N times, for a machine far busier than the one
// other CPU-heavy job these limits are made for (several people's builds and browsers on two vCPUs)
const SCALE = timeoutScale(process.env.HOPLAB_E2E_TIMEOUT_SCALE);
const OUT_DIR = `dist/e2e-${PORT}`;

function timeoutScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1) throw new Error(`HOPLAB_E2E_TIMEOUT_SCALE must be a number ≥ 1, not ${JSON.stringify(raw)}`);
  return n;
}

function e2ePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 4173;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`HOPLAB_E2E_PORT must be a TCP port number (1-65535), not ${JSON.stringify(raw)}`);
  }
  return port;
}

// Artifacts and the JSON report of another port's run live elsewhere too (Playwright empties its
// output folder when a run starts, which would pull the traces from under a parallel run).
const DEFAULT_PORT = PORT === 4173;
export const E2E_JSON_REPORT = DEFAULT_PORT ? 'playwright-report/results.json' : `playwright-report/results-${PORT}.json`;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: DEFAULT_PORT ? 'test-results' : `test-results-${PORT}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: isCI,
  // waits are for states, so a generous limit costs nothing when all is well and keeps a slow
  // spell of the machine from failing a test; each spec takes a few seconds on an idle machine and
  // at most 45 s with the load average at 18 on the two vCPUs (several people's builds, unit runs
  // and browsers at once, as on the CI machine): the limit leaves that more than twice over
  timeout: 120_000 * SCALE,
  expect: { timeout: 20_000 * SCALE },
  reporter: [['list'], ['json', { outputFile: E2E_JSON_REPORT }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    viewport: { width: 1440, height: 900 },
    screenshot: 'off',
    trace: 'retain-on-failure',
    reducedMotion: 'reduce',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
            // a page in a second tab (two tabs on one lab) runs its timers and renders at full speed
            '--disable-background-timer-throttling',
            '--disable-backgrounding-occluded-windows',
            '--disable-renderer-backgrounding',
          ],
        },
      },
    },
  ],
  webServer: {
    // Each port builds into its own folder, so parallel runs never serve each other's files; the
    // build is reused while the sources it was made from are unchanged.
    command: `node scripts/e2e-build.mjs ${OUT_DIR} && npx vite preview --outDir ${OUT_DIR} --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: REUSE,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
