import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';
import { clearMainThread, longest, mainThread, observeMainThread } from './pages/mainThread';

// A small run through the real worker: shipped MNIST defender (seed 1, 3 epochs), MLP thief I,
// 150 … 1,200 queries, 2 epochs per step, 200 test images: a few seconds on WASM.
const SMALL_RUN = '#v=1&sub=I&budget=1200&tep=2&eval=200';
/**
 * The same run with 20 thief epochs per budget step: thief I's step is ~5 ms on WASM, so the small run's
 * last two budget steps (about 60 steps) could end between its second point and a Pause pressed from the
 * keyboard; with 20 epochs they take ~600 steps, seconds.
 */
const PAUSABLE_RUN = '#v=1&sub=I&budget=1200&tep=20&eval=200';

test.beforeEach(async ({ page }) => {
  // Main-thread long tasks, slow input events and layout shifts from the first byte on.
  await observeMainThread(page);
});

test('a small theft runs in the worker: both curves grow point by point, the page stays responsive', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open(SMALL_RUN);
  await lab.waitForBackend();
  // Long tasks from the click on (the page's load and the engine's start are not training).
  // Before the run: the results tables and 8 blank sample cards already hold their place.
  await expect(page.getByTestId('thief-view')).toHaveAttribute('data-waiting', 'true');
  await expect(page.locator('.samples-waiting .sample')).toHaveCount(8);
  await expect(page.getByTestId('run-results')).toHaveAttribute('data-waiting', 'true');
  await expect(page.getByTestId('acc-undefended')).toHaveText('—');
  const sinceClick = async () => longest(await mainThread(page));
  await clearMainThread(page);
  await page.getByRole('button', { name: 'Run the theft' }).click();
  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-status', 'running');
  // The click's own task (the panel switching to "running") is reported as the slowest click event below.
  const clickTask = await sinceClick();
  await clearMainThread(page, ['longTasks']);
  await expect(page.getByTestId('defender-line')).toContainText(/shipped pretrained|loaded from this browser/);

  // A line has a segment once it has two points: wait for the first segment of both curves.
  await expect.poll(() => lab.thiefPoints('undefended'), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  expect(await lab.thiefPoints('defended')).toBeGreaterThanOrEqual(2);

  // The first points and the sample strip are drawn by now; from here on only the thieves' training.
  const longestToFirstPoints = await sinceClick();
  await clearMainThread(page, ['longTasks', 'events']);

  // While the thieves train (budget steps still to go): open "More settings", time the click.
  const t0 = Date.now();
  await page.getByText('More settings').click();
  await expect(page.locator('details.more-settings')).toHaveAttribute('open', '');
  const roundTripMs = Date.now() - t0;
  await expect(status).toHaveAttribute('data-status', 'running');

  // Point by point: a third point arrives while the run is still going, then all four.
  await expect.poll(() => lab.thiefPoints('undefended'), { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  expect(await lab.thiefPoints('undefended')).toBe(4);
  expect(await lab.thiefPoints('defended')).toBe(4);
  await expect(page.getByTestId('acc-undefended')).toHaveText(/\d+\.\d%/);
  await expect(page.getByTestId('thief-view')).toHaveAttribute('data-waiting', 'false');
  await expect(page.getByTestId('run-results')).toHaveAttribute('data-waiting', 'false');
  // "What the thief sees": 8 cards, each with a bar per class and answer (20), its Σ and its top classes in words.
  await expect(page.getByTestId('sample-stats')).toHaveCount(8);
  expect(await page.locator('.samples .answer-bars rect').count()).toBe(8 * 20);
  await expect(page.locator('.samples .answer-bars').first()).toHaveAttribute('aria-label', /^The defender's answer: \d at \d+%; the thief gets: \d at \d+%$/);
  for (const text of await page.getByTestId('sample-stats').allTextContents()) expect(text).toMatch(/^Σ 1\.000 · min 0\.\d{3}$/);
  // The readout appears while the pointer is on the chart: hover the last budget step and read it.
  const chart = page.getByTestId('thief-chart');
  // The chart sits below the fold at 1280×720 now that the controls come first: scroll to it, or
  // the pointer would move to a point outside the viewport and hover nothing.
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.locator('.chart-grid').boundingBox();
  if (!box) throw new Error('no chart grid');
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  await expect(chart.getByTestId('thief-readout')).toContainText('1,200 queries');
  await page.mouse.move(0, 0);
  // 1,200 queries at the default $1.50 per 1,000.
  await expect(page.getByTestId('query-bill')).toContainText("1,200 queries answered · the thief's bill: $1.80");

  const record = await mainThread(page);
  const perf = { longTasks: record.longTasks.map((t) => t.duration), clicks: record.events.filter((e) => e.name === 'click' || e.name === 'pointerup') };
  const slowestClick = Math.max(0, ...perf.clicks.map((c) => c.duration));
  console.log(
    `main thread: the Run click ${Math.round(clickTask)} ms (0 = under 50); from then to the first points (data, defender, sample strip): longest task ${Math.round(longestToFirstPoints)} ms; ` +
      `while the thieves trained: ${perf.longTasks.length} long tasks, longest ${Math.round(Math.max(0, ...perf.longTasks))} ms; ` +
      `click round trip ${roundTripMs} ms (Playwright), slowest click event ${Math.round(slowestClick)} ms`,
  );
  // Interaction to next paint, well inside the web-vitals "poor" bound (500 ms). On a 2-core machine the
  // worker's training shares the cores with the page: the click measured 80–104 ms in CI runs on one
  // machine and 136–224 ms on another (9 runs, the same with and without cross-origin isolation), so a
  // 200 ms line failed on noise; a frozen page still fails this one. The bench measures the page's work
  // per point against its goal.
  expect(slowestClick).toBeLessThan(300);
  // No layout shift while the charts stream: the run's panels keep their place from the click on.
  const shifts = record.shifts;
  const shiftScore = shifts.reduce((a, e) => a + e.value, 0);
  console.log(`layout shift from the Run click to the end: ${shiftScore.toFixed(4)} (${shifts.length} shifts${shifts.length ? `: ${[...new Set(shifts.flatMap((e) => e.sources))].join(', ')}` : ''})`);
  for (const e of shifts) console.log(`  shift ${e.value.toFixed(4)}: ${e.sources.join(", ")}`);
  expect(shiftScore).toBeLessThan(0.01);
  expect(lab.consoleErrors).toEqual([]);
});

test('stop cancels a run, and a new run starts cleanly after it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=1&sub=I&budget=19200&tep=1&eval=200');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Run the theft' }).click();
  const status = page.getByTestId('run-status');
  await expect(status).toContainText('The thief is querying and training', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toHaveAttribute('data-status', 'cancelled', { timeout: 10_000 });
  await expect(status).toContainText('Stopped');

  // Change the defense and run again: the new run finishes (small budget from the number box).
  await page.getByRole('combobox', { name: 'Defense', exact: true }).selectOption('ranking');
  // The stopped run's curves stay, and the page says they were made with other settings.
  const stale = page.getByTestId('stale-note');
  await expect(stale).toContainText('Results from other settings');
  await expect(stale).toContainText('Reverse sigmoid');
  await page.getByText('More settings').click();
  const budget = page.getByRole('spinbutton', { name: 'Q (query budget) value' });
  await budget.fill('150');
  await budget.press('Enter');
  // The stopped run's sample cards stay in place, dimmed, until the new run's first answers
  // arrive: the same cards in the frame after the click, not a blank strip drawn anew.
  const captions = await page.locator('.samples .sample-caption').allTextContents();
  expect(captions).toHaveLength(8);
  const starting = await page.evaluate(async () => {
    const again = document.querySelector<HTMLButtonElement>('.run-buttons button.primary');
    if (again?.textContent !== 'Run again') throw new Error(`expected the Run again button, got ${again?.textContent}`);
    again.click();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const view = document.querySelector('[data-testid="thief-view"]');
    const defense = () => document.querySelector<HTMLSelectElement>('[data-testid="param-defense"] select')?.disabled;
    const first = {
      waiting: view?.getAttribute('data-waiting'),
      captions: [...(view?.querySelectorAll('.samples-waiting .sample-caption') ?? [])].map((e) => e.textContent),
      hint: view?.querySelector('.hint')?.textContent ?? '',
      runDisabled: again.disabled,
      settingsDisabled: defense(),
    };
    // The settings grey out in a later frame than the one that shows the run started (two short tasks, not one long one).
    for (let i = 0; i < 3 && !defense(); i++) await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return { ...first, settingsDisabledLater: defense() };
  });
  expect(starting).toEqual({ waiting: 'true', captions, hint: expect.stringContaining('Dimmed: the last run’s queries'), runDisabled: true, settingsDisabled: false, settingsDisabledLater: true });
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('thief-view')).toHaveAttribute('data-waiting', 'false');
  await expect(stale).toHaveCount(0);
  expect(lab.consoleErrors).toEqual([]);
});

test('pause holds the run between steps, resume finishes it, reset clears it: all from the keyboard', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open(PAUSABLE_RUN);
  await lab.waitForBackend();
  const status = page.getByTestId('run-status');
  const pause = page.getByRole('button', { name: 'Pause' });
  await expect(pause).toBeDisabled(); // nothing to pause yet
  await page.getByRole('button', { name: 'Run the theft' }).focus();
  await page.keyboard.press('Enter');
  await expect(status).toHaveAttribute('data-status', 'running');
  await expect.poll(() => lab.thiefPoints('undefended'), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  await pause.focus();
  await page.keyboard.press('Space');
  const resume = page.getByRole('button', { name: 'Resume' });
  await expect(resume).toHaveAttribute('aria-pressed', 'true');
  await expect(status).toContainText('Paused:');
  await expect(status).toContainText('press Resume to go on');
  // Held: over 3 s neither the curve nor the progress bar moves (a step takes ~20–100 ms here).
  await page.waitForTimeout(500); // the step in flight when the pause arrived
  const held = async () => ({
    points: await lab.thiefPoints('undefended'),
    progress: await status.getByRole('progressbar').getAttribute('aria-valuenow'),
  });
  const atPause = await held();
  await page.waitForTimeout(3000);
  expect(await held()).toEqual(atPause);
  expect(atPause.points).toBeLessThan(4);
  await expect(status).toHaveAttribute('data-status', 'running');

  await resume.focus();
  await page.keyboard.press('Enter');
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  expect(await lab.thiefPoints('undefended')).toBe(4);
  await expect(status).toContainText(/Finished in/);

  const reset = page.getByRole('button', { name: 'Reset', exact: true });
  await reset.focus();
  await page.keyboard.press('Space');
  await expect(status).toHaveAttribute('data-status', 'idle');
  expect(await lab.thiefPoints('undefended')).toBe(0);
  await expect(page.getByRole('button', { name: 'Run the theft' })).toBeEnabled();
  expect(lab.consoleErrors).toEqual([]);
});

test('the ε explainer: a real query, redrawn on the page as ε moves', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=1&def=epsilon&eps=0.01');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Show a real query' }).click();
  const chart = page.getByTestId('epsilon-chart');
  await expect(chart).toBeVisible({ timeout: 60_000 });
  const facts = page.getByTestId('epsilon-facts');
  await expect(facts).toContainText('Each class moves by ±ε = 0.01');
  await expect(facts).toContainText('top class unchanged');
  const yStarBars = () => chart.locator('.bars-ystar path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d')).join('|'));
  const yBars = () => chart.locator('.bars-y path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d')).join('|'));
  const before = await yStarBars();
  const yBefore = await yBars();
  const eps = lab.numberBox('ε (epsilon)');
  await eps.fill('0.1');
  await eps.press('Enter');
  await expect(facts).toContainText('±ε = 0.1');
  await expect.poll(yStarBars).not.toBe(before);
  // The defender's own answer does not move; only what the thief receives does.
  expect(await yBars()).toBe(yBefore);
  // At y itself there is no direction: the answer goes out unchanged.
  await page.getByRole('combobox', { name: 'Gradient taken at', exact: true }).selectOption('at-y');
  await expect(facts).toContainText('gradient is exactly zero');
  expect(lab.consoleErrors).toEqual([]);
});
