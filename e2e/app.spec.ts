import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

test('the built app renders from a sub-path, reports its backend, and logs no errors', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  expect(new URL(page.url()).pathname).toBe('/lab/');
  const backend = await lab.waitForBackend();
  // Without a GPU, software WebGPU/WebGL are skipped for WASM; with one, a GPU backend wins.
  expect(['WebGPU', 'WebGL', 'WASM', 'CPU']).toContain(backend);
  await page.getByText('why?').click();
  await expect(page.getByTestId('backend-status').locator('li')).toHaveCount(4);
  await expect(lab.curvePath('unnormalized')).toHaveAttribute('d', /^M/);
  expect(lab.consoleErrors).toEqual([]);
});

test('moving the β slider by keyboard redraws the curve and updates the share link', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const path = lab.curvePath('unnormalized');
  const before = await path.getAttribute('d');
  const beta = lab.slider('β (beta)');
  await beta.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(beta).toHaveValue('0.98');
  await expect(lab.numberBox('β (beta)')).toHaveValue('0.98');
  await expect(path).not.toHaveAttribute('d', before ?? '');
  await expect.poll(() => new URL(page.url()).hash).toBe('#v=2&beta=0.98');
  // Home takes β to 0: no defense, the defended curve is the identity.
  await page.keyboard.press('Home');
  await expect(beta).toHaveValue('0');
  await expect(page.getByTestId('fold-note')).toContainText('No fold');
});

test('typing a value, a garbled value, and reset', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const box = lab.numberBox('γ (gamma)');
  await box.fill('2.5');
  await box.press('Enter');
  await expect(lab.slider('γ (gamma)')).toHaveValue('2.5');
  await box.fill('');
  await box.press('Enter');
  await expect(page.getByTestId('notices')).toContainText('not a number; kept 2.5');
  await page.getByRole('button', { name: 'Reset γ (gamma) to 0.5' }).click();
  await expect(lab.slider('γ (gamma)')).toHaveValue('0.5');
});

test('a hand-edited share link is read, and bad values fall back with a message', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=1&beta=banana&gamma=3');
  await expect(lab.slider('γ (gamma)')).toHaveValue('3');
  // A v1 link is read against v1's defaults, when β was 0.8: the bad value falls back to that.
  await expect(lab.slider('β (beta)')).toHaveValue('0.8');
  await expect(page.getByTestId('notices')).toContainText('"banana" is not a plain decimal number');
  // βγ > 1 folds the curve in the middle too: shaded bands are drawn.
  await expect(page.locator('.ambiguous-band').first()).toBeVisible();
});

test('the theme follows the system and can be switched (and travels in the link)', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const lab = new LabPage(page);
  await lab.open();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect.poll(() => new URL(page.url()).hash).toBe('#v=2&theme=light');
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(246, 247, 249)');
});

test('the explainer warns in words when β and γ change honest users’ top class', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=1&beta=1.6');
  await expect(page.getByTestId('rs-topclass-warning')).toContainText('honest users get wrong labels');
  const beta = lab.slider('β (beta)');
  await beta.focus();
  // β = 0: no defense, every top class stays.
  await page.keyboard.press('Home');
  await expect(page.getByTestId('rs-topclass-warning')).toHaveCount(0);
  await expect(page.getByTestId('rs-topclass-note')).toContainText('the top class stays on top');
  // β = 1, γ = 0.5 keeps every answer at least 50% sure, not the less sure ones.
  await lab.numberBox('β (beta)').fill('1');
  await lab.numberBox('β (beta)').press('Enter');
  await expect(page.getByTestId('rs-topclass-note')).toContainText('Answers less than 50% sure can come back with another class on top');
  expect(lab.consoleErrors).toEqual([]);
});

test('Run sits above the fold on a laptop, and a phone never scrolls sideways', async ({ page }) => {
  const lab = new LabPage(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await lab.open();
  const run = page.getByRole('button', { name: 'Run the theft' });
  const box = await run.boundingBox();
  if (!box) throw new Error('no Run button');
  expect(box.y + box.height).toBeLessThanOrEqual(720);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // The classroom modes too: the lesson, presenter mode, the handout; and the playground.
  for (const hash of ['#lesson=3', '#present=1', '#view=handout', '#view=playground']) {
    await page.goto(`./${hash}`);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Model Theft Lab' })).toBeVisible();
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), hash).toBeLessThanOrEqual(390);
  }
  expect(lab.consoleErrors).toEqual([]);
});
