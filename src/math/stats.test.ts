import { describe, expect, it } from 'vitest';
import { meanStd } from './stats';

describe('meanStd', () => {
  it('matches hand-computed values (sample std, n − 1)', () => {
    // mean 2; squared deviations 1 + 0 + 1 = 2; 2 / (3 − 1) = 1.
    expect(meanStd([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
    const r = meanStd([0.9, 1.0]);
    expect(r.mean).toBeCloseTo(0.95, 12);
    expect(r.std).toBeCloseTo(Math.sqrt(0.005), 12);
  });
  it('has no std for one value and no mean for none; drops non-finite values', () => {
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: null, n: 1 });
    expect(meanStd([]).n).toBe(0);
    expect(Number.isNaN(meanStd([]).mean)).toBe(true);
    expect(meanStd([1, Number.NaN, 3])).toEqual({ mean: 2, std: Math.SQRT2, n: 2 });
  });
});
