/**
 * Autosave of a lab opened from a link: a lab loaded with ?lab= is saved at once, so a reload
 * after read-only commands (which change nothing, so record nothing) still shows it.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

test('a lab opened with ?lab= survives a reload after only read-only commands', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const terms = new Terminals(page);
  // a first visit through a shared link: a new browser profile, nothing autosaved yet
  await page.goto('/?lab=routed');
  await lab.waitForCanvas();
  await expect(page).not.toHaveURL(/lab=/);
  await expect(lab.host('pod3')).toBeVisible();
  // saved at once, before anything changes it
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('hoplab.lab.v1') ?? 'null'));
  expect(saved).toMatchObject({ format: 'hoplab-lab', preset: 'routed', ops: [] });

  await terms.run('node01', 'ip route');
  await terms.expectOutput('node01', '10.244.2.2 via 192.168.1.12 dev eth0');

  await page.reload();
  await lab.waitForCanvas();
  for (const n of ['node01', 'node02', 'node03', 'pod1', 'pod2', 'pod3']) await expect(lab.host(n)).toBeVisible();
  await expect(lab.labSelect.locator('option:checked')).toHaveText(/Routes added/);
  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12 dev eth0');
  await lab.shot('autosave-after-reload');
  expect(errors).toEqual([]);
});

test('a lab opened with ?lab= and nothing else done survives a reload', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('single-network');
  await expect(lab.host('router')).toBeVisible();
  await page.reload();
  await lab.waitForCanvas();
  await expect(lab.host('router')).toBeVisible();
  await expect(lab.labSelect.locator('option:checked')).not.toHaveText(/Empty/);
});
