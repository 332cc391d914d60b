import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

// Refreshes the README's screenshots: `npm run screenshots`. Skipped in the normal test run so
// tests never rewrite tracked files.
test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 to refresh docs/*.png');

test('idle page at projector size (1280×720), light and dark', async ({ page }) => {
  const lab = new LabPage(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await lab.open();
  await lab.waitForBackend();
  await page.screenshot({ path: 'docs/screenshot-idle.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await lab.open('#v=1&beta=1&gamma=2');
  await lab.waitForBackend();
  await expect(page.locator('.ambiguous-band').first()).toBeVisible();
  // The explainer sits below the experiment: bring its curves on screen.
  await page.getByTestId('reverse-sigmoid-chart').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: 'docs/screenshot-dark.png' });
});

test('a finished run at 1280×720', async ({ page }) => {
  test.setTimeout(240_000);
  const lab = new LabPage(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await lab.open('#v=2&budget=4800&eval=1000');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Run the theft' }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await page.getByRole('heading', { name: 'Steal the defender' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: 'docs/screenshot-run.png' });
  await page.getByTestId('thief-view').evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await page.screenshot({ path: 'docs/screenshot-thief-view.png' });
});

test('a paused run at 1280×720 (the run buttons and the held status)', async ({ page }) => {
  test.setTimeout(180_000);
  const lab = new LabPage(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await lab.open('#v=2&budget=4800&eval=500');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Run the theft' }).click();
  await expect.poll(() => lab.thiefPoints('undefended'), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('run-status')).toContainText('Paused:');
  await page.waitForTimeout(500);
  await page.getByTestId('run-status').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: 'docs/screenshot-paused.png' });
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('the drawing pad while a run trains (live thieves) and after it, at 1280×720', async ({ page }) => {
  test.setTimeout(180_000);
  const lab = new LabPage(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await lab.open('#v=1&sub=I&budget=4800&tep=2&eval=500');
  await lab.waitForBackend();
  // A hand-drawn 7 first: a bar across the top, then down and to the left.
  const canvas = page.getByTestId('pad-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(0.25, 0.22));
  await page.mouse.down();
  await page.mouse.move(...at(0.72, 0.2), { steps: 10 });
  await page.mouse.move(...at(0.62, 0.45), { steps: 10 });
  await page.mouse.move(...at(0.45, 0.82), { steps: 12 });
  await page.mouse.up();
  await expect(page.getByTestId('pad-top-defender')).toHaveText(/\d/, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Run the theft' }).click();
  // The running thieves answer from their first budget step on.
  await expect(page.getByTestId('pad-thief-defended')).toContainText('live:', { timeout: 60_000 });
  await expect(page.getByTestId('pad-answers')).toHaveAttribute('data-status', 'ready');
  await page.getByTestId('drawing-pad').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: 'docs/screenshot-drawing-pad-live.png' });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  await expect(page.getByTestId('pad-thief-defended')).toContainText('after 4,800', { timeout: 30_000 });
  await expect(page.getByTestId('pad-answers')).toHaveAttribute('data-status', 'ready');
  await page.getByTestId('drawing-pad').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: 'docs/screenshot-drawing-pad.png' });
});

test('each preset, replayed, at 1280×720', async ({ page }) => {
  const lab = new LabPage(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await lab.open();
  const menu = page.getByRole('combobox', { name: 'Preset' });
  const ids = await menu.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  for (const id of ids) {
    await menu.selectOption(id);
    await expect(page.getByTestId('replay-label')).toContainText('Replay of a run');
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
    await page.getByTestId('preset-bar').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    await page.screenshot({ path: `docs/preset-${id}.png` });
  }
});

test('the guided lesson, presenter mode, the handout and the phone layout', async ({ page }) => {
  const lab = new LabPage(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await lab.open('#lesson=4');
  await expect(page.getByTestId('lesson-verdict')).toHaveAttribute('data-kind', 'ready');
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/screenshot-lesson.png' });
  await lab.open('#v=2&budget=1200&present=1');
  await page.reload();
  await page.getByRole('combobox', { name: 'Preset' }).selectOption('works');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/screenshot-presenter.png' });
  await lab.open('#view=handout');
  await page.reload();
  await expect(page.getByTestId('handout').locator('.handout-step')).toHaveCount(9);
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/screenshot-handout.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await lab.open('#v=2');
  await page.reload();
  await page.getByRole('combobox', { name: 'Preset' }).selectOption('works');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  await page.getByTestId('thief-chart').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/screenshot-phone.png' });
});

test('the 2-D playground on its "bends the copy" preset, at 1280×720 and 390×844', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await page.emulateMedia({ colorScheme: 'light' });
  const link = '#v=2&backend=wasm&data=spiral&view=playground&demo=pg-bend';
  for (const [width, height, path] of [
    [1280, 720, 'docs/screenshot-playground.png'],
    [390, 844, 'docs/screenshot-playground-phone.png'],
  ] as const) {
    await page.setViewportSize({ width, height });
    await lab.open(link);
    await page.reload();
    await expect(page.getByTestId('regions')).toHaveAttribute('data-frames', '4', { timeout: 60_000 });
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
    await page.waitForTimeout(800);
    await page.locator(width > 600 ? '#pg-title' : '[data-testid="regions"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path });
  }
});
