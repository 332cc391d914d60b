import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

interface Shown {
  config: { lesson: number; beta: number; budget: number };
  summary: { defenderAccuracy: number; protectedAgreement: number; final: { undefended: { agreement: number }; defended: { agreement: number } } };
  points: { undefended: { agreement: number }; defended: { agreement: number } }[];
}

test('the guided lesson walks from the first step to the last, each verdict read off its run', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#lesson=1');
  const lesson = page.getByTestId('lesson');
  const verdict = page.getByTestId('lesson-verdict');
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  for (let n = 1; n <= 9; n++) {
    await expect(page.getByTestId('lesson-step')).toHaveText(String(n));
    await expect(verdict).toHaveAttribute('data-kind', 'ready', { timeout: 5_000 });
    const shown = await page.evaluate(() => {
      const s = (window as unknown as { __modelTheftLab: { store: { getState(): { run: unknown } } } }).__modelTheftLab.store.getState().run;
      return s as Shown;
    });
    const text = (await verdict.textContent()) ?? '';
    const s = shown.summary;
    // Every verdict quotes at least one of the run's own numbers: the defender, honest users, or a thief at the first or last step.
    const p0 = shown.points[0];
    const numbers = [s.defenderAccuracy, s.protectedAgreement, s.final.undefended.agreement, s.final.defended.agreement, p0.undefended.agreement, p0.defended.agreement].map(pct);
    expect(numbers.some((x) => text.includes(x)), `step ${n}: ${text}`).toBe(true);
    if (n === 4) {
      const drop = Math.round(100 * (s.final.undefended.agreement - s.final.defended.agreement));
      expect(text).toContain(`The defense cost the thief ${drop} points of agreement at 1,200 queries`);
    }
    expect(new URL(page.url()).hash).toMatch(n === 1 ? /lesson=1/ : new RegExp(`lesson=${n}(&|$)`));
    if (n < 9) await lesson.getByRole('button', { name: 'Next' }).click();
  }
  await expect(lesson.getByRole('button', { name: 'Next' })).toBeDisabled();
  await lesson.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByTestId('lesson-step')).toHaveText('8');
  await lesson.getByRole('button', { name: 'Leave the lesson' }).click();
  await expect(lesson).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Preset' })).toBeVisible();
  expect(lab.consoleErrors).toEqual([]);
});
