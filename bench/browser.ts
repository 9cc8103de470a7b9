/**
 * Browser figures, measured in Chromium (Playwright driving /usr/bin/chromium with the flags of
 * playwright.config.ts) against `vite preview` of a fresh production build:
 *
 *   bundle.app.gzip / bundle.embed.gzip  KB  gzipped JS an entry loads before it runs (entry + preloads)
 *   bundle.lazy.gzip                     KB  gzipped JS loaded later on demand (the ELK layout engine)
 *   browser.load.app / browser.load.embed ms cold load to interactive (fresh browser context, no cache):
 *                                           from navigation to the lab's first box on the canvas (and,
 *                                           for the widget, its terminal prompt)
 *   browser.load.1000hosts                ms  a saved 1,000-host lab: from navigation to the boxes drawn and
 *                                           the page answering (a frame), the layout going on in its worker
 *   canvas.frame.trace                    ms  mean frame interval while the trace of a ping animates
 *   canvas.frame.1000hosts                ms  mean frame interval while panning and zooming a 1,000-host lab
 *
 * Frame intervals come from requestAnimationFrame in the page: 16.7 ms is a frame every vsync.
 * Skipped, with the reason, when Chromium is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config';
import { bigLab } from './biglab';
import { emitFigures, figure, log, median, round, skipped, type Figure, isMain } from './lib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const PORT = 4319;
const BASE = `http://127.0.0.1:${PORT}`;
const LOAD_RUNS = 9;
const BIG_LOAD_RUNS = 5;
const FRAME_RUNS = 5;

// ---- bundle --------------------------------------------------------------------------------------

/** JS files an HTML entry loads up front: its module script and the chunks it preloads. */
function entryScripts(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+\.js)"/g)) out.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) out.add(m[1]);
  return [...out];
}

const gzipKB = (file: string): number => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length / 1000;

function bundleFigures(dist: string): Figure[] {
  const figs: Figure[] = [];
  const initial = new Set<string>();
  for (const [id, html] of [
    ['bundle.app.gzip', 'index.html'],
    ['bundle.embed.gzip', 'embed.html'],
  ] as const) {
    const scripts = entryScripts(fs.readFileSync(path.join(dist, html), 'utf8'));
    scripts.forEach((s) => initial.add(path.basename(s)));
    const kb = scripts.reduce((sum, s) => sum + gzipKB(path.join(dist, s)), 0);
    figs.push(figure(id, 'KB', [kb], `${html}: ${scripts.map((s) => path.basename(s)).join(' + ')} (gzip -9, 1 KB = 1000 bytes)`));
  }
  const lazy = fs.readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js') && !initial.has(f));
  figs.push(figure('bundle.lazy.gzip', 'KB', [lazy.reduce((sum, f) => sum + gzipKB(path.join(dist, 'assets', f)), 0)], `loaded on demand: ${lazy.join(', ') || 'nothing'}`));
  return figs;
}

// ---- server and browser ----------------------------------------------------------------------------

async function waitForServer(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`vite preview did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function launchOptions(): Parameters<typeof chromium.launch>[0] {
  const project = playwrightConfig.projects?.[0];
  const args = project?.use?.launchOptions?.args ?? ['--no-sandbox', '--disable-gpu'];
  return { executablePath: CHROMIUM, headless: true, args };
}

/** Mean and 95th percentile of requestAnimationFrame intervals while `act` runs in the page. */
async function frameIntervals(page: Page, act: () => Promise<void>): Promise<{ mean: number; p95: number; frames: number }> {
  // page scripts are passed as text: tsx would wrap named functions in a helper the page lacks
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__sampling = true;
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__sampling) requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => {
      last = t;
      requestAnimationFrame(tick);
    });
  })()`);
  await act();
  const frames = (await page.evaluate('(() => { window.__sampling = false; return window.__frames; })()')) as number[];
  if (frames.length < 10) throw new Error(`only ${frames.length} frames sampled`);
  const sorted = [...frames].sort((a, b) => a - b);
  return { mean: frames.reduce((a, b) => a + b, 0) / frames.length, p95: sorted[Math.floor(sorted.length * 0.95)], frames: frames.length };
}

async function loadTime(browser: Browser, url: string, ready: (p: Page) => Promise<void>): Promise<number> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  const t0 = performance.now();
  await page.goto(url);
  await ready(page);
  const ms = performance.now() - t0;
  await ctx.close();
  return ms;
}

/** A page reopened on a saved 1,000-host lab: until its boxes are drawn and the page renders a frame. */
async function bigLabLoad(browser: Browser): Promise<number> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await ctx.addInitScript(`localStorage.setItem('hoplab.lab.v1', ${JSON.stringify(bigLab(1000))})`);
  const page = await ctx.newPage();
  const t0 = performance.now();
  await page.goto(`${BASE}/`);
  await page.waitForFunction(
    "(() => { const rf = document.querySelector('.react-flow[data-boxes]'); return rf && Number(rf.dataset.boxes) >= 1000 && document.querySelector('.react-flow__node') !== null; })()",
    undefined,
    { timeout: 120_000 },
  );
  // answering: a frame gets drawn (a page busy laying out on its main thread would not draw one)
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))');
  const ms = performance.now() - t0;
  const notice = await page.locator('[data-testid="notice"]').textContent().catch(() => null);
  if (notice && /could not/.test(notice)) throw new Error(`the 1,000-host lab did not load: ${notice}`);
  await ctx.close();
  return ms;
}

