/**
 * A command that would run for ever does not take the page with it: the flood ping that once froze
 * the tab for minutes runs in slices, another terminal answers meanwhile, and Ctrl+C stops it with
 * its statistics, as in a real terminal.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

/** The highest icmp_seq on a terminal's screen. */
const lastSeq = (text: string) => Math.max(0, ...[...text.matchAll(/icmp_seq=(\d+)/g)].map((m) => Number(m[1])));

/** The page still paints: a frame is drawn and the main thread answers. */
const paints = (page: import('@playwright/test').Page) => page.evaluate(() => new Promise<boolean>((resolve) => requestAnimationFrame(() => resolve(true))));

test('a flood ping stays interruptible and the page responsive', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('routed');

  // the example: 100,000 pings as fast as they go, quiet until the end
  await t.run('pod1', 'ping -c 100000 -i 0 -q 10.244.2.2');
  await t.expectOutput('pod1', 'PING 10.244.2.2 (10.244.2.2) 56(84) bytes of data.');
  expect(await paints(page)).toBe(true);

  // another terminal answers while it runs
  await t.run('node02', 'ip -br addr show dev eth0');
  await t.expectOutput('node02', /eth0\S*\s+UP\s+192\.168\.1\.12\/24/);

  // Ctrl+C: SIGINT, and ping prints what it sent and received so far (a machine fast enough may
  // have finished all 100,000 meanwhile: then the counts are the whole run's)
  await t.open('pod1');
  await page.keyboard.press('Control+c');
  await t.expectOutput('pod1', '--- 10.244.2.2 ping statistics ---');
  const out = await t.text('pod1');
  const stats = /(\d+) packets transmitted, (\d+) received/.exec(out);
  expect(stats).not.toBeNull();
  const [sent, received] = [Number(stats![1]), Number(stats![2])];
  expect(sent).toBeGreaterThan(0);
  expect(sent).toBeLessThanOrEqual(100_000);
  expect(received).toBeLessThanOrEqual(sent);
  await t.expectOutput('pod1', /ping statistics ---[\s\S]*root@pod1:~#/);

  // and the terminal takes the next command at once
  await t.run('pod1', 'ping -c 1 -W 1 10.244.2.2');
  await t.expectOutput('pod1', '1 packets transmitted, 1 received');
  expect(await paints(page)).toBe(true);
  expect(errors).toEqual([]);
});

test('ping -c 4294967295 runs until Ctrl+C, and another terminal works meanwhile', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('routed');
  // the other example: once, this made a reload take almost four minutes
  await t.run('pod1', 'ping -i 0.2 -c 4294967295 10.244.2.2');
  // it keeps going past the five packets an old version stopped at
  await t.expectOutput('pod1', 'icmp_seq=6 ttl=62');
  await t.run('node01', 'ip route get 10.244.2.2');
  await t.expectOutput('node01', '10.244.2.2 via 192.168.1.12 dev eth0 src 192.168.1.11');
  expect(await paints(page)).toBe(true);
  // it went on meanwhile: back in pod1's terminal, new replies keep coming
  await t.open('pod1');
  const seen = lastSeq(await t.text('pod1'));
  await expect.poll(async () => lastSeq(await t.text('pod1'))).toBeGreaterThan(seen);
  await page.keyboard.press('Control+c');
  await t.expectOutput('pod1', '--- 10.244.2.2 ping statistics ---');
  await t.expectOutput('pod1', /\d+ packets transmitted, \d+ received/);
});
