import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgressPacer, PROGRESS_EVERY_MS } from './progressPacer';
import { browserTimers } from './replay';

/** The pacer with what it showed and when (fake time, ms since the test began). */
function paced() {
  const shown: { at: number; update: number }[] = [];
  const t0 = Date.now();
  const pacer = createProgressPacer<number>((update) => shown.push({ at: Date.now() - t0, update }), browserTimers);
  return { pacer, shown };
}

describe('progress pacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows the first update at once, then the newest of each second when the second ends', () => {
    const { pacer, shown } = paced();
    // The engine's cadence: an update every 250 ms, from 0 to 2,250 ms.
    for (let i = 0; i < 10; i++) {
      pacer.offer(i);
      vi.advanceTimersByTime(250);
    }
    // 0 at once (window 0–1000); 1, 2, 3 held, 3 shown at 1000 (window to 2000);
    // 4–7 held, 7 shown at 2000 (window to 3000); 8 and 9 held.
    expect(shown).toEqual([
      { at: 0, update: 0 },
      { at: 1000, update: 3 },
      { at: 2000, update: 7 },
    ]);
    vi.advanceTimersByTime(500); // now 3000: the window ends with 9, the newest
    expect(shown.at(-1)).toEqual({ at: 3000, update: 9 });
    // Nothing arrives in the next window: it closes empty, and a later update is shown at once.
    vi.advanceTimersByTime(1500); // now 4500
    pacer.offer(10);
    expect(shown.at(-1)).toEqual({ at: 4500, update: 10 });
    expect(shown).toHaveLength(5);
    expect(PROGRESS_EVERY_MS).toBe(1000);
  });

  it('hands the held update over once, so it is not shown again when the second ends', () => {
    const { pacer, shown } = paced();
    pacer.offer(1);
    vi.advanceTimersByTime(300);
    pacer.offer(2);
    expect(pacer.take()).toBe(2);
    expect(pacer.take()).toBeNull();
    vi.advanceTimersByTime(700);
    expect(shown.map((s) => s.update)).toEqual([1]);
  });

  it('after a reset drops what was held and shows the next update at once', () => {
    const { pacer, shown } = paced();
    pacer.offer(1);
    vi.advanceTimersByTime(100);
    pacer.offer(2);
    pacer.reset();
    vi.advanceTimersByTime(100); // 200 ms: still inside the old window, which the reset closed
    pacer.offer(3);
    vi.advanceTimersByTime(5000);
    expect(shown).toEqual([
      { at: 0, update: 1 },
      { at: 200, update: 3 },
    ]);
  });

  it('tells a falsy update apart from nothing held', () => {
    const { pacer, shown } = paced();
    pacer.offer(5);
    pacer.offer(0);
    vi.advanceTimersByTime(1000);
    expect(shown.map((s) => s.update)).toEqual([5, 0]);
  });
});
