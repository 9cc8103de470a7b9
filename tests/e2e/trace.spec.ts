/**
 * Trace, capture and reachability, end to end.
 * Spec (3) of the issue: build the whole lab from three bare nodes by typing the lecture's commands
 * in the terminals (stage by stage), and see the routed ping reply (ttl 62 from a pod, 63 from a
 * node) with a trace through node02 and v-net-0.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { LabPage, SCREENSHOTS, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
const NODES = [1, 2, 3];

const bridge = (n: number) => ['ip link add v-net-0 type bridge', 'ip link set dev v-net-0 up', `ip addr add 10.244.${n}.1/24 dev v-net-0`];
const pod = (n: number) => [
  `ip netns add pod${n}`,
  `ip link add veth-pod${n} type veth peer name veth-pod${n}-br`,
  `ip link set veth-pod${n} netns pod${n}`,
  `ip link set veth-pod${n}-br master v-net-0`,
  `ip link set veth-pod${n}-br up`,
  `ip -n pod${n} addr add 10.244.${n}.2/24 dev veth-pod${n}`,
  `ip -n pod${n} link set veth-pod${n} up`,
  `ip -n pod${n} route add default via 10.244.${n}.1`,
];
const routes = (n: number) => NODES.filter((m) => m !== n).map((m) => `ip route add 10.244.${m}.2 via 192.168.1.1${m}`);

// the lecture typed stage by stage, each from the preset it starts at (fresh → bridges → pods →
// before the routes → routed): every command of the lesson is typed, and no test runs for minutes
test('build the lab by typing, 1: a bridge on every node', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('fresh');
  for (const n of NODES) await t.runAll(`node0${n}`, bridge(n));
  await t.run('node01', 'ip -br addr show dev v-net-0');
  await t.expectOutput('node01', /v-net-0\s+UNKNOWN\s+10\.244\.1\.1\/24|v-net-0\s+UP\s+10\.244\.1\.1\/24|v-net-0\s+DOWN\s+10\.244\.1\.1\/24/);
  await shot(page, 'build-1-bridges');
  expect(errors).toEqual([]);
});

test('build the lab by typing, 2: a pod on every node, and the lecture’s failing ping', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('bridges');
  for (const n of NODES) await t.runAll(`node0${n}`, pod(n));
  await t.run('node01', 'ip netns exec pod1 ping -c 1 10.244.1.1');
  await t.expectOutput('node01', '64 bytes from 10.244.1.1: icmp_seq=1 ttl=64');
  await shot(page, 'build-2-pods');

  // the lecture's "ping fails" point
  await t.run('node01', 'ping -c 1 10.244.2.2');
  await t.expectOutput('node01', 'ping: connect: Network is unreachable');
  await expect(t.outcome).toContainText('Dropped at node01');
  await shot(page, 'build-3-before-routes');
  expect(errors).toEqual([]);
});

test('build the lab by typing, 3: routes and forwarding; pods reach each other', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  for (const n of NODES) await t.runAll(`node0${n}`, [...routes(n), 'sysctl -w net.ipv4.ip_forward=1']);
  await t.expectOutput('node03', 'net.ipv4.ip_forward = 1');

  // node01 → pod2: node02 forwards once
  await t.run('node01', 'ping -c 1 10.244.2.2');
  await t.expectOutput('node01', '64 bytes from 10.244.2.2: icmp_seq=1 ttl=63');

  // pod1 → pod2: node01 and node02 each forward once
  await t.run('node01', 'ip netns exec pod1 ping -c 1 10.244.2.2');
  await t.expectOutput('node01', '64 bytes from 10.244.2.2: icmp_seq=1 ttl=62');
  await t.expectOutput('node01', '1 packets transmitted, 1 received, 0% packet loss');

  await expect(t.outcome).toContainText('Reply received');
  await expect(t.outcome).toContainText(/Request: pod1 → node01 → node02 → pod2/);
  const events = t.traceEvents.getByRole('listitem');
  await expect(events.filter({ hasText: /^.*node02.*forward/i }).first()).toBeVisible();
  await expect(events.filter({ hasText: 'v-net-0' }).first()).toBeVisible();
  await expect(t.traceEvents.filter({ hasText: 'dropped' })).toHaveCount(0);
  // with reduced motion the trace opens on its last event, the reply's arrival
  await expect(t.trace.getByRole('toolbar', { name: 'Trace playback' }).getByText(/^Event (\d+) of \1$/)).toBeVisible();
  await shot(page, 'build-4-routed-reply');
  expect(errors).toEqual([]);
});

test('a drop shows its reason and fix; one click applies it, and the ping then works', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
  await t.run('node02', 'ip route add 10.244.1.2 via 192.168.1.11');

  await t.run('node01', 'ip netns exec pod1 ping -c 1 -W 1 10.244.2.2');
  await t.expectOutput('node01', '100% packet loss');
  await expect(t.outcome).toContainText('Dropped at node01');
  await expect(t.outcome).toContainText('forwarding is disabled (net.ipv4.ip_forward = 0)');
  await expect(t.outcome).toContainText('Suggested fix: enable net.ipv4.ip_forward on node01');
  // the drop is marked in words in the list, not only in red
  await expect(t.traceEvents.getByRole('listitem').filter({ hasText: '✗ dropped: forwarding off' })).toHaveCount(1);
  await shot(page, 'trace-drop-forwarding-node01');

  await t.outcome.getByRole('button', { name: 'Apply fix on node01' }).click();
  await t.expectOutput('node01', 'net.ipv4.ip_forward = 1');
  await t.outcome.getByRole('button', { name: 'Run again' }).click();
  await expect(t.outcome).toContainText('Dropped at node02');
  await expect(t.outcome).toContainText('enable net.ipv4.ip_forward on node02');
  await t.outcome.getByRole('button', { name: 'Apply fix on node02' }).click();
  await t.outcome.getByRole('button', { name: 'Run again' }).click();
  await expect(t.outcome).toContainText('Reply received');
  await t.open('node01');
  await t.expectOutput('node01', 'ttl=62');
  await shot(page, 'trace-fixed-reply');
});

test.describe('with motion', () => {
  test.use({ reducedMotion: 'no-preference' }); // a new trace plays by itself
  test('playback: step, back, play, pause, speed; the inspector shows the headers at each hop', async ({ page }) => {
    const lab = new LabPage(page);
    const t = new Terminals(page);
    await lab.open('routed');
    await t.run('node01', 'ip netns exec pod1 ping -c 1 10.244.2.2');
    await expect(t.outcome).toContainText('Reply received');

    const controls = t.trace.getByRole('toolbar', { name: 'Trace playback' });
    const pos = controls.getByText(/^Event \d+ of \d+$/);
    // a new trace plays by itself; stepping pauses it
    await expect(controls.getByRole('button', { name: 'Pause' })).toBeVisible();
    await controls.getByRole('button', { name: 'Step forward' }).click();
    await expect(controls.getByRole('button', { name: 'Play' })).toBeVisible();
    await controls.getByRole('button', { name: 'First event' }).click();
    await expect(pos).toHaveText(/^Event 1 of \d+$/);
    await controls.getByRole('button', { name: 'Step forward' }).click();
    await controls.getByRole('button', { name: 'Step forward' }).click();
    await expect(pos).toHaveText(/^Event 3 of \d+$/);
    await controls.getByRole('button', { name: 'Step back' }).click();
    await expect(pos).toHaveText(/^Event 2 of \d+$/);
    await expect(t.traceEvents.locator('[aria-current="step"]')).toHaveCount(1);

    // keyboard: the event list moves the play head with the arrow keys
    await t.traceEvents.focus();
    await page.keyboard.press('End');
    const total = Number((await pos.innerText()).match(/of (\d+)/)![1]);
    await expect(pos).toHaveText(`Event ${total} of ${total}`);
    // each event is a named button; only the current one is in the tab order, and the focus follows the play head
    const pick = (i: number) => t.traceEvents.getByRole('button', { name: new RegExp(`^Event ${i} of ${total}: `) });
    await expect(pick(total)).toBeFocused();
    await expect(t.traceEvents.locator('button[tabindex="0"]')).toHaveCount(1);
    await page.keyboard.press('ArrowUp');
    await expect(pos).toHaveText(`Event ${total - 1} of ${total}`);
    await expect(pick(total - 1)).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await expect(pick(total - 1)).toBeFocused(); // Tab comes back to the current event
    await pick(2).press('Enter');
    await expect(pos).toHaveText(`Event 2 of ${total}`);

    // the inspector shows the packet at the current hop: pick the echo request forwarded by node02
    const fwd = t.traceEvents.getByRole('listitem').filter({ hasText: /node02.*echo request/ }).filter({ hasText: /forward/i }).first();
    await fwd.click();
    await expect(t.inspector).toContainText('IPv4');
    await expect(t.inspector).toContainText('TTL');
    await expect(t.inspector).toContainText('10.244.1.2');
    await expect(t.inspector).toContainText(/Route\s*10\.244\.2\.0\/24 dev v-net-0|Route/);

    await controls.getByLabel('Speed').selectOption('16');
    await controls.getByRole('button', { name: 'First event' }).click();
    await controls.getByRole('button', { name: 'Play' }).click();
    await expect(pos).toHaveText(`Event ${total} of ${total}`);
    await expect(controls.getByRole('button', { name: 'Play' })).toBeVisible();
    await shot(page, 'trace-playback-inspector');
  });
});

test('capture panel prints tcpdump lines for every frame crossing an interface', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('routed');
  await t.showPanel('Capture');
  const cap = page.getByRole('region', { name: 'Packet capture' });
  await cap.getByLabel('Host').selectOption('node02');
  await cap.getByLabel('Interface').selectOption('v-net-0');
  await cap.getByRole('button', { name: 'Start capture' }).click();
  await t.run('node01', 'ip netns exec pod1 ping -c 1 10.244.2.2');
  await t.expectOutput('node01', 'ttl=62');
  await t.showPanel('Capture');
  const log = cap.getByRole('list', { name: 'Capture on node02 v-net-0' });
  await expect(log).toContainText(/\d\d:\d\d:\d\d\.\d{6} IP 10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request, id \d+, seq 1, length 64/);
  await expect(log).toContainText(/IP 10\.244\.2\.2 > 10\.244\.1\.2: ICMP echo reply/);
  await expect(log).toContainText(/ARP, Request who-has 10\.244\.2\.2 tell 10\.244\.2\.1, length 28/);
  await shot(page, 'capture-panel');
});

test('reachability matrix: verdicts per pair, live, and a cell opens its trace', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.showPanel('Reachability');
  const matrix = page.getByRole('region', { name: 'Reachability matrix' });
  const cell = matrix.getByRole('button', { name: /^node01 to pod2 10\.244\.2\.2: Network is unreachable/ });
  await expect(cell).toBeVisible();
  await expect(cell).toContainText('no route'); // words, not only colour
  await expect(matrix.getByRole('button', { name: /^pod1 to node01 192\.168\.1\.11: reply/ })).toBeVisible();
  await shot(page, 'matrix-before-routes');

  // keyboard: arrow keys move between cells, Enter opens the trace
  await cell.focus();
  await page.keyboard.press('Enter');
  await expect(t.trace).toBeVisible();
  await expect(t.trace).toContainText('node01 → pod2 (10.244.2.2)');
  await expect(t.outcome).toContainText('Network is unreachable');

  // live: the matrix follows the lab
  await t.run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
  await t.run('node02', 'sysctl -w net.ipv4.ip_forward=1');
  await t.showPanel('Reachability');
  await expect(matrix.getByRole('button', { name: /^node01 to pod2 10\.244\.2\.2: reply/ })).toBeVisible();
  await shot(page, 'matrix-after-route');
});

test.describe('with reduced motion', () => {
  test.use({ reducedMotion: 'reduce' });
  test('a new trace opens on its outcome instead of playing', async ({ page }) => {
    const lab = new LabPage(page);
    const t = new Terminals(page);
    await lab.open('pods');
    await t.run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    await t.run('node01', 'ip netns exec pod1 ping -c 1 -W 1 10.244.2.2');
    const controls = t.trace.getByRole('toolbar', { name: 'Trace playback' });
    await expect(controls.getByRole('button', { name: 'Play' })).toBeVisible();
    const current = t.traceEvents.locator('[aria-current="step"]');
    await expect(current).toContainText('✗ dropped');
    await expect(current).toContainText('forwarding is disabled');
    // the live region reads the current event as text
    await expect(t.trace.locator('[aria-live="polite"]').last()).toContainText(/Event \d+ of \d+: dropped, node01: 10\.244\.2\.2 is not a local address/);
  });
});

test('every control of the terminal, trace, reachability and capture panels has a name and a keyboard path', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.run('node01', 'ping -c 1 10.244.2.2');
  await expect(t.outcome).toContainText('Dropped at node01');

  const unnamed = async (scope: string) =>
    page.locator(scope).evaluateAll((roots) =>
      roots.flatMap((root) =>
        [...root.querySelectorAll<HTMLElement>('button, select, input, [tabindex="0"]')]
          .filter((el) => {
            const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el as HTMLInputElement).labels?.length;
            const text = (el.textContent ?? '').trim();
            return !labelled && !text;
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      ),
    );
  expect(await unnamed('.hl-terms')).toEqual([]);
  expect(await unnamed('.hl-trace')).toEqual([]);
  await t.showPanel('Reachability');
  expect(await unnamed('.hl-matrix')).toEqual([]);
  await t.showPanel('Capture');
  expect(await unnamed('.hl-cap')).toEqual([]);

  // the capture panel works from the keyboard alone
  const cap = page.getByRole('region', { name: 'Packet capture' });
  await cap.getByLabel('Host').focus();
  await page.keyboard.press('Tab'); // Interface
  await page.keyboard.press('Tab'); // Start capture
  await expect(cap.getByRole('button', { name: 'Start capture' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(cap.getByRole('tab', { name: /node01 eth0/ })).toBeVisible();
});
