/**
 * Terminals: one per host, the real command layer, line editing, tcpdump.
 * Spec (1) of the issue: the 'before-routes' lab, a ping from node01 that fails at once with
 * "Network is unreachable", and the trace saying why.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { LabPage, SCREENSHOTS, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

const shot = (name: string) => path.join(SCREENSHOTS, `${name}.png`);

test('before-routes: ping 10.244.2.2 from node01 is unreachable, and the trace says why', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');

  await t.run('node01', 'ping -c 1 10.244.2.2');
  await t.expectOutput('node01', 'ping: connect: Network is unreachable');
  await t.expectOutput('node01', 'root@node01:~#');

  // the trace: the drop is shown where it happens, with its reason in words and a fix
  await expect(t.outcome).toContainText('Dropped at node01');
  await expect(t.outcome).toContainText('no route to 10.244.2.2 in the main table → ping: connect: Network is unreachable');
  await expect(t.outcome).toContainText('Suggested fix: add a route to 10.244.2.0/24 via 192.168.1.12 on node01');
  const drop = t.traceEvents.getByRole('listitem').filter({ hasText: 'dropped' }).first();
  await expect(drop).toContainText(/node01.*no route to 10\.244\.2\.2/);
  await expect(drop.getByRole('button', { name: /^Apply fix: add a route to 10\.244\.2\.0\/24/ })).toBeVisible();
  await page.screenshot({ path: shot('terminal-before-routes-unreachable') });

  // the fix runs in node01's terminal, where the student sees the command
  await drop.getByRole('button', { name: /^Apply fix/ }).click();
  await t.expectOutput('node01', /ip route add 10\.244\.2\.0\/24 via 192\.168\.1\.12/);
  await t.run('node01', 'ip route');
  await t.expectOutput('node01', '10.244.2.0/24 via 192.168.1.12 dev eth0');
  expect(errors).toEqual([]);
});

test('line editing: tab completion, history, Ctrl+C, clear', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.open('node01');
  const kb = page.keyboard;

  // commands, objects, devices, namespaces and addresses complete
  await kb.type('ip ro');
  await kb.press('Tab');
  await kb.type('sh');
  await kb.press('Tab');
  await kb.type('dev v-');
  await kb.press('Tab');
  await expect(t.screen('node01')).toContainText('root@node01:~# ip route show dev v-net-0');
  await kb.press('Enter');
  await t.expectOutput('node01', '10.244.1.0/24 proto kernel scope link src 10.244.1.1');

  await kb.type('ip netns exec po');
  await kb.press('Tab'); // pod1, pod2, pod3: completes the common prefix
  await kb.type('1 ');
  await expect(t.screen('node01')).toContainText('ip netns exec pod1');
  await kb.type('pin');
  await kb.press('Tab');
  await kb.type('-c 1 10.244.1.');
  await kb.press('Tab');
  await kb.press('Tab'); // second Tab lists the candidates, like bash
  await t.expectOutput('node01', /10\.244\.1\.1\s+10\.244\.1\.2/);
  await kb.type('1');
  await kb.press('Enter');
  await t.expectOutput('node01', '64 bytes from 10.244.1.1: icmp_seq=1 ttl=64');

  // history: Up recalls, editing in the middle works
  await kb.press('ArrowUp');
  await kb.press('ArrowUp');
  await expect(t.screen('node01')).toContainText(/# ip route show dev v-net-0\s*$/);
  await kb.press('Control+u');
  await kb.type('echo world');
  await kb.press('Home');
  await kb.press('Control+ArrowRight');
  await kb.type(' hello');
  await kb.press('Enter');
  await t.expectOutput('node01', /# echo hello world\s*hello world/);

  // Ctrl+C abandons the line
  await kb.type('ping 10.244.9.9');
  await kb.press('Control+c');
  await t.expectOutput('node01', 'ping 10.244.9.9^C');

  await t.run('node01', 'history');
  await t.expectOutput('node01', /\d+\s+ip route show dev v-net-0/);

  // Ctrl+R searches the history backwards
  await kb.press('Control+r');
  await kb.type('show dev');
  await expect(t.screen('node01')).toContainText("(reverse-i-search)`show dev': ip route show dev v-net-0");
  await kb.press('Enter');
  await expect(t.screen('node01')).toContainText(/\d+\s+history\s*root@node01:~# ip route show dev v-net-0\s*10\.244\.1\.0\/24/);

  await page.screenshot({ path: shot('terminal-line-editing') });
  await t.run('node01', 'clear');
  await expect(t.screen('node01')).not.toContainText('history');
});

test('history survives a reload', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.run('node02', 'ip route add 10.244.1.2 via 192.168.1.11');
  await t.run('node02', 'ip -br addr show dev eth0');
  await t.expectOutput('node02', '192.168.1.12/24');
  // the terminals' autosave waits for a pause in the output: wait until it holds the last line
  await expect.poll(() => page.evaluate(() => localStorage.getItem('hoplab.terminals.v1') ?? '')).toContain('192.168.1.12/24');
  await page.reload();
  await lab.waitForCanvas();
  await t.open('node02');
  await t.expectOutput('node02', '192.168.1.12/24'); // the scrollback came back
  await page.keyboard.press('ArrowUp');
  await expect(t.screen('node02')).toContainText(/# ip -br addr show dev eth0\s*$/);
});

test('tcpdump in one terminal prints the frames of a ping run in another', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('routed');

  await t.run('node02', 'tcpdump -i eth9');
  await t.expectOutput('node02', 'tcpdump: eth9: No such device exists');

  await t.run('node02', 'tcpdump -n -i eth0 -c 2 icmp');
  await t.expectOutput('node02', 'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode');
  await t.expectOutput('node02', 'listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes');
  await expect(page.getByRole('tab', { name: /node02 tcpdump/ })).toBeVisible();

  await t.run('node01', 'ip netns exec pod1 ping -c 1 10.244.2.2');
  await t.expectOutput('node01', '64 bytes from 10.244.2.2: icmp_seq=1 ttl=62');

  await t.open('node02');
  await t.expectOutput('node02', /\d\d:\d\d:\d\d\.\d{6} IP 10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request, id \d+, seq 1, length 64/);
  await t.expectOutput('node02', /\d\d:\d\d:\d\d\.\d{6} IP 10\.244\.2\.2 > 10\.244\.1\.2: ICMP echo reply, id \d+, seq 1, length 64/);
  await t.expectOutput('node02', '2 packets captured');
  await t.expectOutput('node02', '0 packets dropped by kernel');
  await page.screenshot({ path: shot('terminal-tcpdump') });

  // -i any: every device of node01, with the device and the direction on each line
  await t.run('node01', 'tcpdump -n -i any -c 3 icmp');
  await t.expectOutput('node01', 'listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes');
  await t.run('node03', 'ip netns exec pod3 ping -c 1 10.244.1.2');
  await t.open('node01');
  await t.expectOutput('node01', /eth0\s+In\s+IP 10\.244\.3\.2 > 10\.244\.1\.2: ICMP echo request/);
  await t.expectOutput('node01', /v-net-0\s+Out\s+IP 10\.244\.3\.2 > 10\.244\.1\.2: ICMP echo request/);
  await t.expectOutput('node01', /veth-pod1-br\s+Out\s+IP 10\.244\.3\.2 > 10\.244\.1\.2: ICMP echo request/);
  await t.expectOutput('node01', '3 packets captured');

  // without -c it runs until Ctrl+C
  await t.run('node02', 'tcpdump -n -i eth0 arp');
  await t.expectOutput('node02', 'listening on eth0');
  await page.keyboard.press('Control+c');
  await t.expectOutput('node02', /\^C\s*0 packets captured/);
  expect(errors).toEqual([]);
});

test('terminals are labelled and do not trap the keyboard', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.open('node01');
  await t.open('node03');
  const tabs = page.getByRole('tablist', { name: 'Terminal tabs' });
  await expect(tabs.getByRole('tab')).toHaveCount(2);
  await expect(t.region('node03').getByRole('textbox', { name: 'node03 terminal input' })).toBeFocused();

  // Escape, then Tab, moves focus out of the terminal
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(t.region('node03').getByRole('textbox')).not.toBeFocused();

  // tabs are reachable with the arrow keys and closable with the keyboard
  await tabs.getByRole('tab', { name: /^node03/ }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(tabs.getByRole('tab', { name: /^node01/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Delete');
  await expect(tabs.getByRole('tab')).toHaveCount(1);
  await page.getByRole('button', { name: 'Close node03 terminal' }).click();
  await expect(tabs.getByRole('tab')).toHaveCount(0);

  // screen reader mode exposes the terminal's rows as an accessibility tree
  await t.run('node02', 'hostname');
  await page.getByRole('checkbox', { name: 'Screen reader mode' }).check();
  await expect(t.region('node02').locator('.xterm-accessibility-tree')).toContainText('node02');
});

test('copy and paste: a pasted block runs line by line; a selection copies', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.open('node03');
  await page.evaluate(() => navigator.clipboard.writeText('ip -br addr show dev eth0\nip route show default\nhostname\n'));
  await page.keyboard.press('Control+Shift+V');
  await t.expectOutput('node03', /eth0@if\d+\s+UP\s+192\.168\.1\.13\/24/);
  await t.expectOutput('node03', /# hostname\s*node03/);

  // select a word with a double click, copy it with Ctrl+Shift+C
  const row = t.screen('node03').locator(':scope > div', { hasText: /^eth0/ }).first();
  const box = (await row.boundingBox())!;
  await page.mouse.dblclick(box.x + 10, box.y + box.height / 2);
  await page.keyboard.press('Control+Shift+C');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^eth0@if\d+$/);
});
