import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

/** Engine events the page receives from now on (the worker's own stream, not the store). */
async function recordEngineEvents(page: import('@playwright/test').Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __events: string[]; __modelTheftLab: { onEngineEvent(l: (e: { type: string }) => void): void } };
    w.__events = [];
    w.__modelTheftLab.onEngineEvent((e) => w.__events.push(e.type));
  });
  return () => page.evaluate(() => (window as unknown as { __events: string[] }).__events);
}

test('a preset sets its controls and its replay draws the curves at once, with no training in the worker', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.waitForBackend();
  const events = await recordEngineEvents(page);
  const started = Date.now();
  await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'Too weak (β = 0.8)' });
  await expect(lab.numberBox('β (beta)')).toHaveValue('0.8');
  // 1,200 queries: budget steps 150, 300, 600, 1,200.
  await expect.poll(() => lab.thiefPoints('defended'), { timeout: 2_000 }).toBe(4);
  expect(Date.now() - started).toBeLessThan(2_000);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('replay-label')).toContainText('Replay of a run recorded on WASM');
  await expect(page.getByTestId('preset-look')).toContainText('What to look for');
  expect((await events()).filter((t) => ['phase', 'progress', 'defender', 'point', 'samples', 'done'].includes(t))).toEqual([]);

  // "Run it live" trains the same settings in the worker.
  await page.getByRole('button', { name: 'Run it live' }).click();
  await expect(page.getByTestId('replay-label')).toHaveCount(0);
  await expect.poll(async () => (await events()).includes('phase')).toBe(true);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 10_000 });
  expect(lab.consoleErrors).toEqual([]);
});

test('a saved run opens again to the same chart; a damaged file and a missing demo give a message', async ({ page }, testInfo) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'The defense that works (β = 1, γ = 0.5)' });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  const line = page.locator('[data-testid="thief-chart"] .line-defended path.chart-line').first();
  await expect.poll(() => lab.thiefPoints('defended')).toBe(4);
  const drawn = await line.getAttribute('d');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save this run' }).click();
  const file = testInfo.outputPath((await download).suggestedFilename());
  await (await download).saveAs(file);
  expect((await download).suggestedFilename()).toMatch(/^model-theft-run-reverse-sigmoid-1200q-\d{4}-\d\d-\d\d\.json$/);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { points: unknown[]; backend: string; link: string };
  expect(saved.points).toHaveLength(4);
  expect(saved.link).toBe('#v=2&budget=1200');

  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect.poll(() => lab.thiefPoints('defended')).toBe(0);
  await page.getByTestId('open-recording').setInputFiles(file);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('replay-label')).toContainText(/from model-theft-run-/);
  await expect(line).toHaveAttribute('d', drawn ?? '');

  await page.getByTestId('open-recording').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"model-theft-lab/run","version":1}') });
  await expect(page.getByTestId('recording-error')).toContainText('broken.json: This recorded run is damaged');
  // The run on screen stays.
  await expect(line).toHaveAttribute('d', drawn ?? '');

  // A malformed demo file and a missing one: a message each, the preset's settings still in the controls.
  await page.route('**/demos/strong.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"format":"model-theft-lab/run","version":1,"points":[]}' }));
  await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'Too strong (β = 1.6): honest users get wrong labels' });
  await expect(page.getByTestId('preset-error')).toContainText('This recorded run is damaged');
  await expect(lab.numberBox('β (beta)')).toHaveValue('1.6');
  await page.route('**/demos/weak.json', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'Too weak (β = 0.8)' });
  await expect(page.getByTestId('preset-error')).toContainText('could not be loaded (HTTP 404)');
  await expect(lab.numberBox('β (beta)')).toHaveValue('0.8');
  expect(lab.consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
});

test('a preset is in the link: the link replays it on opening, and stops naming it once a setting moves', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'Too weak (β = 0.8)' });
  await expect(page).toHaveURL(/demo=weak/);
  const link = page.url();
  // Someone opens the shared link: the replay plays by itself.
  const other = await page.context().newPage();
  await other.goto(link);
  await expect(other.getByTestId('replay-label')).toContainText('Replay of a run recorded on WASM');
  await expect(other.getByRole('combobox', { name: 'Preset' })).toHaveValue('weak');
  await expect(other.getByRole('spinbutton', { name: 'β (beta) value' })).toHaveValue('0.8');
  await other.close();
  // Moving β makes it another run: the link no longer names the preset, the stale note names the preset's settings.
  await lab.numberBox('β (beta)').fill('0.6');
  await lab.numberBox('β (beta)').press('Enter');
  await expect(page).not.toHaveURL(/demo=/);
  await expect(page.getByRole('combobox', { name: 'Preset' })).toHaveValue('');
  await expect(page.getByTestId('stale-note')).toContainText('β = 0.8');
  expect(lab.consoleErrors).toEqual([]);
});
