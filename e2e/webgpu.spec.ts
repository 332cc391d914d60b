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
