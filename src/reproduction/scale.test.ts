import { describe, expect, it } from 'vitest';
import { configOf } from './configs';
import { budgetSteps, estimatedPassSeconds, estimatedSeconds } from './scale';

describe('estimatedSeconds (the cost model that orders runs and gives ETAs)', () => {
  it('counts Σ ceil(b/64) · epochs steps per thief for a thief that keeps training', () => {
    // 150, 300, 600, 1200 → 3 + 5 + 10 + 19 = 37 steps per epoch; 3 epochs, 2 thieves, 22 ms (thief I).
    expect(budgetSteps(1200)).toBe(37);
    expect(estimatedSeconds(configOf({ budget: 1200 }))).toBeCloseTo(8 + ((37 * 3 * 2 * 22) / 1000) * 1.3, 10);
  });
  it('counts N steps per budget step for a fresh thief per budget', () => {
    // 4 budget steps × 1,000 steps × 2 thieves × 22 ms.
    expect(estimatedSeconds(configOf({ budget: 1200, thiefProtocol: 'fresh', thiefSteps: 1000 }))).toBeCloseTo(8 + ((4 * 1000 * 2 * 22) / 1000) * 1.3, 10);
  });
});

describe('estimatedPassSeconds (β, γ settings trained in one pass)', () => {
  it('is one run for a pass of one, and adds one thief per other setting', () => {
    const one = configOf({ budget: 1200 });
    expect(estimatedPassSeconds([])).toBe(0);
    expect(estimatedPassSeconds([one])).toBe(estimatedSeconds(one));
    // One thief I: 37 steps × 3 epochs × 22 ms × 1.3; three settings share the rest of the run.
    const thief = ((37 * 3 * 22) / 1000) * 1.3;
    expect(estimatedPassSeconds([one, { ...one, beta: 0.8 }, { ...one, gamma: 0.2 }])).toBeCloseTo(8 + 2 * thief + 2 * thief, 10);
  });
});
