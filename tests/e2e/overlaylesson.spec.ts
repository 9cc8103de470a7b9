/**
 * The overlays lesson in the app, on its flannel cluster: a prediction of where a packet stops offers
 * the lab's machines and pods by the names the student knows (a pod as namespace/pod, never its
 * sandbox's cni-… namespace), and the ping's trace confirms the answer.
 */
import { expect, test } from '@playwright/test';
import { watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

test('the overlays lesson: predict where a ping into a tunnel without a remote stops, choosing among pods by their names', async ({ page }) => {
  const errors = watchConsole(page);
  const terms = new Terminals(page);
  await page.goto('/?lesson=overlays');
  const lesson = page.getByTestId('lesson');
  await expect(lesson.getByLabel('0 of 5 steps done')).toBeVisible({ timeout: 60_000 });

  // step 1 from its solution: vxlan0 on both nodes
  await lesson.getByRole('button', { name: 'Show the solution' }).click();
  await lesson.getByRole('button', { name: 'Run it for me' }).click();
  await expect(lesson.getByLabel('1 of 5 steps done')).toBeVisible();

  // step 2: the places offered are the machines and the pods, by name
  const where = lesson.getByLabel('Where the packet stops');
  await expect(where.locator('option', { hasText: 'default/a' })).toHaveCount(1);
  const offered = await where.locator('option').allTextContents();
  expect(offered).toContain('node01');
  expect(offered.filter((o) => o.startsWith('cni-'))).toEqual([]);
  await where.selectOption({ label: 'node01' });
  await lesson.getByRole('button', { name: 'It stops at node01' }).click();
  await terms.open('node01');
  await terms.run('node01', 'ping -c 1 -W 1 10.42.0.2');
  await expect(lesson.getByTestId('lesson-reveal')).toContainText('Right');
  await expect(lesson.getByTestId('lesson-reveal')).toContainText('node01');
  expect(errors).toEqual([]);
});
