import { expect, type Locator, type Page } from '@playwright/test';

/** Page object for the lab: what a user sees and touches, by role and test id. */
export class LabPage {
  readonly consoleErrors: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => this.consoleErrors.push(`pageerror: ${err.message}`));
  }

  async open(hash = '') {
    await this.page.goto(`./${hash}`);
    await expect(this.page.getByRole('heading', { name: 'Model Theft Lab' })).toBeVisible();
  }

  slider(name: string): Locator {
    return this.page.getByRole('slider', { name, exact: true });
  }

  numberBox(name: string): Locator {
    return this.page.getByRole('spinbutton', { name: `${name} value` });
  }

  backendName(): Locator {
    return this.page.getByTestId('backend-name');
  }

  async waitForBackend(): Promise<string> {
    await expect(this.page.getByTestId('backend-status')).toHaveAttribute('data-state', 'ready', { timeout: 45_000 });
    return (await this.backendName().textContent()) ?? '';
  }

  /** How many points one line of the thief chart draws, read from its SVG path (M/L vertices). */
  async thiefPoints(line: 'undefended' | 'defended'): Promise<number> {
    const path = this.page.locator(`[data-testid="thief-chart"] .line-${line} path.chart-line`);
    if ((await path.count()) === 0) return 0;
    const d = (await path.first().getAttribute('d')) ?? '';
    return (d.match(/[ML]/g) ?? []).length;
  }

  /** The SVG path of one line of the reverse-sigmoid chart. */
  curvePath(line: 'unnormalized' | 'perturbation' | 'normalized' | 'identity'): Locator {
    return this.page.locator(`[data-testid="reverse-sigmoid-chart"] .line-${line} path`).first();
  }
}
