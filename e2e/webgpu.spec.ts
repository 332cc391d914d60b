import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

test('WebGPU smoke test: a forced WebGPU backend initialises and runs an op', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=1&backend=webgpu');
  const backend = await lab.waitForBackend();
  // Chromium with --enable-unsafe-webgpu always offers an adapter (software without a GPU).
  expect(backend).toBe('WebGPU');
  await page.getByText('why?').click();
  await expect(page.getByTestId('backend-status')).toContainText(/forced by the link/);
  expect(lab.consoleErrors).toEqual([]);
});

test('calibration: with calibrate=all the engine times every backend and picks the fastest', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open('#v=1&calibrate=all');
  const backend = await lab.waitForBackend();
  await page.getByText('why?').click();
  const status = page.getByTestId('backend-status');
  await expect(status).toContainText('fastest in a calibration just now');
  // Every backend that started was timed; the chosen one is marked fastest.
  const timed = status.locator('li', { hasText: /calibrated: \d+ ms per defender step/ });
  expect(await timed.count()).toBeGreaterThanOrEqual(2);
  await expect(status.locator('li', { hasText: '(fastest)' })).toContainText(backend);
  // Reloading reuses this browser's calibration instead of timing again.
  await page.reload();
  await lab.waitForBackend();
  await page.getByText('why?').click();
  await expect(status).toContainText('fastest in this browser’s earlier calibration');
  expect(lab.consoleErrors).toEqual([]);
});
