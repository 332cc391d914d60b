import { expect, test } from '@playwright/test';

test('the handout prints the lesson with its charts, five questions, and the answers on their own page', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./#view=handout');
  const handout = page.getByTestId('handout');
  await expect(handout.locator('.handout-step')).toHaveCount(9);
  // One chart per distinct recorded run: steps 1–2, 3–5 and 6 … 9 share or have their own.
  await expect(handout.locator('[data-testid="thief-chart"]')).toHaveCount(6);
  await expect(handout.locator('.handout-questions li')).toHaveCount(5);
  await expect(page.getByTestId('teacher-page')).toContainText('At 1,200 queries (86.3%), for $1.80');
  await expect(handout.locator('.handout-verdict').nth(3)).toContainText('The defense cost the thief 69 points of agreement at 1,200 queries');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.topbar')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print the handout' })).toBeHidden();
  expect(await page.getByTestId('teacher-page').evaluate((el) => getComputedStyle(el).breakBefore)).toBe('page');
  expect(errors).toEqual([]);
});
