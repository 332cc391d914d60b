import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

test('the Reproduce view shows the committed report and runs an experiment live through the engine', async ({ page }) => {
  test.setTimeout(150_000);
  const lab = new LabPage(page);
  await lab.open('#v=1&view=reproduce&backend=wasm');
  await expect(page.getByTestId('reproduce-view')).toBeVisible();
  // The committed full report: every table of the papers, ours beside theirs.
  await expect(page.getByTestId('report-source')).toContainText('Showing the committed full report');
  const table1 = page.getByTestId('experiment-rs-mnist-table1');
  await expect(table1.getByRole('rowheader', { name: 'S(M, RS): stolen from RS' })).toBeVisible();
  await expect(table1.locator('tbody tr').first().locator('td').nth(1)).toHaveText('0.930'); // the paper's S(M)
  await expect(page.getByTestId('repro-chart-tradeoff').locator('.recharts-scatter-symbol').first()).toBeVisible();
  await expect(page.getByTestId('repro-chart-eps-mnist-figure1').locator('.recharts-bar-rectangle').first()).toBeVisible();
  // The grid search: 8 β × 7 γ cells, the cells that break honest users marked, the chosen one outlined.
  const drop = page.getByTestId('experiment-rs-mnist-grid').getByTestId('heatmap-drop');
  await expect(drop.locator('svg > g')).toHaveCount(56);
  await expect(drop.locator('g[data-excluded]')).toHaveCount(21);
  await expect(drop.locator('g[data-chosen] title')).toHaveText(/β = 1, γ = 0.5: .*\(chosen\)/);

  // Run Table II live (quick: one 1,200-query run): the report switches to this page's numbers.
  await lab.waitForBackend();
  await page.getByTestId('experiment-rs-mnist-table2').getByRole('button', { name: /Run this experiment here \(1 run, quick\)/ }).click();
  await expect(page.getByTestId('repro-progress')).toBeVisible();
  await expect(page.getByTestId('report-source')).toContainText('Showing a live quick report from the 1 run', { timeout: 120_000 });
  const t2 = page.getByTestId('experiment-rs-mnist-table2');
  const ours = await t2.getByRole('row', { name: /accuracy of M \(defender\)/ }).locator('td').first().textContent();
  expect(Number(ours)).toBeGreaterThan(0.97); // the shipped MNIST defender on the first 2,000 test images
  await expect(t2.locator('.repro-checks li').first()).toHaveAttribute('data-holds', 'true');
  expect(lab.consoleErrors).toEqual([]);

  // Back to the lab with one click; the view is part of the share link.
  await page.getByRole('button', { name: 'The lab' }).click();
  await expect(page).not.toHaveURL(/view=reproduce/);
  // The lab shows the last run (the one the Reproduce tab just made), so its button offers to run again.
  await expect(page.getByRole('button', { name: /Run the theft|Run again/ })).toBeVisible();
});

/** The page's own stores, as the reproduction script reads them. */
type Lab = {
  __modelTheftLab: {
    store: {
      getState(): { run: { runId: number; status: string; points: unknown[]; summary: Record<string, unknown> | null }; startRun(opts: { config: unknown }): number | null };
      subscribe(listener: (s: { run: { runId: number; status: string } }) => void): () => void;
    };
    reproduce: { getState(): { queue: { key: string; config: unknown }[]; results: Record<string, { points: unknown[]; summary: Record<string, unknown> }> } };
  };
};

/** A summary without what depends on how the run was scheduled (wall time, pass size, tensor counts, where the defender came from). */
function numbers(summary: Record<string, unknown>) {
  const scheduling = new Set(['wallMs', 'group', 'numTensorsBefore', 'numTensorsAfter', 'defenderSource']);
  return Object.fromEntries(Object.entries(summary).filter(([key]) => !scheduling.has(key)));
}

test('the grid search trains its β, γ settings in one pass, each with exactly the numbers of its own run', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const lab = new LabPage(page);
  await lab.open('#v=1&view=reproduce&backend=wasm');
  await lab.waitForBackend();
  await page.getByTestId('experiment-rs-mnist-grid').getByRole('button', { name: /Run this experiment here \(3 runs, quick\)/ }).click();
  await expect(page.getByTestId('repro-progress')).toContainText('runs 1–3 of 3, 3 β, γ settings in one pass');
  // On a phone the progress line wraps under its bar instead of widening the page.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expect(page.getByTestId('report-source')).toContainText('Showing a live quick report from the 3 run', { timeout: 150_000 });
  const { queue, results } = await page.evaluate(() => (window as unknown as Lab).__modelTheftLab.reproduce.getState());
  const records = queue.map((r) => results[r.key]);
  // One pass: its wall time in every record, the pass's size beside it; one undefended thief, three defended ones.
  expect(records.map((r) => r.summary.group)).toEqual([3, 3, 3]);
  expect(new Set(records.map((r) => r.summary.wallMs)).size).toBe(1);
  const finals = records.map((r) => r.summary.final as { undefended: unknown; defended: { accuracy: number } });
  expect(new Set(finals.map((f) => JSON.stringify(f.undefended))).size).toBe(1);
  expect(new Set(finals.map((f) => f.defended.accuracy)).size).toBeGreaterThan(1);

  // The second setting alone, as the lab runs it: the same curve and summary to the last digit.
  const alone = await page.evaluate(async (config) => {
    const app = (window as unknown as Lab).__modelTheftLab.store;
    const runId = app.getState().startRun({ config });
    await new Promise<void>((resolve) => {
      const stop = app.subscribe((s) => {
        if (s.run.runId === runId && s.run.status !== 'running') {
          stop();
          resolve();
        }
      });
    });
    return app.getState().run;
  }, queue[1].config);
  expect(alone.status).toBe('done');
  expect(alone.points).toEqual(records[1].points);
  expect(numbers(alone.summary!)).toEqual(numbers(records[1].summary));
  expect(lab.consoleErrors).toEqual([]);
});
