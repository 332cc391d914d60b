import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  accuracy,
  agreement,
  argmax,
  argmaxRows,
  argmaxUnchangedRate,
  klDivergence,
  KL_Q_FLOOR,
  meanAbsoluteError,
  meanCosineSimilarity,
  queriesToReach,
} from './metrics';

// Three rows of K = 2 with argmax [1, 0, 0] (the last row is a tie → lowest index).
const A = [0.1, 0.9, 0.6, 0.4, 0.5, 0.5];
// argmax [1, 1, 0].
const B = [0.2, 0.8, 0.3, 0.7, 0.9, 0.1];

describe('argmax / argmaxRows', () => {
  it('returns the first index of the max', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(argmax([5])).toBe(0);
    expect(argmax([-1, -2])).toBe(0);
    expect(argmax(Float32Array.from([0, 0, 1]))).toBe(2);
    expect(() => argmax([])).toThrow(RangeError);
  });

  it('works per row', () => {
    expect(Array.from(argmaxRows(A, 2))).toEqual([1, 0, 0]);
    expect(Array.from(argmaxRows(Float32Array.from([0, 1, 2, 5, 4, 3]), 3))).toEqual([2, 0]);
  });
});

describe('accuracy / agreement / argmaxUnchangedRate', () => {
  it('hand-computed fractions', () => {
    expect(accuracy(A, 2, [1, 1, 0])).toBeCloseTo(2 / 3, 15);
    expect(accuracy(A, 2, Uint8Array.from([1, 0, 0]))).toBe(1);
    expect(agreement(A, B, 2)).toBeCloseTo(2 / 3, 15);
    expect(argmaxUnchangedRate(A, A, 2)).toBe(1);
    expect(argmaxUnchangedRate(A, B, 2)).toBeCloseTo(2 / 3, 15);
  });

  it('rejects bad labels and shapes', () => {
    expect(() => accuracy(A, 2, [1, 1])).toThrow(/labels has length 2, expected 3/);
    expect(() => accuracy(A, 2, [1, 2, 0])).toThrow(/labels\[1\] = 2 is not a class index/);
    expect(() => accuracy(A, 2, [1, 0.5, 0])).toThrow(RangeError);
    expect(() => agreement(A, B.slice(2), 2)).toThrow(/differ in length: 6 vs 4/);
    expect(() => agreement([0.5, 0.5, 1], [0.5, 0.5, 1], 2)).toThrow(/not a multiple of numClasses = 2/);
    expect(() => agreement([], [], 2)).toThrow(/empty/);
    expect(() => argmaxRows(A, 0)).toThrow(/numClasses must be an integer >= 1/);
  });
});

describe('meanCosineSimilarity', () => {
  it('orthogonal = 0, identical = 1, 45° = 1/√2, averaged over rows', () => {
    expect(meanCosineSimilarity([1, 0], [0, 1], 2)).toBe(0);
    expect(meanCosineSimilarity([0.3, 0.7], [0.3, 0.7], 2)).toBeCloseTo(1, 15);
    expect(meanCosineSimilarity([1, 1], [1, 0], 2)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(meanCosineSimilarity([1, 0, 0.2, 0.8], [0, 1, 0.2, 0.8], 2)).toBeCloseTo(0.5, 15);
  });

  it('is scale invariant and in [−1, 1]', () => {
    const row = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(row, row, fc.double({ min: 0.1, max: 100, noNaN: true }), (a, b, c) => {
        fc.pre(a.some((x) => Math.abs(x) > 1e-3) && b.some((x) => Math.abs(x) > 1e-3));
        const cos = meanCosineSimilarity(a, b, 3);
        expect(Math.abs(cos)).toBeLessThanOrEqual(1 + 1e-12);
        expect(meanCosineSimilarity(a.map((x) => x * c), b, 3)).toBeCloseTo(cos, 10);
      }),
    );
  });

  it('rejects a zero row instead of returning NaN', () => {
    expect(() => meanCosineSimilarity([1, 0, 0, 0], [1, 0, 1, 0], 2)).toThrow(/row 1 is all zeros/);
  });
});

