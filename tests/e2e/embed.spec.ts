/**
 * The widget as a course page uses it: the example host page (public/embed-example.html) embeds a
 * lesson with <hoplab-lab>, hears `ready`, a student completes the first step in the widget and
 * the page hears `stepCompleted`. A page of an origin the widget was not told to trust is ignored
 * and hears nothing. The widget runs under its strict CSP without a console error.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './pages/LabPage';

// the foreign host page below is served by the test itself, not from the network: Chromium's
// local network access checks would (rightly) stop such a page from framing a widget on 127.0.0.1
test.use({ launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-features=LocalNetworkAccessChecks'] } });

test('a course page embeds a lesson, hears ready, and hears the first step completed', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/embed-example.html');
  const log = page.getByTestId('host-log');
  // the first load of a widget (two pages, xterm) can take a while on a busy machine
  await expect(log).toContainText('ready', { timeout: 30_000 });
  const widget = page.frameLocator('hoplab-lab#lab iframe');
  const lesson = widget.getByTestId('lesson');
  await expect(lesson.getByText('Ping pod2 from node01')).toBeVisible();

  // the first step asks for a prediction, then the ping in node01's terminal
  await lesson.getByLabel('Where the packet stops').selectOption('node01');
  await lesson.getByRole('button', { name: 'It stops at node01' }).click();
  await widget.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('ping -c 1 10.244.2.2');
  await page.keyboard.press('Enter');
  await expect(widget.locator('.xterm-rows')).toContainText('Network is unreachable');
  await expect(lesson.getByTestId('lesson-reveal')).toContainText('Right');
  await expect(log).toContainText('stepCompleted {"lessonId":"unreachable-ping","stepId":"node-ping","index":0');
  await expect(log).toContainText('pingResult');
  // the frame took the height the widget reported
  const height = await page.locator('hoplab-lab#lab').evaluate((el) => (el.shadowRoot!.querySelector('iframe') as HTMLIFrameElement).style.height);
  expect(parseInt(height, 10)).toBeGreaterThan(500);

  // a command from the page
  await page.getByRole('button', { name: 'Get the lab' }).click();
  await expect(log).toContainText('answer to getLab: a lab of');
  // the click-to-load widget is a placeholder until clicked
  const lazy = page.locator('hoplab-lab[load="click"]');
  await expect(lazy.locator('iframe')).toHaveCount(0);
  await lazy.getByRole('button', { name: /Open the Hoplab lab/ }).click();
  await expect(page.frameLocator('hoplab-lab[load="click"] iframe').locator('[data-netns="pod2"]')).toBeVisible();
  await page.screenshot({ path: 'tests/e2e/screenshots/embed-host-page.png', fullPage: false });
  expect(errors).toEqual([]);
});

/**
 * A page on another origin that frames the widget twice: once trusting this page, once not.
 */
async function foreignHost(page: Page, widgetBase: string, trusted: string) {
  const foreign = 'http://course.test';
  await page.route(`${foreign}/foreign-course.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html><body>
        <iframe id="trusting" style="width:900px;height:600px" src="${widgetBase}/embed.html#lab=before-routes&host=node01&origins=${foreign}"></iframe>
        <iframe id="other" style="width:900px;height:600px" src="${widgetBase}/embed.html#lab=before-routes&host=node01&origins=${trusted}"></iframe>
        <script>
          window.heard = { trusting: [], other: [] };
          addEventListener('message', (e) => {
            const who = e.source === document.getElementById('trusting').contentWindow ? 'trusting' : 'other';
            window.heard[who].push(e.data);
          });
          window.send = (id, data) => document.getElementById(id).contentWindow.postMessage(
            { protocol: 'hoplab', version: 1, kind: 'command', name: 'runCommand', id: 1, data }, '*');
        </script></body></html>`,
    }),
  );
  await page.goto(`${foreign}/foreign-course.html`);
}

test("a foreign origin's runCommand changes nothing, and it hears nothing", async ({ page, baseURL }) => {
  await foreignHost(page, baseURL!, baseURL!);
  const names = (who: string) => page.evaluate((w) => (window as unknown as { heard: Record<string, { kind: string; name: string }[]> }).heard[w].map((m) => `${m.kind}:${m.name}`), who);
  // the widget that trusts this page talks to it: the message path works
  await expect(page.frameLocator('#trusting').locator('.xterm-rows')).toContainText('root@node01', { timeout: 30_000 });
  await expect.poll(() => names('trusting')).toContain('event:ready');
  await page.evaluate(() => (window as unknown as { send: (id: string, d: object) => void }).send('trusting', { on: 'node01', line: 'ip route add 10.9.9.0/24 via 192.168.1.12' }));
  await expect.poll(() => names('trusting')).toContain('response:runCommand');

  // the one that trusts only the widget's own origin: ignored, and silent
  const other = page.frameLocator('#other');
  await expect(other.locator('.xterm-rows')).toContainText('root@node01', { timeout: 30_000 });
  await page.evaluate(() => (window as unknown as { send: (id: string, d: object) => void }).send('other', { on: 'node01', line: 'ip route add 10.9.9.0/24 via 192.168.1.12' }));
  await page.waitForTimeout(500);
  expect(await names('other')).toEqual([]);
  await other.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('ip route');
  await page.keyboard.press('Enter');
  await expect(other.locator('.xterm-rows')).toContainText('10.244.1.0/24 dev v-net-0');
  await expect(other.locator('.xterm-rows')).not.toContainText('10.9.9.0');
});
