import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

test('a worker that dies mid-run: the page says so, keeps the points, and the next run works without a reload', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open('#v=2&budget=19200&eval=200');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Run the theft' }).click();
  await expect.poll(() => lab.thiefPoints('defended'), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  const kept = await lab.thiefPoints('defended');
  // The engine worker ends itself without a word, as a crashed or killed worker does.
  const engine = page.workers().find((w) => w.url().includes('worker'));
  if (!engine) throw new Error('no engine worker');
  await engine.evaluate(() => self.close());
  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-status', 'error', { timeout: 25_000 });
  await expect(status).toContainText('The engine stopped answering');
  expect(await lab.thiefPoints('defended')).toBeGreaterThanOrEqual(kept);
  // A fresh engine comes up by itself, and a run on it finishes.
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await page.getByText('More settings').click();
  const budget = page.getByRole('spinbutton', { name: 'Q (query budget) value' });
  await budget.fill('150');
  await budget.press('Enter');
  await page.getByRole('button', { name: 'Run the theft' }).click();
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  expect(lab.consoleErrors).toEqual([]);
});

test('a render crash shows a message and a reload button, not a blank page', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=2&beta=0.6');
  // Inject a broken state: the run's curve arrays, which the chart and tables read, are gone.
  await page.evaluate(() => {
    const store = (window as unknown as { __modelTheftLab: { store: { setState(f: (s: { run: object }) => unknown): void } } }).__modelTheftLab.store;
    store.setState((s) => ({ run: { ...s.run, points: null, rows: null } }));
  });
  const crash = page.getByTestId('crash');
  await expect(crash).toContainText('Something on this page failed to draw');
  await page.getByRole('button', { name: 'Reload the page' }).click();
  await expect(page.getByRole('heading', { name: 'Model Theft Lab' })).toBeVisible();
  // The settings came back with the link.
  await expect(lab.numberBox('β (beta)')).toHaveValue('0.6');
});

test('shipped weights that fail to load: the page says why the defender trains live, before it does, and Stop ends it', async ({ page }) => {
  const lab = new LabPage(page);
  await page.route('**/models/mtl-v2-mnist-defender-s1-e3/model.json', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await lab.open('#v=2&budget=150&eval=200');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Run the theft' }).click();
  const note = page.getByTestId('phase-note');
  await expect(note).toContainText('The shipped weights could not be loaded (models/mtl-v2-mnist-defender-s1-e3/model.json', { timeout: 30_000 });
  await expect(note).toContainText('So the defender is trained here, live (1,887 steps; Stop cancels it).');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 10_000 });
  // The 404 itself is the browser's console line for the injected fault; nothing else.
  expect(lab.consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
});

test('twenty quick starts run one experiment: the superseded ones are cancelled in the worker, not run to the end', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open('#v=2&budget=150&eval=200');
  await lab.waitForBackend();
  const counts = await page.evaluate(async () => {
    const lab = (window as unknown as {
      __modelTheftLab: { store: { getState(): { startRun(): number | null } }; onEngineEvent(l: (e: { type: string; runId?: number }) => void): () => void };
    }).__modelTheftLab;
    const seen: { type: string; runId?: number }[] = [];
    const off = lab.onEngineEvent((e) => seen.push(e));
    let last = 0;
    for (let i = 0; i < 20; i++) last = lab.store.getState().startRun() ?? last;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const check = () => (seen.some((e) => e.type === 'done' && e.runId === last) ? resolve() : setTimeout(check, 100));
      check();
    });
    off();
    return { ms: performance.now() - t0, done: seen.filter((e) => e.type === 'done').length, points: seen.filter((e) => e.type === 'point').length };
  });
  console.log(`20 quick starts: ${counts.done} run finished, ${counts.points} points streamed, ${Math.round(counts.ms)} ms until the last one was done`);
  expect(counts.done).toBe(1);
  // Budget 150 is one budget step: the superseded starts streamed none of theirs.
  expect(counts.points).toBe(1);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  expect(lab.consoleErrors).toEqual([]);
});

test('shipped weights with a flipped byte are refused by their checksum, named, and the defender trains live', async ({ page }) => {
  const lab = new LabPage(page);
  await page.route('**/models/mtl-v2-mnist-defender-s1-e3/weights.bin', async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[1000] ^= 0x10;
    await route.fulfill({ response, body });
  });
  await lab.open('#v=2&budget=150&eval=200');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Run the theft' }).click();
  const note = page.getByTestId('phase-note');
  await expect(note).toContainText('models/mtl-v2-mnist-defender-s1-e3/weights.bin: its SHA-256 is', { timeout: 30_000 });
  await expect(note).toContainText('a damaged or replaced file');
  await expect(note).toContainText('So the defender is trained here, live');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 10_000 });
  expect(lab.consoleErrors).toEqual([]);
});

