import { describe, expect, it } from 'vitest';
import { selectReverseSigmoidChart } from './reverseSigmoidChart';

describe('reverse-sigmoid chart selector', () => {
  it('returns the same reference until β or γ change', () => {
    const a = selectReverseSigmoidChart(0.8, 0.5);
    expect(selectReverseSigmoidChart(0.8, 0.5)).toBe(a);
    const b = selectReverseSigmoidChart(0.8, 0.6);
    expect(b).not.toBe(a);
    expect(b.points).toHaveLength(401);
    // With γ < 1 the defended curve folds near y = 0: at least one ambiguous band.
    expect(b.ambiguous.length).toBeGreaterThan(0);
  });
});