describe('meanAbsoluteError', () => {
  it('averages over samples AND dimensions', () => {
    // |0.25| + |0.25| + |1| + |1| over 4 entries.
    expect(meanAbsoluteError([0.5, 0.5, 1, 0], [0.25, 0.75, 0, 1])).toBe(0.625);
    expect(meanAbsoluteError([0.2], [0.2])).toBe(0);
    expect(() => meanAbsoluteError([], [])).toThrow(/empty/);
    expect(() => meanAbsoluteError([1], [1, 2])).toThrow(/differ in length/);
  });
});

describe('klDivergence', () => {
  it('hand-computed values', () => {
    expect(klDivergence([0.3, 0.7], [0.3, 0.7], 2)).toBe(0);
    expect(klDivergence([1, 0], [0.5, 0.5], 2)).toBeCloseTo(Math.LN2, 15);
    // Mean over rows: (ln 2 + 0) / 2.
    expect(klDivergence([1, 0, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5], 2)).toBeCloseTo(Math.LN2 / 2, 15);
    // [¼, ¾] ‖ [½, ½] = ¼ ln ½ + ¾ ln(3/2).
    expect(klDivergence([0.25, 0.75], [0.5, 0.5], 2)).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 15);
  });

  it('floors q at 1e-12 so a hard zero gives a finite value', () => {
    // ½ ln(½ / 1) + ½ ln(½ / 1e-12) = −ln 2 + 6 ln 10 ≈ 13.12
    expect(KL_Q_FLOOR).toBe(1e-12);
    expect(klDivergence([0.5, 0.5], [1, 0], 2)).toBeCloseTo(-Math.LN2 + 6 * Math.LN10, 10);
  });

  it('is ≥ 0 (Gibbs) for strictly positive distributions', () => {
    const dist = fc
      .array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 })
      .map((w) => w.map((x) => x / w.reduce((s, v) => s + v, 0)));
    fc.assert(
      fc.property(dist, dist, (p, q) => {
        expect(klDivergence(p, q, 4)).toBeGreaterThanOrEqual(-1e-15);
      }),
    );
  });
});

describe('queriesToReach', () => {
  const curve = [
    { queries: 100, value: 0.2 },
    { queries: 200, value: 0.6 },
    { queries: 400, value: 0.9 },
  ];

  it('interpolates linearly between the bracketing points', () => {
    // 200 + (0.8 − 0.6)/(0.9 − 0.6) · 200 = 333.33…
    expect(queriesToReach(curve, 0.8)).toBeCloseTo(200 + 400 / 3, 10);
    expect(queriesToReach(curve, 0.6)).toBe(200);
    expect(queriesToReach(curve, 0.4)).toBeCloseTo(150, 10);
  });

  it('first point already at target → its query count; never reached → null', () => {
    expect(queriesToReach(curve, 0.1)).toBe(100);
    expect(queriesToReach(curve, 0.95)).toBeNull();
  });

  it('returns the FIRST crossing of a non-monotone curve', () => {
    const bumpy = [
      { queries: 100, value: 0.5 },
      { queries: 200, value: 0.9 },
      { queries: 300, value: 0.4 },
      { queries: 400, value: 0.95 },
    ];
    expect(queriesToReach(bumpy, 0.8)).toBeCloseTo(175, 10);
  });

  it('validates the curve', () => {
    expect(() => queriesToReach([], 0.5)).toThrow(/empty/);
    expect(() => queriesToReach([curve[1], curve[0]], 0.5)).toThrow(/not sorted by queries/);
    expect(() => queriesToReach([{ queries: 1, value: Number.NaN }], 0.5)).toThrow(/not finite/);
    expect(() => queriesToReach(curve, Number.NaN)).toThrow(/target/);
  });
});
