import { describe, expect, it } from 'vitest';
import { configOf } from './configs';
import { budgetSteps, estimatedSeconds } from './scale';

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
