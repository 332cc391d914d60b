import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './pages/LabPage';

// Two moons, 150 … 600 queries per thief on WASM: the whole theft is seconds.
const SMALL = '#v=2&view=playground&data=moons&budget=600&tseed=4&backend=wasm';

/** A canvas's pixels once its cross-fade has settled (two reads 300 ms apart agree). */
async function settledPixels(page: Page, testId: string): Promise<string> {
  const read = () => page.getByTestId(testId).evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  let last = await read();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(300);
    const now = await read();
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function runToTheEnd(page: Page, steps: number) {
  await page.getByRole('button', { name: 'Run the theft' }).click();
  await expect(page.getByTestId('regions')).toHaveAttribute('data-frames', String(steps), { timeout: 90_000 });
  await expect(page.getByTestId('run-status')).not.toHaveAttribute('data-status', 'running', { timeout: 30_000 });
}

test('a playground run draws four panels, and moving β redraws the defended answers without a new run', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open(SMALL);
  await lab.waitForBackend();
  await runToTheEnd(page, 3);
  const defender = await settledPixels(page, 'region-defender');
  const defenderDrawnAt = await page.getByTestId('region-defender').getAttribute('data-frame-drawn');
  const before = await settledPixels(page, 'region-answers');
  const beta = lab.slider('β (beta)');
  await beta.focus();
  for (let i = 0; i < 5; i++) await beta.press('ArrowRight');
  const after = await settledPixels(page, 'region-answers');
  expect(after).not.toBe(before);
  // The defender's own regions did not move: only the answers it hands out did, and only their
  // picture was redrawn (a slider step used to replay every picture's fade).
  expect(await settledPixels(page, 'region-defender')).toBe(defender);
  expect(await page.getByTestId('region-defender').getAttribute('data-frame-drawn')).toBe(defenderDrawnAt);
  await expect(page.getByTestId('regions')).toHaveAttribute('data-frames', '3');
  expect(lab.consoleErrors).toEqual([]);
});

test('a Jacobian thief’s query points double every round', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open(`${SMALL}&attack=jacobian`);
  await lab.waitForBackend();
  await runToTheEnd(page, 3);
  // Each budget step keeps its own picture: step back through them and count the points drawn.
  const steps = page.getByRole('group', { name: 'Budget step shown' });
  const counts: number[] = [];
  for (const label of ['150', '300', '600']) {
    await steps.getByRole('button', { name: label, exact: true }).click();
    counts.push(Number(await page.getByTestId('region-undefended').getAttribute('data-points')));
  }
  expect(counts).toEqual([150, 300, 600]);
  expect(lab.consoleErrors).toEqual([]);
});

test('a shared link reopens the same data and the same regions', async ({ browser }) => {
  const pictures: string[][] = [];
  for (let i = 0; i < 2; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const lab = new LabPage(page);
    await lab.open(`${SMALL}&tnoise=0.2`);
    await lab.waitForBackend();
    await runToTheEnd(page, 3);
    pictures.push([
      await settledPixels(page, 'region-defender'),
      await settledPixels(page, 'region-undefended'),
      // The points lie on their own canvas over the regions: the same queries, drawn the same.
      await settledPixels(page, 'region-undefended-points'),
    ]);
    expect(lab.consoleErrors).toEqual([]);
    await page.close();
  }
  expect(pictures[1]).toEqual(pictures[0]);
});

test('the lab and the lesson open the playground on a preset that runs live; a link naming a playground preset runs it on opening', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=2&backend=wasm');
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'See it in 2-D first' }).click();
  await expect(page.getByRole('heading', { name: 'The 2-D playground' })).toBeVisible();
  await expect(page.getByTestId('pg-preset-look')).toContainText('no defense (β = 0)');
  await expect(page.getByTestId('regions')).toHaveAttribute('data-frames', '4', { timeout: 90_000 });
  expect(page.url()).toContain('demo=pg-copy');
  // Moving a setting away from the preset's drops it from the link.
  const beta = lab.slider('β (beta)');
  await beta.focus();
  await beta.press('ArrowRight');
  await expect.poll(() => page.url()).not.toContain('demo=');
  // The lesson's first step offers the same way in, and the lab tab brings the lesson back.
  await lab.open('#v=2&backend=wasm&lesson=1');
  await page.reload();
  await lab.waitForBackend();
  await page.getByRole('button', { name: 'open the 2-D playground' }).click();
  await expect(page.getByRole('heading', { name: 'The 2-D playground' })).toBeVisible();
  await page.getByRole('button', { name: 'The lab', exact: true }).click();
  await expect(page.getByTestId('lesson-step')).toHaveText('1');
  // A shared link that names a playground preset runs it as the page opens.
  await lab.open('#v=2&backend=wasm&data=spiral&view=playground&demo=pg-bend');
  await page.reload();
  await expect(page.getByTestId('pg-preset-look')).toContainText('three-arm spiral');
  await expect(page.getByTestId('regions')).toHaveAttribute('data-frames', '4', { timeout: 90_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  expect(lab.consoleErrors).toEqual([]);
});
