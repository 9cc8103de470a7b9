/**
 * Saving never loses work silently: a full storage is announced and the lab on screen kept, a lab
 * too big to save is refused before anything is replaced, two tabs on one lab never write over each
 * other, and a save that cannot be used at start-up is kept aside (Lab ▸ Kept copies).
 */
import { expect, test, type Page } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

/** Fill the site's storage with filler keys until it refuses, leaving about `room` characters free. */
async function fillStorage(page: Page, room = 0) {
  await page.evaluate((room) => {
    const chunk = 'x'.repeat(256 * 1024);
    let i = 0;
    try {
      for (; i < 200; i++) localStorage.setItem(`filler.${i}`, chunk);
    } catch {
      // full
    }
    for (let size = chunk.length / 2; size >= 64; size /= 2) {
      try {
        localStorage.setItem(`filler.${i++}`, 'x'.repeat(size));
      } catch {
        // this much no longer fits: try less
      }
    }
    for (let freed = 0, k = i - 1; freed < room && k >= 0; k--) {
      const v = localStorage.getItem(`filler.${k}`);
      if (v === null) continue;
      freed += v.length;
      localStorage.removeItem(`filler.${k}`);
    }
  }, room);
}

const freeStorage = (page: Page) =>
  page.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('filler.')) localStorage.removeItem(k);
  });

test('a full storage: the failed save is announced, the lab kept on screen, and saved again once there is room', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await fillStorage(page);

  await t.run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
  await expect(lab.notice).toContainText('Autosave failed: this browser’s storage for Hoplab is full. Your lab is still here');
  await expect(page.getByTestId('autosave-state')).toHaveText('Not saved');
  await t.run('node01', 'ip route');
  await t.expectOutput('node01', '10.244.2.2 via 192.168.1.12 dev eth0');

  await freeStorage(page);
  await t.run('node02', 'ip route add 10.244.1.2 via 192.168.1.11');
  await expect(lab.notice).toContainText('Autosave works again');
  await expect(page.getByTestId('autosave-state')).toHaveCount(0);

  await page.reload();
  await lab.waitForCanvas();
  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12 dev eth0');
  await lab.inspect('node02');
  await expect(lab.routeTable('node02')).toContainText('10.244.1.2 via 192.168.1.11 dev eth0');
  expect(errors).toEqual([]);
});

test('a lab file too big to save, or to be a lab, is refused before anything is replaced', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('routed');
  await fillStorage(page, 10_000);
  // a small lab with many hand-placed positions: 200,000 characters, more than the room left
  const hosts = ['host0', 'host1'];
  const positions = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`host:somewhere-${i}`, { x: i, y: i }]));
  const big = { format: 'hoplab-lab', version: 1, title: 'Many positions', preset: null, base: { name: 'big', hosts, lans: { lan0: hosts.map((h) => `${h}:eth0`) }, steps: [] }, ops: [], positions };
  await lab.importFile('big.json', JSON.stringify(big));
  await expect(lab.notice).toContainText('Import failed, your lab is unchanged. This lab cannot be saved in this browser');
  await expect(lab.host('pod3')).toBeVisible();
  await expect(lab.host('host0')).toHaveCount(0);

  await freeStorage(page);
  await lab.importFile('huge.json', JSON.stringify({ ...big, title: 'x'.repeat(2_100_000) }));
  await expect(lab.notice).toContainText(/This file is too large for a lab: 2,\d{3},\d{3} characters, where a lab file has at most 2,000,000\./);

  await page.reload();
  await lab.waitForCanvas();
  await expect(lab.host('pod3')).toBeVisible();
});

test('two tabs on one lab: the second hears the first, and nothing is written over', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  const labA = new LabPage(a);
  const labB = new LabPage(b);
  await labA.open('before-routes');
  await b.goto('/');
  await labB.waitForCanvas();

  // tab A adds a route: tab B, open on the same lab, is told and stops saving over it
  await labA.clickHost('node01');
  await labA.addRoute('10.244.2.2', '192.168.1.12');
  await expect(labA.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');
  const conflict = b.getByTestId('conflict');
  await expect(conflict).toContainText('This lab was changed in another tab');
  await labB.clickHost('node02');
  await labB.addRoute('10.244.1.2', '192.168.1.11');
  await expect(b.getByTestId('autosave-state')).toHaveText('Not saved: changed in another tab');

  // B loads A's lab: B's own route is kept aside as a copy, never dropped
  await conflict.getByRole('button', { name: 'Load the other tab’s lab' }).click();
  await expect(conflict).toHaveCount(0);
  await labB.inspect('node01');
  await expect(labB.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');
  await expect(labB.notice).toContainText('This tab’s lab is kept as');
  await b.getByRole('button', { name: 'Kept copies (1)' }).click();
  await expect(b.getByRole('list', { name: 'Kept copies' })).toContainText('this tab’s lab when another tab changed it');
  await b.getByRole('button', { name: 'Close', exact: true }).first().click();

  // now A hears B's save in turn, and keeps its lab apart as a separate copy
  await labB.inspect('node03');
  await labB.addRoute('10.244.1.2', '192.168.1.11');
  await expect(a.getByTestId('conflict')).toBeVisible();
  await a.getByTestId('conflict').getByRole('button', { name: 'Keep mine as a separate copy' }).click();
  await expect(labA.notice).toContainText('kept apart as');
  await expect(a.getByTestId('autosave-state')).toHaveText('Saved as a separate copy');

  // a reload opens B's lab, which holds A's route too
  await a.reload();
  await labA.waitForCanvas();
  await labA.inspect('node03');
  await expect(labA.routeTable('node03')).toContainText('10.244.1.2 via 192.168.1.11');
  await labA.inspect('node01');
  await expect(labA.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');
});

test('an autosave that cannot be rebuilt is kept aside, with a notice, and can be downloaded', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('fresh');
  // a save that reads as a lab but whose second operation plugs a cable into a missing machine
  await page.evaluate(() => {
    const saved = JSON.parse(localStorage.getItem('hoplab.lab.v1')!);
    saved.ops = [{ kind: 'host', name: 'node04' }, { kind: 'lan-member', lan: 'lan0', member: 'node09:eth0' }];
    localStorage.setItem('hoplab.lab.v1', JSON.stringify(saved));
  });
  await page.reload();
  await lab.waitForCanvas();
  await expect(lab.notice).toContainText('Your autosaved lab could not be rebuilt: unknown host "node09"');
  await expect(lab.notice).toContainText('Lab ▸ Kept copies');
  await page.getByRole('button', { name: 'Kept copies (1)' }).click();
  const list = page.getByRole('list', { name: 'Kept copies' });
  await expect(list).toContainText('1. Three nodes on a LAN');
  await expect(list).toContainText('autosave that could not be rebuilt');
  const download = page.waitForEvent('download');
  await list.getByRole('button', { name: /^Download/ }).click();
  expect((await download).suggestedFilename()).toMatch(/^hoplab-kept-.*\.json$/);
  await list.getByRole('button', { name: /^Delete/ }).click();
  await expect(page.getByRole('dialog', { name: 'Kept copies' })).toContainText('None left.');
});
