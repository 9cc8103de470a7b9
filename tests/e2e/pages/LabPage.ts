/**
 * Page object for the Hoplab app: drives the canvas, inspector, header and dock the way a
 * student does (labels and roles, never implementation classes where a role exists).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = path.resolve(here, '..', 'screenshots');

export class LabPage {
  readonly inspector: Locator;
  readonly activity: Locator;
  readonly notice: Locator;
  readonly labSelect: Locator;

  constructor(readonly page: Page) {
    this.inspector = page.getByRole('complementary', { name: 'Inspector' });
    this.activity = page.getByTestId('activity');
    this.notice = page.getByTestId('notice');
    this.labSelect = page.getByTestId('lab-select');
  }

  /**
   * Open the app, optionally on a preset (`?lab=`). Every test runs in a new browser context, so
   * the autosave starts empty: a first visit.
   */
  async open(lab?: string) {
    await this.page.goto(lab ? `/?lab=${encodeURIComponent(lab)}` : '/');
    await this.waitForCanvas();
  }

  async waitForCanvas() {
    await expect(this.page.locator('.react-flow__renderer')).toBeVisible();
  }

  host(name: string): Locator {
    return this.page.locator(`[data-netns="${name}"]`);
  }

  /** Select a machine or pod by clicking its box on the canvas. */
  async clickHost(name: string) {
    await this.host(name).locator('.box__head').first().click();
    await expect(this.inspector.getByRole('heading', { level: 2, name })).toBeVisible();
  }

  /** Select a machine or pod with the inspector's picker (keyboard-reachable path). */
  async inspect(name: string) {
    await this.inspector.getByLabel('Inspect').selectOption(name);
    await expect(this.inspector.getByRole('heading', { level: 2, name })).toBeVisible();
  }

  routeTable(name: string): Locator {
    return this.inspector.getByRole('list', { name: `ip route on ${name}` });
  }

  async addRoute(dest: string, via: string) {
    await this.inspector.getByLabel('Destination', { exact: true }).fill(dest);
    await this.inspector.getByLabel('Via (gateway)').fill(via);
    await this.inspector.getByRole('button', { name: 'Add route' }).click();
  }

  forwardingSwitch(): Locator {
    return this.inspector.getByRole('switch', { name: /net\.ipv4\.ip_forward/ });
  }

  async enableForwarding() {
    const sw = this.forwardingSwitch();
    if ((await sw.getAttribute('aria-checked')) !== 'true') await sw.click();
    await expect(sw).toHaveAttribute('aria-checked', 'true');
  }

  /** Ping from the inspected host with the inspector's connectivity tool; returns the output. */
  async ping(dest: string): Promise<string> {
    await this.inspector.getByLabel('Destination address').fill(dest);
    await this.inspector.getByRole('button', { name: 'Ping', exact: true }).click();
    const out = this.inspector.locator('[aria-label^="Output of ping"]');
    await expect(out).toBeVisible();
    return (await out.textContent()) ?? '';
  }

  /** The box of an element once the canvas has stopped moving (layout and fit-view animate). */
  async settledBox(locator: Locator) {
    await this.viewStill();
    let last = await locator.boundingBox();
    await expect
      .poll(
        async () => {
          const box = await locator.boundingBox();
          const same = !!box && !!last && box.x === last.x && box.y === last.y && box.width === last.width;
          last = box;
          return same;
        },
        { message: 'the canvas keeps moving', intervals: [50, 100, 100, 200] },
      )
      .toBe(true);
    return last!;
  }

  /** Once elk has placed the boxes and the viewport has stopped moving (a fit view animates). */
  async canvasSettled() {
    await expect(this.page.locator('.react-flow[data-layout="done"]').first()).toBeVisible();
    await this.settledBox(this.page.locator('.react-flow__viewport').first());
  }

  /** Every canvas laid out, with no fit or pan of its view due or under way (the canvas's data-view). */
  async viewStill() {
    await expect(this.page.locator('.react-flow').first()).toBeVisible();
    await expect(this.page.locator('.react-flow:not([data-layout="done"][data-view="still"])')).toHaveCount(0);
  }

  async importFile(name: string, content: string) {
    await this.page.getByTestId('import-input').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
  }

  async shot(name: string) {
    await this.canvasSettled();
    await this.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  }
}

/** Collect console errors and page errors; assert none at the end of a test. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
