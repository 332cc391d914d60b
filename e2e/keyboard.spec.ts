import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './pages/LabPage';

// Keyboard-only operation: every interaction below is page.keyboard (Tab / Shift+Tab to move,
// arrows / PageUp / PageDown / Home / End / Enter / Space to act). The page is only read.

interface Focused {
  tag: string;
  role: string;
  name: string;
  /** The focused element was reached before in this walk. */
  seen: boolean;
}

/** What has the focus now (and marks it, so a walk knows when it has come round). */
function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement as (HTMLElement & { __kbSeen?: boolean }) | null;
    if (!el || el === document.body) return null;
    const seen = el.__kbSeen === true;
    el.__kbSeen = true;
    const input = el as HTMLInputElement;
    const role = el.getAttribute('role') ?? (el.tagName === 'INPUT' && input.type === 'range' ? 'slider' : el.tagName.toLowerCase());
    let name = el.getAttribute('aria-label') ?? '';
    if (!name && input.labels?.length) name = (input.labels[0].textContent ?? '').trim();
    if (!name) name = (el.textContent ?? '').trim().slice(0, 80);
    return { tag: el.tagName.toLowerCase(), role, name, seen };
  });
}

function forgetVisits(page: Page): Promise<void> {
  return page.evaluate(() => {
    for (const el of Array.from(document.querySelectorAll('*'))) delete (el as HTMLElement & { __kbSeen?: boolean }).__kbSeen;
  });
}

/** Presses `key` until the focus is on an element matching `want` (at most `max` presses). */
async function moveTo(page: Page, want: (f: Focused) => boolean, key: 'Tab' | 'Shift+Tab' = 'Tab', max = 200): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f && want(f)) return f;
  }
  throw new Error(`${key} × ${max} never reached the element`);
}

interface SliderState {
  value: number;
  min: number;
  max: number;
  step: number;
  valueText: string | null;
  valueNow: string | null;
}

async function sliderState(page: Page, name: string): Promise<SliderState> {
  return page.getByRole('slider', { name, exact: true }).evaluate((el) => {
    const input = el as HTMLInputElement;
    return {
      value: Number(input.value),
      min: Number(input.min),
      max: Number(input.max),
      step: Number(input.step),
      valueText: input.getAttribute('aria-valuetext'),
      valueNow: input.getAttribute('aria-valuenow'),
    };
  });
}

/** Chromium's big step for a range input: a tenth of the range (at least one step), then snapped to the step grid. */
function snap(v: number, s: SliderState): number {
  const clamped = Math.min(s.max, Math.max(s.min, v));
  return s.min + Math.round((clamped - s.min) / s.step) * s.step;
}

/**
 * With the focus on slider `name`: Home, ArrowRight, ArrowUp, End, ArrowLeft, PageDown, PageUp,
 * each checked against the value the keyboard should give, and the value text against the value.
 */
async function operateFocusedSlider(page: Page, lab: LabPage, name: string) {
  const s0 = await sliderState(page, name);
  const big = Math.max((s0.max - s0.min) / 10, s0.step);
  const expectValue = async (key: string, expected: number) => {
    await page.keyboard.press(key);
    // A big step may land half-way between two grid points: either neighbour is right.
    const tolerance = key.startsWith('Page') ? s0.step * 1.0001 : s0.step * 1e-6;
    await expect
      .poll(async () => Math.abs((await sliderState(page, name)).value - expected), { message: `${name} after ${key}` })
      .toBeLessThanOrEqual(tolerance);
    const s = await sliderState(page, name);
    // The value a screen reader announces is the slider's value (thousands separators and a unit allowed).
    expect(s.valueText?.replace(/,/g, '') ?? s.valueNow, `${name} value text`).toContain(String(s.value));
    return s.value;
  };
  const isBeta = name === 'β (beta)';
  const curveBefore = isBeta ? await lab.curvePath('unnormalized').getAttribute('d') : null;
  await expectValue('Home', s0.min);
  await expectValue('ArrowRight', snap(s0.min + s0.step, s0));
  if (isBeta) {
    // β moved: the reverse-sigmoid curve is redrawn.
    await expect(lab.curvePath('unnormalized')).not.toHaveAttribute('d', curveBefore ?? '');
  }
  await expectValue('ArrowUp', snap(s0.min + 2 * s0.step, s0));
  await expectValue('End', s0.max);
  const oneBelow = await expectValue('ArrowLeft', snap(s0.max - s0.step, s0));
  const paged = await expectValue('PageDown', snap(oneBelow - big, s0));
  await expectValue('PageUp', snap(paged + big, s0));
  // Shift+Tab leaves the slider for its own number box or reset button; Tab comes back.
  await page.keyboard.press('Shift+Tab');
  const back = await focused(page);
  expect(back?.name, `Shift+Tab from ${name}`).toMatch(new RegExp(`^(Reset )?${name.replace(/[$()^.*+?[\]\\]/g, '\\$&')}( value| to .*)$`));
  await page.keyboard.press('Tab');
  expect((await focused(page))?.name).toBe(name);
}

