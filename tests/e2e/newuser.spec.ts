/**
 * What a new user hit: a canvas that lost the switch as the lab grew, text too small to read, keys
 * lost while a terminal loaded, a tab that did not take the keyboard, a remembered panel that
 * crushed the canvas, a screen reader hearing the whole line at every key, a cable not drawn, a
 * message over the canvas, a packet label left after undo, Start over keeping the old screen, the
 * trace's promise of picking two boxes on the canvas, and bytes from a lab file driving the terminal.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

/** Smallest canvas text as rendered: font size times the canvas zoom, over the boxes in view. */
const smallestCanvasText = (page: Page) =>
  page.evaluate(() => {
    const vp = document.querySelector('.react-flow__viewport')!;
    const zoom = new DOMMatrix(getComputedStyle(vp).transform).a;
    const pane = document.querySelector('.react-flow')!.getBoundingClientRect();
    let min = Infinity;
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node *')) {
      if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right < pane.left || r.left > pane.right || r.bottom < pane.top || r.top > pane.bottom) continue;
      min = Math.min(min, parseFloat(getComputedStyle(el).fontSize) * zoom);
    }
    return min;
  });

/** Whether `inner`'s box lies inside the canvas as shown. */
async function inCanvas(page: Page, inner: Locator) {
  const pane = (await page.locator('.react-flow').first().boundingBox())!;
  const box = await inner.boundingBox();
  return !!box && box.x >= pane.x - 1 && box.y >= pane.y - 1 && box.x + box.width <= pane.x + pane.width + 1 && box.y + box.height <= pane.y + pane.height + 1;
}

test('the canvas follows a lab built by typing, and stays where the student puts it', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('fresh');
  await lab.canvasSettled();
  const lan = page.getByTestId('lan-lan0');
  await expect.poll(() => inCanvas(page, lan)).toBe(true);
  // a bridge and a pod on every node make the machines taller: the switch would leave the view
  // (one line per node: what is tested is the canvas, not how fast commands are typed)
  for (const n of [1, 2, 3]) {
    await t.open(`node0${n}`);
    await t.enter(
      [
        'ip link add v-net-0 type bridge',
        `ip netns add pod${n}`,
        `ip link add veth-pod${n} type veth peer name veth-pod${n}-br`,
        `ip link set veth-pod${n} netns pod${n}`,
        `ip link set veth-pod${n}-br master v-net-0`,
      ].join(' && '),
    );
    await expect(page.getByTestId(`bridge-node0${n}-v-net-0`)).toContainText(`veth-pod${n}-br`);
  }
  await expect(lab.host('pod3')).toBeVisible();
  await lab.canvasSettled();
  await expect.poll(() => inCanvas(page, lan)).toBe(true);
  await expect.poll(() => inCanvas(page, lab.host('node03'))).toBe(true);

  // once the student zooms by hand, the view is theirs
  await page.getByRole('button', { name: 'Zoom In' }).click();
  await page.getByRole('button', { name: 'Zoom In' }).click();
  await lab.canvasSettled();
  const before = await page.locator('.react-flow__viewport').getAttribute('style');
  await t.run('node01', 'ip link add br9 type bridge');
  await expect(page.getByTestId('bridge-node01-br9')).toHaveCount(1);
  await lab.canvasSettled();
  expect(await page.locator('.react-flow__viewport').getAttribute('style')).toBe(before);
});

test.describe('at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('canvas text stays legible in the four-machine lab, and messages never cover the canvas', async ({ page }) => {
    const errors = watchConsole(page);
    const lab = new LabPage(page);
    await lab.open('fresh');
    // the "Loaded lab" message sits above the canvas, not over its top right corner (it fades after
    // a few seconds: the lab is loaded from the menu, once the page is ready, to see it)
    await lab.labSelect.selectOption('single-network');
    await expect(lab.notice).toContainText('Loaded lab: 6.');
    await lab.notice.hover(); // it stays while the pointer is on it
    const [bottom, top] = await lab.notice.evaluate((n) => [n.getBoundingClientRect().bottom, document.querySelector('.react-flow')!.getBoundingClientRect().top]);
    expect(bottom).toBeLessThanOrEqual(top + 1);
    await lab.canvasSettled();
    expect(await smallestCanvasText(page)).toBeGreaterThanOrEqual(9);
    expect(errors).toEqual([]);
  });

  test('a tall dock remembered from a big window leaves the canvas its room', async ({ page }) => {
    const errors = watchConsole(page);
    page.on('console', (m) => {
      if (/React Flow|xyflow/i.test(m.text())) errors.push(m.text());
    });
    await page.addInitScript(() => localStorage.setItem('hoplab.dockHeight', '900'));
    const lab = new LabPage(page);
    await lab.open('before-routes');
    const canvas = (await page.locator('.react-flow').first().boundingBox())!;
    expect(canvas.height).toBeGreaterThanOrEqual(200);
    await lab.canvasSettled();
    expect(errors).toEqual([]); // no React Flow #004 (a canvas without height)
  });
});