async function browserRuns(browser: Browser): Promise<Figure[]> {
  const figs: Figure[] = [];
  const app: number[] = [];
  const embed: number[] = [];
  for (let r = 0; r < LOAD_RUNS; r++) {
    app.push(await loadTime(browser, `${BASE}/?lab=routed`, (p) => p.locator('[data-netns="node01"]').first().waitFor({ state: 'visible' })));
    embed.push(
      await loadTime(browser, `${BASE}/embed.html?lab=routed&host=node01`, async (p) => {
        await p.locator('[data-netns="node01"]').first().waitFor({ state: 'visible' });
        await p.locator('.xterm-rows', { hasText: 'root@node01' }).first().waitFor({ state: 'visible' });
      }),
    );
  }
  figs.push(figure('browser.load.app', 'ms', app, 'fresh context, /?lab=routed until the first machine is on the canvas'));
  const big: number[] = [];
  for (let r = 0; r < BIG_LOAD_RUNS; r++) big.push(await bigLabLoad(browser));
  figs.push(figure('browser.load.1000hosts', 'ms', big, 'fresh context with a 1,000-host lab autosaved: from navigation to its boxes drawn and a frame rendered (elk still laying out in its worker)'));
  figs.push(figure('browser.load.embed', 'ms', embed, 'fresh context, /embed.html?lab=routed&host=node01 until canvas and terminal prompt are up'));
  log('  browser: loads');

  // a ping's trace animating on the canvas (the trace panel plays it)
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${BASE}/?lab=routed`);
  await page.locator('[data-netns="node01"]').first().waitFor({ state: 'visible' });
  await page.getByLabel('Open terminal', { exact: true }).selectOption('node01');
  const term = page.getByRole('region', { name: 'node01 terminal', exact: true });
  await term.click();
  const traceMeans: number[] = [];
  const traceP95: number[] = [];
  for (let r = 0; r < FRAME_RUNS; r++) {
    const f = await frameIntervals(page, async () => {
      await page.keyboard.type('ping -c 1 10.244.3.2');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(3000);
    });
    traceMeans.push(f.mean);
    traceP95.push(f.p95);
  }
  figs.push(figure('canvas.frame.trace', 'ms', traceMeans, `mean rAF interval over 3 s of a node01 -> pod3 trace playing (p95 ${round(median(traceP95))} ms)`));
  log('  browser: trace animation');

  // 1,000 hosts: import the lab, then pan (drag) and zoom (wheel) over the canvas
  await page.goto(`${BASE}/`);
  await page.locator('.react-flow__renderer').waitFor({ state: 'visible' });
  await page.getByTestId('import-input').setInputFiles({ name: 'hosts-1000.json', mimeType: 'application/json', buffer: Buffer.from(bigLab(1000)) });
  // the canvas only puts the boxes in view in the DOM: wait for the whole lab, laid out by elk, and its first boxes drawn
  await page.waitForFunction(
    "(() => { const rf = document.querySelector('.react-flow[data-boxes]'); return rf && Number(rf.dataset.boxes) >= 1000 && rf.dataset.layout === 'done' && document.querySelector('.react-flow__node') !== null; })()",
    undefined,
    { timeout: 120_000 },
  );
  await page.waitForTimeout(1500);
  const pane = page.locator('.react-flow__pane').first();
  const box = (await pane.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const bigMeans: number[] = [];
  const bigP95: number[] = [];
  for (let r = 0; r < FRAME_RUNS; r++) {
    const f = await frameIntervals(page, async () => {
      await page.mouse.move(cx, cy);
      for (let k = 0; k < 12; k++) {
        await page.mouse.wheel(0, k % 2 ? 240 : -240);
        await page.waitForTimeout(50);
      }
      await page.mouse.down();
      for (let k = 0; k < 30; k++) {
        await page.mouse.move(cx + 8 * k * (r % 2 ? -1 : 1), cy + 4 * k);
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
    });
    bigMeans.push(f.mean);
    bigP95.push(f.p95);
  }
  const boxes = await page.locator('.react-flow[data-boxes]').first().getAttribute('data-boxes');
  figs.push(figure('canvas.frame.1000hosts', 'ms', bigMeans, `mean rAF interval while zooming and panning a lab of 1,000 hosts on 20 LANs (${boxes} canvas boxes, those in view drawn; p95 ${round(median(bigP95))} ms)`));
  log('  browser: 1,000 hosts');
  await ctx.close();
  return figs;
}

export async function browserFigures(): Promise<Figure[]> {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'hoplab-bench-dist-'));
  const figs: Figure[] = [];
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  const ids = ['browser.load.app', 'browser.load.embed', 'browser.load.1000hosts', 'canvas.frame.trace', 'canvas.frame.1000hosts'] as const;
  try {
    const vite = path.join(root, 'node_modules', '.bin', 'vite');
    const b = spawnSync(vite, ['build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`vite build failed: ${b.stderr || b.stdout}`);
    figs.push(...bundleFigures(dist));
    log('  browser: fresh build');
    if (!fs.existsSync(CHROMIUM)) {
      const why = `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
      for (const id of ids) figs.push(skipped(id, 'ms', why));
      return figs;
    }
    server = spawn(vite, ['preview', '--outDir', dist, '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { cwd: root, stdio: 'ignore' });
    await waitForServer(BASE, 30_000);
    browser = await chromium.launch(launchOptions());
    figs.push(...(await browserRuns(browser)));
    return figs;
  } finally {
    await browser?.close();
    if (server?.pid) server.kill();
    fs.rmSync(dist, { recursive: true, force: true });
  }
}

if (isMain('browser')) emitFigures(await browserFigures());
