import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

test('the built page runs under its Content-Security-Policy, with no violation and no request off its origin', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const origin = new URL(baseURL ?? page.url()).origin;
  const offOrigin: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== origin) offOrigin.push(r.url());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const lab = new LabPage(page);
  await lab.open('#v=2&budget=150&eval=200');
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await lab.waitForBackend();
  // A live run (worker, WASM, data, weights), a preset's replay, the report and the handout.
  await page.getByRole('button', { name: 'Run the theft' }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await page.getByRole('combobox', { name: 'Preset' }).selectOption('works');
  await expect(page.getByTestId('replay-label')).toBeVisible();
  await page.getByRole('button', { name: "Reproduce the papers' tables" }).click();
  await expect(page.locator('.repro-chart').first()).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Lesson handout' }).click();
  await expect(page.getByTestId('handout')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
  expect(offOrigin).toEqual([]);
  expect(lab.consoleErrors).toEqual([]);
});
