/**
 * The lesson on the canvas: load the lab where the ping fails, read why, fix it with the inspector
 * (routes both ways and ip_forward on the nodes), and watch the ping cross hop by hop.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';

test('before-routes: the ping fails, routes and forwarding added in the inspector make it cross', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  await lab.open('before-routes');

  // the lab from the lesson: three machines, their pods, the LAN
  for (const n of ['node01', 'node02', 'node03', 'pod1', 'pod2', 'pod3']) await expect(lab.host(n)).toBeVisible();
  await expect(page.getByTestId('lan-lan0')).toBeVisible();
  await lab.shot('01-before-routes');

  // node01 has no route to pod2's network
  await lab.clickHost('node01');
  expect(await lab.ping('10.244.2.2')).toContain('Network is unreachable');
  await expect(lab.routeTable('node01')).not.toContainText('10.244.2.2');

  // an invalid edit shows the real error inline and changes nothing
  const before = await lab.routeTable('node01').textContent();
  await lab.addRoute('10.244.2.2', '10.9.9.9');
  await expect(lab.inspector.getByRole('alert')).toContainText(/Nexthop has invalid gateway|unreachable/i);
  await expect(lab.routeTable('node01')).toHaveText(before ?? '');
  await lab.shot('02-invalid-route-error');

  // the route, and the command that was run is shown
  await lab.addRoute('10.244.2.2', '192.168.1.12');
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12 dev eth0');
  await expect(lab.activity).toContainText('ran on node01: ip route add 10.244.2.2 via 192.168.1.12');
  await lab.enableForwarding();
  await expect(lab.activity).toContainText('sysctl -w net.ipv4.ip_forward=1');
  await expect(lab.host('node01')).toContainText('ip_forward=1');

  // node02: the route back to pod1 and forwarding (keyboard path: the inspector's picker)
  await lab.inspect('node02');
  await lab.addRoute('10.244.1.2', '192.168.1.11');
  await expect(lab.routeTable('node02')).toContainText('10.244.1.2 via 192.168.1.11 dev eth0');
  await lab.enableForwarding();

  // pod1 → pod2 now gets its reply, and the trace shows the hops
  await lab.clickHost('pod1');
  const out = await lab.ping('10.244.2.2');
  expect(out).toContain('64 bytes from 10.244.2.2');
  expect(out).toContain('1 received');
  const trace = page.getByRole('tabpanel');
  await expect(trace).toContainText('node02');
  expect(errors).toEqual([]);
});

test('routed: a ping from a pod’s terminal, and the canvas follows the packet through the switch', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  await lab.open('routed');
  // the student sees the replies and the hops
  await page.getByRole('button', { name: 'Open a terminal on pod1' }).click();
  const terminal = page.locator('.xterm-rows');
  await expect(terminal).toContainText('root@pod1');
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.insertText('ping -c 2 10.244.2.2');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('2 packets transmitted, 2 received');
  // jump the play head to the echo request crossing into the LAN switch: the canvas follows it
  const crossing = page.locator('.hl-trace li').filter({ hasText: 'echo request' }).filter({ hasText: 'into switch lan0' }).first();
  await crossing.click();
  await expect(page.locator('.link-edge.is-active')).toHaveCount(1);
  await lab.shot('03-routed-ping-trace');

  expect(errors).toEqual([]);
});

test('undo and redo replay the lab (Ctrl+Z / Ctrl+Shift+Z)', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('before-routes');
  await lab.clickHost('node01');
  await lab.addRoute('10.244.2.2', '192.168.1.12');
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');

  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 400 } });
  await page.keyboard.press('Control+z');
  await lab.inspect('node01');
  await expect(lab.routeTable('node01')).not.toContainText('10.244.2.2');

  await page.locator('body').press('Control+Shift+z');
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');

  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(lab.routeTable('node01')).not.toContainText('10.244.2.2');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(lab.routeTable('node01')).toContainText('10.244.2.2 via 192.168.1.12');
});

test('build by hand: a machine on the LAN and a pod attached to a new bridge', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  await lab.open('fresh');

  await page.getByRole('button', { name: 'Add to the lab' }).click();
  await page.getByRole('menuitem', { name: /Machine/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a machine' });
  await expect(dialog.getByLabel('Name')).toHaveValue('node04');
  await dialog.getByLabel('Address of eth0').fill('192.168.1.14/24');
  await dialog.getByRole('button', { name: 'Add machine' }).click();
  await expect(lab.host('node04')).toBeVisible();
  await expect(lab.host('node04')).toContainText('192.168.1.14/24');

  await page.getByRole('button', { name: 'Add to the lab' }).click();
  await page.getByRole('menuitem', { name: /Bridge/ }).click();
  const br = page.getByRole('dialog', { name: 'Add a bridge' });
  await br.getByRole('combobox', { name: /On node/ }).selectOption('node04');
  await expect(br.getByLabel(/Address/)).toHaveValue('10.244.4.1/24');
  await br.getByRole('button', { name: 'Add bridge' }).click();
  await expect(page.getByTestId('bridge-node04-v-net-0')).toContainText('10.244.4.1/24');

  await page.getByRole('button', { name: 'Add to the lab' }).click();
  await page.getByRole('menuitem', { name: /Pod/ }).click();
  const pod = page.getByRole('dialog', { name: 'Add a pod' });
  await pod.getByRole('combobox', { name: /On node/ }).selectOption('node04');
  await expect(pod.getByLabel('Pod address')).toHaveValue('10.244.4.2/24');
  await expect(pod).toContainText('ip link set veth-pod1-br master v-net-0');
  await pod.getByRole('button', { name: 'Add pod' }).click();
  await expect(lab.host('pod1')).toContainText('10.244.4.2/24');

  // the pod reaches its gateway, the node's bridge
  await lab.inspect('pod1');
  expect(await lab.ping('10.244.4.1')).toContain('1 received');

  // a point-to-point cable between two machines, with the keyboard-friendly dialog
  await page.getByRole('button', { name: 'Add to the lab' }).click();
  await page.getByRole('menuitem', { name: /Cable/ }).click();
  const cable = page.getByRole('dialog', { name: 'Add a cable' });
  await cable.getByRole('combobox', { name: 'From' }).selectOption('node03');
  await cable.getByRole('combobox', { name: 'To' }).selectOption('node04');
  await expect(cable).toContainText('cable node03:eth1 ⇄ node04:eth1');
  await cable.getByRole('button', { name: 'Add cable' }).click();
  await expect(page.locator('[data-testid="edge-veth:node03/eth1|node04/eth1"]')).toHaveCount(1);
  await expect(lab.activity).toContainText('cable node03:eth1 ⇄ node04:eth1');
  await lab.shot('04-built-by-hand');
  expect(errors).toEqual([]);
});

test('drag to connect, and hand-placed positions are remembered', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  await lab.open('fresh');

  // a new, empty LAN switch
  await page.getByRole('button', { name: 'Add to the lab' }).click();
  await page.getByRole('menuitem', { name: /LAN switch/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a LAN switch' });
  await expect(dialog.getByLabel('Name')).toHaveValue('lan1');
  await dialog.getByRole('button', { name: 'Add LAN switch' }).click();
  const lan1 = page.getByTestId('lan-lan1');
  await expect(lan1).toContainText('empty: drag a + here');

  // the new switch is picked and kept in view; drag the + of node03, beside it, onto it: a new
  // interface, cabled in
  await expect(lab.inspector.getByRole('heading', { level: 2, name: 'lan1' })).toBeVisible();
  const handle = page.locator('.react-flow__node[data-id="host:node03"] .connect-handle');
  const to = await lab.settledBox(lan1);
  const from = (await handle.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + 2, { steps: 12 });
  await page.mouse.up();
  await expect(lab.host('node03')).toContainText('eth1');
  await expect(lab.activity).toContainText('cable from node03:eth1 into LAN switch lan1');
  await expect(page.locator('[data-testid="edge-lan:lan1:node03/eth1"]')).toHaveCount(1);

  // move node03 by hand; the position survives a reload and the move is undoable
  const node03 = page.locator('.react-flow__node[data-id="host:node03"]');
  const head = (await node03.locator('.box__head').boundingBox())!;
  await page.mouse.move(head.x + 20, head.y + head.height / 2);
  await page.mouse.down();
  await page.mouse.move(head.x + 20, head.y + 260, { steps: 10 });
  await page.mouse.up();
  const moved = await node03.getAttribute('style');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(node03).not.toHaveAttribute('style', moved!);
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(node03).toHaveAttribute('style', moved!);
  await page.reload();
  await lab.waitForCanvas();
  await expect(node03).toHaveAttribute('style', moved!);
  await lab.shot('08-drag-connect');
  expect(errors).toEqual([]);
});

test('keyboard only: select a box, open the Add menu, close a dialog', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('before-routes');

  // Tab reaches the boxes on the canvas; Enter selects one for the inspector
  let found = false;
  for (let i = 0; i < 40 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.getAttribute('data-id') === 'host:node02');
  }
  expect(found).toBe(true);
  await page.keyboard.press('Enter');
  await expect(lab.inspector.getByRole('heading', { level: 2, name: 'node02' })).toBeVisible();

  // the Add menu: Enter opens it, arrows move, Enter picks, Escape closes and gives focus back
  const add = page.getByRole('button', { name: 'Add to the lab' });
  await add.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem', { name: /Machine/ })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: /Pod/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Add a pod' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(add).toBeFocused();

  // the routing-table editor by keyboard
  await lab.inspector.getByLabel('Destination', { exact: true }).focus();
  await page.keyboard.type('10.244.1.2');
  await page.keyboard.press('Tab');
  await page.keyboard.type('192.168.1.11');
  await page.keyboard.press('Enter');
  await expect(lab.routeTable('node02')).toContainText('10.244.1.2 via 192.168.1.11');
});