test('Stop during a slow data download ends the run at once, without replacing the engine', async ({ page }) => {
  const lab = new LabPage(page);
  await page.route('**/data/**/*.u8', async (route) => {
    await new Promise((r) => setTimeout(r, 8000));
    await route.continue().catch(() => undefined);
  });
  await lab.open('#v=2&budget=150&eval=200');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Run the theft' }).click();
  const status = page.getByTestId('run-status');
  await expect(status).toContainText('Loading the data set', { timeout: 10_000 });
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toHaveAttribute('data-status', 'cancelled', { timeout: 5_000 });
  const ms = Date.now() - t0;
  console.log(`Stop during the download: stopped after ${ms} ms`);
  expect(ms).toBeLessThan(1500);
  await expect(page.getByTestId('notices')).toHaveCount(0);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  expect(lab.consoleErrors).toEqual([]);
});

test('a lost GPU mid-run (WebGL): the page says so at once, keeps the points, and Continue on WASM runs the theft again there', async ({ page }) => {
  test.setTimeout(180_000);
  const lab = new LabPage(page);
  // A small MLP thief: seconds a run even on the software WebGL here.
  await lab.open('#v=2&backend=webgl&sub=I&budget=300&eval=200&tep=1');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'Run the theft' }).click();
  await expect.poll(() => lab.thiefPoints('defended'), { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
  const kept = await lab.thiefPoints('defended');
  // The context goes away, as after a driver reset.
  const saidAfterMs = await loseGpu(page);
  const status = page.getByTestId('run-status');
  await expect(status).toContainText('The GPU stopped working (the WebGL context was lost), so this run ended early');
  expect(await lab.thiefPoints('defended')).toBeGreaterThanOrEqual(kept);
  console.log(`WebGL: the loss was on the page ${saidAfterMs} ms after it happened`);
  // A fresh engine (a fresh context) comes up by itself …
  await lab.waitForBackend();
  // … and one press goes on with the same settings on WASM instead.
  await page.getByRole('button', { name: 'Continue on WASM' }).click();
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  expect(await lab.waitForBackend()).toBe('WASM');
  expect(page.url()).toContain('backend=wasm');
  expect(lab.consoleErrors).toEqual([]);
});

test('a lost GPU mid-run (WebGPU): the run ends with the reason, and a fresh engine gets a new device', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open('#v=2&backend=webgpu&sub=I&budget=300&eval=200&tep=1');
  expect(await lab.waitForBackend()).toBe('WebGPU');
  await page.getByRole('button', { name: 'Run the theft' }).click();
  // The software WebGPU here is too slow to wait for a point: the device goes while the run works.
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
  await page.waitForTimeout(1500);
  const saidAfterMs = await loseGpu(page);
  await expect(page.getByTestId('run-status')).toContainText(/The GPU stopped working \(the WebGPU device was lost \((destroyed|unknown)[^)]*\)\), so this run ended early/);
  console.log(`WebGPU: the loss was on the page ${saidAfterMs} ms after it happened`);
  expect(await lab.waitForBackend()).toBe('WebGPU');
  await expect(page.getByTestId('notices')).toContainText('The engine lost its GPU; a fresh one was started.');
  expect(lab.consoleErrors).toEqual([]);
});

/** Ends the engine's GPU device or context through its fault-injection hook; the ms until the page shows the run failed. */
async function loseGpu(page: import('@playwright/test').Page): Promise<number> {
  // The engine worker that holds a GPU (an engine replaced earlier may still be listed for a moment).
  const hasHook = (w: import('@playwright/test').Worker) =>
    w.evaluate(() => typeof (self as unknown as { __modelTheftLabLoseGpu?: unknown }).__modelTheftLabLoseGpu === 'function').catch(() => false);
  let engine: import('@playwright/test').Worker | undefined;
  await expect
    .poll(async () => {
      for (const w of page.workers()) if (await hasHook(w)) engine = w;
      return engine !== undefined;
    }, { timeout: 10_000 })
    .toBe(true);
  const t0 = Date.now();
  await engine!.evaluate(() => (self as unknown as { __modelTheftLabLoseGpu(): void }).__modelTheftLabLoseGpu());
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'error', { timeout: 10_000 });
  return Date.now() - t0;
}
