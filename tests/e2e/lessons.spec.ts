/**
 * Lessons in the app: a built-in lesson followed through the UI (inspector, canvas, terminal, a
 * prediction the trace confirms), and a lesson file with mistakes, whose problems are listed with
 * their lines while the lab stays as it was.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

test('a lesson walks the student from the failing ping to a pod-to-pod reply', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const terms = new Terminals(page);
  await lab.open('empty');
  const lesson = page.getByTestId('lesson');
  await lesson.getByRole('button', { name: /3\. Static routes/ }).click();
  await expect(lab.host('pod3')).toBeVisible();
  await expect(lesson.getByLabel('0 of 6 steps done')).toBeVisible();
  await expect(lesson.getByTestId('lesson-detail')).toContainText('Network is unreachable');

  // step 1 with the inspector's route form
  await lab.inspect('node01');
  await lab.addRoute('10.244.2.2', '192.168.1.12');
  await lab.addRoute('10.244.3.2', '192.168.1.13');
  await expect(lesson.getByLabel('1 of 6 steps done')).toBeVisible();

  // steps 2 and 3 from their solutions, typed into the terminals for the student
  for (const n of [2, 3]) {
    await lesson.getByRole('button', { name: 'Show the solution' }).click();
    await lesson.getByRole('button', { name: 'Run it for me' }).click();
    await expect(lesson.getByLabel(`${n} of 6 steps done`)).toBeVisible();
  }

  // predict by clicking a box on the canvas, then the ping reveals where it stopped
  await lab.clickHost('node02');
  await lesson.getByRole('button', { name: 'It stops at node02' }).click();
  await terms.open('pod1');
  await terms.run('pod1', 'ping -c 1 -W 1 10.244.2.2');
  await expect(lesson.getByTestId('lesson-reveal')).toContainText('Right');
  await expect(lesson.getByLabel('4 of 6 steps done')).toBeVisible();

  for (const node of ['node02', 'node03']) {
    await lab.inspect(node);
    await lab.enableForwarding();
  }
  await expect(lesson.getByLabel('5 of 6 steps done')).toBeVisible();

  // the crossing counts whichever terminal typed it
  await terms.open('node01');
  await terms.run('node01', 'ip netns exec pod1 ping -c 2 10.244.2.2');
  await expect(lesson.getByLabel('6 of 6 steps done')).toBeVisible();
  await expect(lesson.getByRole('status').filter({ hasText: 'Lesson complete' })).toBeVisible();
  await lab.shot('09-lesson-complete');

  // progress survives a reload
  await page.reload();
  await expect(page.getByTestId('lesson').getByLabel('6 of 6 steps done')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a bad lesson file shows its errors with their lines and changes nothing', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('routed');
  const lesson = page.getByTestId('lesson');
  await lesson.getByTestId('lesson-file-input').setInputFiles({
    name: 'broken.yaml',
    mimeType: 'text/yaml',
    buffer: Buffer.from(
      ['id: broken', 'title: "<img src=x onerror=alert(1)>"', 'lab: { preset: routed }', 'steps:', '  - id: a', '    title: One', '    text: Hi', '    goal:', '      route: { on: node01, to: 10.244.2 }'].join('\n'),
    ),
  });
  const problems = lesson.getByRole('list', { name: 'Problems in the lesson file' });
  await expect(problems).toContainText('line 9');
  await expect(problems).toContainText('steps[0].goal.route.to');
  await expect(problems).toContainText('must be an IPv4 address');
  await expect(lab.labSelect).toHaveValue('routed');
  await lab.shot('lesson-bad-file');

  // a good file with markup in it: rendered as text
  await lesson.getByRole('button', { name: 'Dismiss' }).click();
  await lesson.getByTestId('lesson-file-input').setInputFiles({
    name: 'ok.yaml',
    mimeType: 'text/yaml',
    buffer: Buffer.from(
      ['id: markup', 'title: "<b>bold?</b>"', 'lab: { preset: routed }', 'steps:', '  - id: a', '    title: One', '    text: "<script>alert(1)</script> [x](javascript:alert(1)) **real**"', '    goal:', '      ping: { from: pod1, to: 10.244.2.2 }'].join('\n'),
    ),
  });
  await expect(lesson.getByRole('heading', { name: '<b>bold?</b>' })).toBeVisible();
  await expect(lesson.locator('script, b, a[href^="javascript"]')).toHaveCount(0);
  await expect(lesson.getByLabel('1 of 1 steps done')).toBeVisible();
});

test('a shared link reopens the same lab; a link that does not decode keeps the current one', async ({ page, context }) => {
  const lab = new LabPage(page);
  await lab.open('before-routes');
  await lab.inspect('node02');
  await lab.addRoute('10.244.1.2', '192.168.1.11');
  await page.getByRole('button', { name: 'Share' }).click();
  const input = page.getByTestId('share-link');
  await expect(input).toHaveValue(/#lab=z/);
  const link = await input.inputValue();
  await page.getByRole('button', { name: 'Done' }).click();

  // another browser tab, another student: a fresh autosave
  const other = await context.newPage();
  await other.goto('/?lab=fresh');
  const lab2 = new LabPage(other);
  await lab2.waitForCanvas();
  await other.goto(link);
  await lab2.waitForCanvas();
  await expect(lab2.notice).toContainText('Opened a shared lab');
  await lab2.inspect('node02');
  await expect(lab2.routeTable('node02')).toContainText('10.244.1.2 via 192.168.1.11');
  await expect(other).not.toHaveURL(/#lab=/);

  // a damaged link: a clear message, and the lab stays
  await other.goto(`${new URL(link).origin}/#lab=zAAAAAAAAAAAAAAAAAAAAAAAA-broken`);
  await lab2.waitForCanvas();
  await expect(lab2.notice).toContainText('This link does not decode');
  await expect(lab2.notice).toContainText('Your lab is unchanged');
  await lab2.inspect('node02');
  await expect(lab2.routeTable('node02')).toContainText('10.244.1.2 via 192.168.1.11');
});

test('compare: the unreachable and the routed ping side by side, stepped together', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('before-routes');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Compare two labs…' }).click();
  const view = page.getByRole('dialog', { name: 'Compare two labs' });
  const left = view.getByRole('region', { name: 'Left: 4. Before the routes' });
  const right = view.getByRole('region', { name: 'Right: 5. Routes added, forwarding on' });
  await expect(view.getByTestId('compare-outcome-left')).toContainText('Network is unreachable');
  await expect(view.getByTestId('compare-outcome-right')).toContainText('Reply');
  await expect(left.locator('[aria-current="step"]')).toContainText('IP_OUTNOROUTES');
  await expect(right.locator('[aria-current="step"]')).toContainText('FIB_MATCH');
  await expect(left.locator('.is-part')).toContainText('they part here');

  // from pod1 the packets go together for a while, then part at node01
  await view.getByLabel('Ping from').fill('pod1');
  await view.getByTestId('compare-step').click();
  await page.keyboard.press('ArrowRight');
  await expect(view.getByTestId('compare-step')).toContainText('Step 2 of');
  const step2 = await left.locator('[aria-current="step"]').textContent();
  expect(await right.locator('[aria-current="step"]').textContent()).toBe(step2);
  await view.getByRole('button', { name: /Go to where they part/ }).click();
  await expect(left.locator('[aria-current="step"]')).toContainText('IP_FORWARDING_DISABLED');
  await expect(right.locator('[aria-current="step"]')).toContainText('node01');
  await expect(right.locator('[aria-current="step"]')).toHaveClass(/is-part/);
  await lab.shot('compare-view');
  await view.getByRole('button', { name: 'Close' }).click();
  await expect(view).toHaveCount(0);
});

test('presenter view: large type, the keyboard steps the trace, the timeline returns to an earlier lab', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('before-routes');
  await lab.inspect('node01');
  await lab.addRoute('10.244.2.2', '192.168.1.12');
  await lab.ping('10.244.2.2');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Presenter view' }).click();
  await expect(page.locator('html')).toHaveClass(/hl-presenter/);
  const trace = page.getByRole('region', { name: 'Packet trace' });
  await trace.getByRole('button', { name: 'First event' }).click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(trace.locator('[aria-current="step"] button')).toHaveAttribute('aria-label', /^Event 3 of/);
  await page.keyboard.press('ArrowLeft');
  await expect(trace.locator('[aria-current="step"] button')).toHaveAttribute('aria-label', /^Event 2 of/);

  const timeline = page.getByRole('navigation', { name: 'Timeline of the lab' });
  // the lab as loaded, then with the route (the ping changed nothing to undo); the current is 2
  await expect(timeline.getByRole('button', { name: '2', exact: true })).toBeDisabled();
  await lab.shot('presenter-view');
  await timeline.getByRole('button', { name: '1', exact: true }).click();
  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).not.toContainText('10.244.2.2 via');
  await timeline.getByRole('button', { name: 'Leave presenter view' }).click();
  await expect(page.locator('html')).not.toHaveClass(/hl-presenter/);
});
