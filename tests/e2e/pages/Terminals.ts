/**
 * Page object for the terminal dock and the analysis panels (trace, reachability, capture), driven
 * by role and label the way a keyboard or screen-reader user finds them.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class Terminals {
  readonly trace: Locator;
  readonly outcome: Locator;
  readonly traceEvents: Locator;
  readonly inspector: Locator;

  constructor(readonly page: Page) {
    this.trace = page.getByRole('region', { name: 'Packet trace' });
    this.outcome = this.trace.getByRole('status', { name: 'Trace outcome' });
    this.traceEvents = this.trace.getByRole('list', { name: 'Trace events' });
    this.inspector = this.trace.getByRole('region', { name: 'Packet inspector' });
  }

  region(host: string): Locator {
    return this.page.getByRole('region', { name: `${host} terminal`, exact: true });
  }

  /** The rendered rows of a host's terminal. */
  screen(host: string): Locator {
    return this.region(host).locator('.xterm-rows');
  }

  /** Open (or switch to) a host's terminal and give it the keyboard focus. */
  async open(host: string) {
    const tab = this.page.getByRole('tablist', { name: 'Terminal tabs' }).getByRole('tab', { name: new RegExp(`^${host}\\b`) });
    if ((await tab.count()) > 0) await tab.click();
    else await this.page.getByLabel('Open terminal', { exact: true }).selectOption(host);
    await expect(this.region(host)).toBeVisible();
    await this.region(host).click();
    await expect(this.region(host).getByRole('textbox')).toBeFocused();
  }

  /**
   * Enter a command line in a host's terminal: the text goes in at once, as a paste does (typing
   * speed is not what these tests are about), then Enter.
   */
  async run(host: string, line: string) {
    await this.open(host);
    await this.enter(line);
  }

  /** Enter a line in the focused terminal. */
  async enter(line: string) {
    await this.page.keyboard.insertText(line);
    await this.page.keyboard.press('Enter');
  }

  /** Enter lines one by one, each checked to have been echoed before the next. */
  async runAll(host: string, lines: string[]) {
    await this.open(host);
    for (const line of lines) {
      await this.enter(line);
      await expect(this.screen(host)).toContainText(line);
    }
  }

  async expectOutput(host: string, text: string | RegExp) {
    await expect(this.screen(host)).toContainText(text);
  }

  /** Whole screen text with non-breaking spaces turned into spaces. */
  async text(host: string): Promise<string> {
    return ((await this.screen(host).innerText()) ?? '').replace(/\u00a0/g, ' ');
  }

  async showPanel(name: 'Trace' | 'Reachability' | 'Capture') {
    await this.page.getByRole('tablist', { name: 'Analysis panels' }).getByRole('tab', { name: new RegExp(`^${name}`) }).click();
  }
}
