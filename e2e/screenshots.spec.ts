import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

// Refreshes the README's screenshots: `npm run screenshots`. Skipped in the normal test run so
// tests never rewrite tracked files.
test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 to refresh docs/*.png');

test('idle page at projector size (1280×720), light and dark', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.waitForBackend();
  await page.screenshot({ path: 'docs/screenshot-idle.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await lab.open('#v=1&beta=1&gamma=2');
  await lab.waitForBackend();
  await expect(page.locator('.ambiguous-band').first()).toBeVisible();
  await page.screenshot({ path: 'docs/screenshot-dark.png' });
});
