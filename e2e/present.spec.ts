import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

async function insideViewport(page: import('@playwright/test').Page, locator: import('@playwright/test').Locator, what: string) {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${what}: not on the page`);
  const vp = page.viewportSize()!;
  expect(box.y, what).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${what} bottom`).toBeLessThanOrEqual(vp.height);
  expect(box.x + box.width, `${what} right`).toBeLessThanOrEqual(vp.width);
}

test('presenter mode fits Run, the headline numbers and the chart on one 1280×720 screen', async ({ page }) => {
  const lab = new LabPage(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await lab.open();
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  await expect(page).toHaveURL(/present=1/);
  await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'The defense that works (β = 1, γ = 0.5)' });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('headline')).toContainText('86.3%');
  await expect(page.getByTestId('headline')).toContainText('17.3%');
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await insideViewport(page, page.getByRole('button', { name: 'Run again' }), 'Run');
  await insideViewport(page, page.getByTestId('headline'), 'headline numbers');
  await insideViewport(page, page.getByTestId('thief-chart'), 'chart');
  await insideViewport(page, lab.slider('β (beta)'), 'β slider');
  // Thicker lines than the lab's 2.5 px.
  const width = await page.locator('[data-testid="thief-chart"] .line-defended path.chart-line').first().evaluate((el) => getComputedStyle(el).strokeWidth);
  expect(parseFloat(width)).toBeGreaterThanOrEqual(4);
  await page.getByRole('button', { name: 'Leave presenter mode' }).click();
  await expect(page.getByTestId('headline')).toHaveCount(0);
  expect(lab.consoleErrors).toEqual([]);
});

test('embed mode shows only the chart and its caption, and a preset link replays there', async ({ page }) => {
  await page.goto('./#v=2&budget=1200&embed=1');
  await expect(page.getByTestId('chart-caption')).toContainText('Replay of a run recorded on WASM');
  await expect(page.getByTestId('chart-caption')).toContainText('reverse sigmoid, β = 1, γ = 0.5');
  await expect(page.locator('[data-testid="thief-chart"] .line-defended path.chart-line')).toHaveCount(1);
  await expect(page.getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Model Theft Lab' })).toHaveCount(0);
});