test('the widget at 640 px keeps its canvas text legible', async ({ page }) => {
  await page.setViewportSize({ width: 640, height: 480 });
  await page.goto('/embed.html?lab=before-routes&host=node01');
  await expect(page.locator('.react-flow[data-layout="done"]')).toBeVisible();
  await new LabPage(page).canvasSettled();
  expect(await smallestCanvasText(page)).toBeGreaterThanOrEqual(9);
});

test('keys typed while the terminal loads are kept; a clicked tab takes the keyboard', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  // hold xterm back: the terminal is still loading when the student starts typing
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/assets\/TerminalView-[^/]*\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await lab.open('before-routes');
  await page.getByLabel('Open terminal', { exact: true }).selectOption('node01');
  await expect(page.getByRole('textbox', { name: 'node01 terminal input' })).toBeFocused();
  await page.keyboard.type('hostname');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Starting the terminal on node01')).toBeVisible();
  release();
  await t.expectOutput('node01', /# hostname\s*node01/);
  await expect(page.locator('[data-early-input]')).toHaveCount(0);

  // a second terminal, then a click on the first one's tab: typing goes there
  await page.getByLabel('Open terminal', { exact: true }).selectOption('node02');
  await expect(t.region('node02').getByRole('textbox')).toBeFocused();
  await page.getByRole('tablist', { name: 'Terminal tabs' }).getByRole('tab', { name: /^node01/ }).click();
  await expect(t.region('node01').getByRole('textbox')).toBeFocused();
  await t.enter('echo typed-in-node01');
  await t.expectOutput('node01', /# echo typed-in-node01\s*typed-in-node01/);
});

test('screen-reader mode announces the key typed, not the prompt and the whole line again', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.open('node01');
  await page.getByRole('checkbox', { name: 'Screen reader mode' }).check();
  await t.open('node01');
  const live = t.region('node01').locator('.live-region');
  // keys, as a screen-reader user types them (the terminal reads no pasted input events in this mode)
  await page.keyboard.type('ip ro');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type('x');
  // what was announced: never the prompt, and not the line typed so far again at every key
  await expect.poll(async () => (await live.textContent()) ?? '').not.toContain('root@node01');
  expect((await live.textContent()) ?? '').not.toContain('ip r');
  await page.keyboard.press('End');
  await page.keyboard.press('Control+u');
  await page.keyboard.type('hostname');
  await page.keyboard.press('Enter');
  await t.expectOutput('node01', /# hostname\s*node01/);
});

test('Add ▸ Machine into a switch draws its cable to the switch’s port at once', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  for (const preset of ['fresh', 'single-network']) {
    await lab.open(preset);
    await page.getByRole('button', { name: 'Add to the lab' }).click();
    await page.getByRole('menuitem', { name: /Machine/ }).click();
    await page.getByRole('dialog', { name: 'Add a machine' }).getByRole('button', { name: 'Add machine' }).click();
    await expect(lab.host('node04')).toBeVisible();
    await lab.canvasSettled();
    // every cable into lan0 ends on the switch's port for its member
    await expect
      .poll(() =>
        page.evaluate(() =>
          [...document.querySelectorAll<SVGPathElement>('[data-testid^="edge-lan:lan0:"]')].map((e) => {
            const member = e.getAttribute('data-testid')!.replace('edge-lan:lan0:', '');
            const end = e.getPointAtLength(e.getTotalLength());
            const p = new DOMPoint(end.x, end.y).matrixTransform(e.getScreenCTM()!);
            const h = document.querySelector(`.react-flow__node[data-id="lan:lan0"] .react-flow__handle[data-handleid="m:${member}"]`)?.getBoundingClientRect();
            return h ? `${member} ${Math.abs(p.x - (h.x + h.width / 2)) < 4 && Math.abs(p.y - (h.y + h.height / 2)) < 6 ? 'meets' : 'misses'} its port` : `${member} has no port`;
          }),
        ),
      )
      .toEqual(expect.arrayContaining(['node04/eth0 meets its port']));
    expect((await page.locator('[data-testid^="edge-lan:lan0:"]').count())).toBeGreaterThanOrEqual(4);
  }
  expect(errors).toEqual([]);
});

