/**
 * A Kubernetes lesson in the app: the NetworkPolicy lesson opened by its URL on its cluster lab,
 * followed through the terminals and the lesson's own buttons. Its goals read the live cluster
 * (a ping's trace, real connections between pods through the policy agent's rules), so a step
 * ticks because of what the packets did, and a prediction is confirmed by the trace.
 */
import { expect, test } from '@playwright/test';
import { watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

test('the NetworkPolicy lesson: a ping, a default-deny, and a predicted drop on the live cluster', async ({ page }) => {
  const errors = watchConsole(page);
  const terms = new Terminals(page);
  await page.goto('/?lesson=network-policy');
  const lesson = page.getByTestId('lesson');
  await expect(lesson.getByLabel('0 of 5 steps done')).toBeVisible({ timeout: 60_000 });
  await expect(lesson.getByTestId('lesson-detail')).toContainText('run a ping from y/a to x/b');

  // step 1 typed by the student: a ping from pod y/a, through kubectl exec on node01
  await terms.open('node01');
  await terms.run('node01', 'kubectl exec -n y a -- ping -c 1 -W 1 $(kubectl get pod -n x b -o jsonpath={.status.podIP})');
  await expect(lesson.getByLabel('1 of 5 steps done')).toBeVisible();

  // step 2 from its solution: the policy is applied, and real connections say it holds
  await lesson.getByRole('button', { name: 'Show the solution' }).click();
  await lesson.getByRole('button', { name: 'Run it for me' }).click();
  await expect(lesson.getByLabel('2 of 5 steps done')).toBeVisible();

  // step 3: predict the drop, then the ping's trace confirms it
  await lesson.getByRole('button', { name: /^NETFILTER_DROP/ }).click();
  await terms.run('node01', 'kubectl exec -n y a -- ping -c 1 -W 1 $(kubectl get pod -n x b -o jsonpath={.status.podIP})');
  await expect(lesson.getByTestId('lesson-reveal')).toContainText('Right');
  await expect(lesson.getByLabel('3 of 5 steps done')).toBeVisible();
  await expect(lesson.getByTestId('lesson-detail')).toContainText('y/a → x/b');
  expect(errors).toEqual([]);
});
