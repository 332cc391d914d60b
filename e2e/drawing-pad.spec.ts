import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './pages/LabPage';
import { mainThread, observeMainThread } from './pages/mainThread';

// A small run on WASM: the shipped MNIST defender, MLP thief I, 150 … 4,800 queries, one epoch
// per step (about 10 s here: long enough to draw while it runs).
const SMALL_RUN = '#v=1&backend=wasm&sub=I&budget=4800&tep=1&eval=100';

/** Draws a stroke through `points` (fractions of the pad's width and height) with the mouse. */
async function drawStroke(page: Page, points: [number, number][]) {
  const canvas = page.getByTestId('pad-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the drawing pad is not on screen');
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

test.beforeEach(async ({ page }) => {
  await observeMainThread(page);
});

/** The bars one answer card draws (one per class). */
const bars = (page: Page, card: string) => page.getByTestId(card).locator('.pad-bars rect');
/** One card's bar heights, as drawn (changes when the answer does). */
const heights = (page: Page, card: string) => bars(page, card).evaluateAll((rs) => rs.map((r) => r.getAttribute('height')).join('|'));

test('draw a digit: the defender and the defended answer appear live; after a run, both thieves answer too', async ({ page }) => {
  test.setTimeout(150_000);
  const lab = new LabPage(page);
  await lab.open(SMALL_RUN);
  await lab.waitForBackend();
  const pad = page.getByTestId('drawing-pad');
  await pad.scrollIntoViewIfNeeded();
  await expect(pad).toContainText('Draw a digit in the black square');

  // A vertical stroke down the middle: after the MNIST-style scaling, a "1".
  await drawStroke(page, [
    [0.5, 0.15],
    [0.5, 0.85],
  ]);
  await expect(page.getByTestId('pad-top-defender')).toHaveText('1', { timeout: 30_000 });
  await expect(bars(page, 'pad-defender')).toHaveCount(10);
  await expect(page.getByTestId('pad-top-defended')).toHaveText(/^\d$/);
  await expect(page.getByTestId('pad-defended')).toContainText('reverse sigmoid, β = 0.8, γ = 0.5');
  await expect(bars(page, 'pad-defended')).toHaveCount(10);
  // Before any run: no thieves yet, and the page says how to get them.
  await expect(page.getByTestId('pad-thief-undefended')).toHaveCount(0);
  await expect(page.getByTestId('pad-thieves-note')).toContainText('Run a theft to see the thieves’ answers');
  // The 28×28 input the models see is shown beside the pad.
  await expect(page.getByRole('img', { name: 'The 28×28 image the models see' })).toBeVisible();

  // Moving β redraws the defended answer with the new setting (the same drawing is asked again).
  const defendedBars = () => heights(page, 'pad-defended');
  const before = await defendedBars();
  const beta = lab.numberBox('β (beta)');
  await beta.fill('2');
  await beta.press('Enter');
  await expect(page.getByTestId('pad-defended')).toContainText('β = 2,');
  await expect.poll(defendedBars).not.toBe(before);

  // A small theft: when it finishes, both thieves answer for the same drawing.
  await page.getByRole('button', { name: 'Run the theft' }).click();
  await expect(page.getByTestId('pad-thieves-note')).toContainText('after the run’s first budget step');
  // Drawing while the run goes on: the defender still answers (between the run's training steps).
  await expect(page.getByTestId('run-status')).toContainText('The thief is querying and training', { timeout: 60_000 });
  const defenderBars = () => heights(page, 'pad-defender');
  const beforeStroke = await defenderBars();
  const trainingFrom = await page.evaluate(() => performance.now());
  await drawStroke(page, [
    [0.3, 0.5],
    [0.7, 0.5],
  ]);
  await expect.poll(defenderBars, { timeout: 60_000 }).not.toBe(beforeStroke);
  // ... and, from the first budget step on, the running thieves answer live, as trained so far.
  await expect(page.getByTestId('pad-thief-undefended')).toContainText(/thief I, live: [\d,]+ honest answers so far/, { timeout: 60_000 });
  await expect(page.getByTestId('pad-thief-defended')).toContainText(/thief I, live: [\d,]+ defended answers so far/);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  // Drawing while the thieves train: the pad's answers redraw between training steps, without a long task.
  const longTasks = (await mainThread(page)).longTasks.filter((t) => t.start >= trainingFrom).map((t) => Math.round(t.duration));
  console.log(`drawing during the run: ${longTasks.length} long tasks, longest ${Math.max(0, ...longTasks)} ms`);
  // ... and the run's own tensor count still returned to where it started.
  const tensors = await page.evaluate(() => {
    const s = (window as unknown as { __modelTheftLab: { store: { getState(): { run: { summary: { numTensorsBefore: number; numTensorsAfter: number } } } } } })
      .__modelTheftLab.store.getState().run.summary;
    return [s.numTensorsBefore, s.numTensorsAfter];
  });
  expect(tensors[1]).toBe(tensors[0]);
  await expect(page.getByTestId('pad-top-thief-undefended')).toHaveText(/^\d$/, { timeout: 30_000 });
  await expect(page.getByTestId('pad-top-thief-defended')).toHaveText(/^\d$/);
  await expect(bars(page, 'pad-thief-undefended')).toHaveCount(10);
  await expect(bars(page, 'pad-thief-defended')).toHaveCount(10);
  await expect(page.getByTestId('pad-thief-undefended')).toContainText('thief I after 4,800 honest answers');
  await expect(page.getByTestId('pad-thieves-note')).toHaveCount(0);

  // Drawing more updates all four answers; Clear empties the pad.
  await drawStroke(page, [
    [0.25, 0.2],
    [0.75, 0.2],
    [0.45, 0.85],
  ]);
  await expect(page.getByTestId('pad-answers')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('pad-top-thief-defended')).toHaveText(/^\d$/);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('pad-defender')).toHaveCount(0);
  await expect(pad).toContainText('Draw a digit in the black square');
  expect(lab.consoleErrors).toEqual([]);
});

test('keyboard only: "Use a test image" shows a real test digit and the defender’s answer for it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=1&backend=wasm');
  await lab.waitForBackend();
  const button = page.getByRole('button', { name: 'Use a test image' });
  await button.focus();
  await page.keyboard.press('Enter');
  // MNIST test image 1 is a 7, and the shipped defender knows it.
  await expect(page.getByTestId('pad-true-label')).toHaveText('7', { timeout: 45_000 });
  await expect(page.getByTestId('pad-top-defender')).toHaveText('7');
  await expect(page.getByTestId('pad-top-defended')).toHaveText('7');
  await expect(page.getByRole('img', { name: /Drawing pad/ })).toBeVisible();
  // The next one, by keyboard again (the button keeps focus and is renamed).
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('drawing-pad')).toContainText('Test image 2, true class');
  await expect(page.getByTestId('pad-true-label')).toHaveText('2');
  expect(lab.consoleErrors).toEqual([]);
});
