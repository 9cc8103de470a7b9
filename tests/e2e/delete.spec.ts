/**
 * Deleting a machine (with its pod) and a LAN switch, from the inspector and with the Delete key
 * on the canvas: the activity bar says what went, undo brings it back, a reload keeps it.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';

test('delete a machine with its pod and a LAN switch; undo brings them back', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  await lab.open('routed');

  // the inspector's delete section says what goes, and runs it as one step
  await lab.clickHost('node03');
  const section = lab.inspector.locator('[data-section="delete"]');
  await expect(section).toContainText('with its pod pod3');
  await expect(section.getByLabel(/Will run/)).toContainText('# delete machine pod3');
  await section.getByRole('button', { name: 'Delete machine node03' }).click();
  await expect(lab.host('node03')).toHaveCount(0);
  await expect(lab.host('pod3')).toHaveCount(0);
  await expect(lab.activity).toContainText('deleted machine node03');
  await expect(lab.inspector.getByLabel('Inspect')).toHaveValue(''); // nothing selected any more
  await lab.shot('delete-machine');

  // the rest of the lab still works
  await lab.clickHost('pod1');
  expect(await lab.ping('10.244.2.2')).toContain('1 received');

  // undo: node03 and its pod are back, with their routes
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(lab.host('node03')).toBeVisible();
  await expect(lab.host('pod3')).toBeVisible();
  await expect(lab.activity).toContainText('Undo: deleted machine pod3');

  // the keyboard: focus the LAN switch on the canvas and press Delete
  const lan = page.getByTestId('lan-lan0');
  await lan.click();
  await expect(lab.inspector.getByRole('heading', { level: 2, name: 'lan0' })).toBeVisible();
  await expect(lab.inspector.getByRole('button', { name: 'Delete LAN switch lan0' })).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(lan).toHaveCount(0);
  await expect(lab.activity).toContainText('deleted LAN switch lan0 and every cable plugged into it');
  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).not.toContainText('192.168.1.0/24');

  // Backspace in a form field never deletes anything
  await lab.inspector.getByLabel('Destination address').fill('x');
  await lab.inspector.getByLabel('Destination address').press('Backspace');
  await expect(lab.host('node01')).toBeVisible();

  // a reload keeps the deletion (it is part of the autosaved lab)
  await page.reload();
  await lab.waitForCanvas();
  await expect(lab.host('node01')).toBeVisible();
  await expect(page.getByTestId('lan-lan0')).toHaveCount(0);

  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('lan-lan0')).toHaveCount(0); // history does not survive a reload, the lab does
  expect(errors).toEqual([]);
});
