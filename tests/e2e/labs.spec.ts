/**
 * Labs: presets from the menu and the URL, autosave across a reload, export/import, and a
 * corrupt import that leaves the lab untouched.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { LabPage, SCREENSHOTS, watchConsole } from './pages/LabPage';

test('a reload loses nothing: the autosaved lab comes back', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  await lab.open('before-routes');
  await expect(page).not.toHaveURL(/lab=/); // the preset was applied, the URL no longer forces it

  await lab.clickHost('node01');
  await lab.addRoute('10.244.2.2', '192.168.1.12');
  await lab.enableForwarding();
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');

  await page.reload();
  await lab.waitForCanvas();
  await expect(lab.labSelect.locator('option:checked')).toHaveText(/\(edited\)/);
  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12 dev eth0');
  await expect(lab.forwardingSwitch()).toHaveAttribute('aria-checked', 'true');
  await expect(lab.host('pod3')).toBeVisible();
  await lab.shot('05-after-reload');
  expect(errors).toEqual([]);
});

test('a corrupt import is refused with a clear error and the lab is untouched', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('before-routes');
  await lab.clickHost('node01');
  await lab.addRoute('10.244.2.2', '192.168.1.12');

  await lab.importFile('broken.json', '{"format": "hoplab-lab", "version": 1, "ops": [');
  await expect(lab.notice).toContainText('Import failed, your lab is unchanged');
  await expect(lab.notice).toContainText('not valid JSON');
  await lab.shot('06-corrupt-import');

  await lab.importFile('wrong.json', JSON.stringify({ format: 'hoplab-lab', version: 1, title: 'x', preset: null, base: { name: 'x', steps: [] }, ops: [{ kind: 'warp' }], positions: {} }));
  await expect(lab.notice).toContainText('ops[0]');

  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');
  for (const n of ['node01', 'node02', 'node03', 'pod1', 'pod2', 'pod3']) await expect(lab.host(n)).toBeVisible();

  // and the autosave still holds the good lab
  await page.reload();
  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');
});

test('export then import brings the same lab back', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('before-routes');
  await lab.clickHost('node02');
  await lab.addRoute('10.244.1.2', '192.168.1.11');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = await (await download).path();
  const text = fs.readFileSync(file, 'utf8');
  expect(JSON.parse(text)).toMatchObject({ format: 'hoplab-lab', version: 1, preset: 'before-routes' });

  await lab.labSelect.selectOption('fresh');
  await expect(lab.host('pod1')).toHaveCount(0);

  await lab.importFile('lab.json', text);
  await expect(lab.notice).toContainText('Imported lab');
  await lab.inspect('node02');
  await expect(lab.routeTable('node02')).toContainText('10.244.1.2 via 192.168.1.11');
});

test('presets from the menu, and an unknown ?lab= says so', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  // a first visit opens the seed lab: the lesson's three nodes, a pod each, before the routes
  await expect(lab.labSelect).toHaveValue('before-routes');
  await expect(lab.host('pod2')).toBeVisible();
  await lab.labSelect.selectOption('empty');
  await expect(page.getByRole('heading', { name: 'Build a lab' })).toBeVisible();
  await lab.shot('00-empty');

  await lab.labSelect.selectOption('routed');
  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).toContainText('via 192.168.1.12');

  await page.goto('/?lab=no-such-lab');
  await expect(lab.notice).toContainText('There is no lab called "no-such-lab"');
});

test('the embed widget: one terminal and the trace, configured by the URL', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/embed.html?lab=before-routes&host=node01&readonly=1');
  await expect(page.locator('[data-netns="pod2"]')).toBeVisible();
  await expect(page.getByText('read-only topology')).toBeVisible();
  const terminal = page.locator('.xterm-rows');
  await expect(terminal).toContainText('root@node01');
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.insertText('ping -c 1 10.244.2.2');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('Network is unreachable');
  await expect(page.getByRole('region', { name: 'Packet trace' })).toContainText('Network is unreachable');
  // read-only: the Add menu is absent and boxes cannot be dragged
  await expect(page.getByRole('button', { name: 'Add to the lab' })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/07-embed.png` });
  expect(errors).toEqual([]);
});