test('undo takes the packet of an old trace off the canvas', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('before-routes');
  await t.run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
  await t.run('node01', 'ping -c 1 -W 1 10.244.2.2');
  await t.expectOutput('node01', '1 packets transmitted');
  const packet = page.locator('.react-flow .packet-tag, .react-flow .is-active, .react-flow .is-drop');
  await expect(packet).not.toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(lab.activity).toContainText('Undo: ip route add 10.244.2.2 via 192.168.1.12 on node01');
  await expect(packet).toHaveCount(0);
});

test('click a source box, then a destination box: the trace of a ping between them', async ({ page }) => {
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('routed');
  await expect(t.trace).toContainText('pick a source and a destination on the canvas');
  await t.trace.getByRole('button', { name: 'Pick a source and a destination on the canvas' }).click();
  await expect(page.getByTestId('trace-pick')).toContainText('click the box it starts from');
  await lab.host('pod1').locator('.box__head').first().click();
  await expect(page.getByTestId('trace-pick')).toContainText('Trace a ping from pod1: now click the box it goes to');
  await lab.host('pod3').locator('.box__head').first().click();
  await expect(page.getByTestId('trace-pick')).toHaveCount(0);
  await expect(t.trace).toContainText('pod1 → pod3 (10.244.3.2)');
  await expect(t.outcome).toContainText('Reply received');

  // the canvas button does the same; Escape stops picking
  await page.getByRole('button', { name: 'Trace a ping: click a source box, then a destination box' }).click();
  await expect(page.getByTestId('trace-pick')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('trace-pick')).toHaveCount(0);
});

test('the widget’s Start over gives a new shell with an empty screen', async ({ page }) => {
  const t = new Terminals(page);
  await page.goto('/embed.html?lab=before-routes&host=node01');
  const screen = page.locator('.xterm-rows');
  await expect(screen).toContainText('root@node01');
  await page.locator('.xterm-helper-textarea').focus();
  await t.enter('echo before-start-over');
  await expect(screen).toContainText(/# echo before-start-over\s*before-start-over/);
  await page.getByRole('button', { name: 'Start over' }).click();
  await expect(screen).toContainText('root@node01');
  await expect(screen).not.toContainText('before-start-over');
});

test('names from a lab file never drive the terminal: control characters show as ^[, as cat -v shows them', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('fresh');
  // the kernel takes escape bytes in a device name (ip link prints them as they are): a window
  // title and a screen clear, hidden in device names by a shared lab file
  const evil = 'a\u001b]0;pwn\u0007b'; // 10 characters: shorter than IFNAMSIZ, no ':' (the kernel refuses it)
  const file = JSON.parse(await page.evaluate(() => localStorage.getItem('hoplab.lab.v1')!));
  file.ops = [
    { kind: 'cmd', on: 'node01', run: `ip link add "${evil}" type veth peer name p1`, edit: true },
    { kind: 'cmd', on: 'node01', run: 'ip link add "c\u001b[2J\u001b[3Jd" type bridge', edit: true },
  ];
  await lab.importFile('evil.json', JSON.stringify(file));
  await expect(lab.notice).toContainText('Imported lab');
  await t.run('node01', 'echo marker-before');
  await t.run('node01', 'ip -br link');
  await t.expectOutput('node01', 'a^[]0;pwn^Gb@p1');
  await t.expectOutput('node01', 'c^[[2J^[[3Jd');
  await t.expectOutput('node01', 'marker-before'); // the screen was not cleared
  expect(errors).toEqual([]);
});