const ACCESSIBLE_NAME = /^\S+ \([^)]*[a-z][^)]*\)$/;

/** The names of the sliders on the page now, each checked for a "symbol (word)" name and a value. */
async function visibleSliders(page: Page): Promise<string[]> {
  const sliders = page.getByRole('slider');
  const names: string[] = [];
  for (let i = 0; i < (await sliders.count()); i++) {
    const s = sliders.nth(i);
    const name = (await s.getAttribute('aria-label')) ?? '';
    expect(name, 'a slider name: a symbol and a word, like "β (beta)"').toMatch(ACCESSIBLE_NAME);
    const hasValue = (await s.getAttribute('aria-valuetext')) !== null || (await s.getAttribute('aria-valuenow')) !== null;
    expect(hasValue, `${name} has aria-valuetext or aria-valuenow`).toBe(true);
    names.push(name);
  }
  return names;
}

test('every slider on the page can be reached and operated with the keyboard alone', async ({ page }) => {
  test.setTimeout(180_000);
  const lab = new LabPage(page);
  await lab.open('#v=1&backend=wasm');
  await lab.waitForBackend();
  const operated = new Set<string>();
  const present = new Set<string>();
  const record = async () => (await visibleSliders(page)).forEach((n) => present.add(n));
  await record();

  // 1. Walk the page from the top with Tab: operate each slider, open "More settings" on the way.
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f) continue;
    if (f.seen) break; // came round to the top again
    if (f.role === 'slider' && !operated.has(f.name)) {
      await operateFocusedSlider(page, lab, f.name);
      operated.add(f.name);
    } else if (f.tag === 'summary' && f.name === 'More settings' && !(await page.locator('details.more-settings').getAttribute('open'))) {
      await page.keyboard.press('Enter');
      await expect(page.locator('details.more-settings')).toHaveAttribute('open', '');
      await record();
    }
  }
  expect(operated.size).toBeGreaterThanOrEqual(10);

  // 2. The defense's own sliders: choose each defense from the keyboard, then Tab to its sliders.
  for (const defense of ['epsilon', 'concave', 'sine'] as const) {
    await forgetVisits(page);
    await moveTo(page, (f) => f.tag === 'select' && f.name === 'Defense', 'Shift+Tab', 300);
    const select = page.getByRole('combobox', { name: 'Defense', exact: true });
    for (let i = 0; i < 8 && (await select.inputValue()) !== defense; i++) await page.keyboard.press('ArrowDown');
    await expect(select).toHaveValue(defense);
    await record();
    for (const name of await visibleSliders(page)) {
      if (operated.has(name)) continue;
      await moveTo(page, (f) => f.role === 'slider' && f.name === name, 'Tab', 40);
      await operateFocusedSlider(page, lab, name);
      operated.add(name);
    }
  }

  // Every slider that was on the page, in every state, was operated by keyboard.
  expect([...present].filter((n) => !operated.has(n))).toEqual([]);
  for (const name of [
    'β (beta)',
    'γ (gamma)',
    'ε (epsilon)',
    'β (noise scale)',
    'ρ (rho)',
    'f (frequency)',
    'Q (query budget)',
    'E (thief epochs per step)',
    'seed (random seed)',
  ]) {
    expect(operated, name).toContain(name);
  }
  console.log(`operated ${operated.size} sliders by keyboard: ${[...operated].join(', ')}`);
  expect(lab.consoleErrors).toEqual([]);
});

test('Run and Stop work from the keyboard (Enter and Space)', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('#v=1&backend=wasm&sub=I&budget=19200&tep=1&eval=100');
  await lab.waitForBackend();
  const status = page.getByTestId('run-status');

  await moveTo(page, (f) => f.tag === 'button' && f.name === 'Run the theft');
  await page.keyboard.press('Enter');
  await expect(status).toHaveAttribute('data-status', 'running');
  // Run is disabled while running: the next Tab stop is Stop.
  await moveTo(page, (f) => f.tag === 'button' && f.name === 'Stop', 'Tab', 3);
  await page.keyboard.press('Space');
  await expect(status).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });

  // Back to "Run again" with Shift+Tab, Space starts it; Enter on Stop stops it again.
  await moveTo(page, (f) => f.tag === 'button' && f.name === 'Run again', 'Shift+Tab', 3);
  await page.keyboard.press('Space');
  await expect(status).toHaveAttribute('data-status', 'running');
  await moveTo(page, (f) => f.tag === 'button' && f.name === 'Stop', 'Tab', 3);
  await page.keyboard.press('Enter');
  await expect(status).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  expect(lab.consoleErrors).toEqual([]);
});
