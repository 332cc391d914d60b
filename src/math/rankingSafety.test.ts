import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reverseSigmoid } from './defenses';
import {
  CONFIDENT_TOP,
  defendedValue,
  feasibleOtherRange,
  safeTopProbability,
  TOP_GRID_STEP,
  topClassFlipExample,
  topClassKept,
  topClassSafety,
} from './rankingSafety';

/** Index of the largest entry, first one on ties (as metrics.argmax). */
const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
};

/** f(y) = clip₀¹(y − r(y)). */
const f = (y: number, beta: number, gamma: number): number => Math.min(1, Math.max(0, defendedValue(y, beta, gamma)));

/**
 * With γ = ½, s(½·s⁻¹(y)) = √y / (√y + √(1 − y)), so h(y) = y − β(√y/(√y + √(1−y)) − ½); the
 * hand values below use this closed form (y clipped to [1e-9, 1 − 1e-9] inside the square roots).
 */
describe('hand-derived values', () => {
  it('β = 0 never flips: t* is the first grid point above 1/K', () => {
    for (const gamma of [0.05, 0.5, 1, 5]) {
      expect(topClassSafety(0, gamma)).toMatchObject({
        safeTopProbability: 0.1001,
        alwaysSafe: true,
        confidentFlips: false,
        oneHotFlips: false,
        largestUnsafeTop: null,
        gridStep: TOP_GRID_STEP,
      });
      expect(safeTopProbability(0, gamma, 3)).toBe(0.3334);
      expect(safeTopProbability(0, gamma, 2)).toBe(0.5001);
      expect(topClassFlipExample(0, gamma)).toBeNull();
    }
  });

  it('β = 1.6, γ = 0.5: even an answer 99.9% sure flips', () => {
    // f(0.999) = 0.999 − 1.6(√0.999/(√0.999 + √0.001) − ½) = 0.999 − 1.6(0.969335 − ½) ≈ 0.248069
    // f(1e-9)  = 1e-9 + 1.6(½ − √1e-9/(√1e-9 + √(1 − 1e-9)))  = 1e-9 + 1.6(½ − 3.16218e-5) ≈ 0.799949
    // An answer [0.999, 1e-9, …] (K = 10: the other 8 share the rest) gets class 1 on top.
    expect(f(0.999, 1.6, 0.5)).toBeCloseTo(0.248069, 5);
    expect(f(1e-9, 1.6, 0.5)).toBeCloseTo(0.799949, 5);
    expect(topClassKept(0.999, 1.6, 0.5)).toBe(false);
    expect(topClassKept(1, 1.6, 0.5)).toBe(false); // f(1) ≈ 0.200051 < f(0) ≈ 0.799949
    expect(topClassSafety(1.6, 0.5)).toMatchObject({
      safeTopProbability: null,
      confidentFlips: true,
      oneHotFlips: true,
      largestUnsafeTop: 1,
    });
  });

  it('β = 0.8, γ = 0.5: answers ≥ 90% sure are safe, a 30% answer is not', () => {
    // For x ≤ 0.1: h(x) = x + 0.4 − 0.8√x/(√x + √(1−x)) ≤ 0.4 ⇔ √x(√x + √(1−x)) ≤ 0.8, and the
    // left side increases to 0.1 + 0.3 = 0.4 at x = 0.1; below 1e-9 h = x + 0.4 − 0.8·3.16e-5.
    // So every other entry of an answer with t ≥ 0.9 (o ≤ 1 − t ≤ 0.1) has f(o) ≤ 0.4, while
    // f(t) = 1 − h(1 − t) ≥ 0.6 (h(1 − y) = 1 − h(y)). Exact points: h(0.1) = 0.1 + 0.8·¼ = 0.3
    // (s(−ln 3) = ¼), h(0.9) = 0.7.
    expect(defendedValue(0.1, 0.8, 0.5)).toBeCloseTo(0.3, 12);
    expect(defendedValue(0.9, 0.8, 0.5)).toBeCloseTo(0.7, 12);
    for (let t = 0.9; t <= 1; t += 0.001) expect(topClassKept(Math.min(t, 1), 0.8, 0.5)).toBe(true);
    // h(0.3) = 0.3 + 0.8(½ − 0.547723/1.384389) ≈ 0.383485 < h(1e-9) ≈ 0.399975: [0.3, 0, …] flips.
    // h(0.34) = 0.34 + 0.8(½ − 0.583095/1.395495) ≈ 0.405728 > 0.399975, and h rises at 0.34.
    expect(topClassKept(0.3, 0.8, 0.5)).toBe(false);
    expect(topClassKept(0.34, 0.8, 0.5)).toBe(true);
    const s = topClassSafety(0.8, 0.5);
    expect(s.confidentFlips).toBe(false);
    expect(s.safeTopProbability).not.toBeNull();
    expect(s.safeTopProbability!).toBeGreaterThan(0.3);
    expect(s.safeTopProbability!).toBeLessThanOrEqual(0.34);
    expect(s.safeTopProbability).toBe(0.3298);
  });

  it('γ = 1 makes h linear, h(y) = (1 − β)y + β/2: safe iff β < 1', () => {
    expect(topClassSafety(0.8, 1).alwaysSafe).toBe(true);
    for (const t of [0.11, 0.3, 0.5, 0.7, 0.99, 1]) expect(topClassKept(t, 1.2, 1)).toBe(false);
    // β = 1: h ≡ ½, every answer comes back uniform (a tie), one-hots included.
    expect(topClassSafety(1, 1).oneHotFlips).toBe(true);
  });

  it('the feasible other entries are [max(0, 1 − (K−1)t), min(t, 1 − t)]', () => {
    expect(feasibleOtherRange(0.9, 10)).toEqual([0, expect.closeTo(0.1, 12)]);
    expect(feasibleOtherRange(0.3, 10)).toEqual([0, 0.3]);
    expect(feasibleOtherRange(0.105, 10)[0]).toBeCloseTo(0.055, 12);
    expect(feasibleOtherRange(0.7, 2)).toEqual([expect.closeTo(0.3, 12), expect.closeTo(0.3, 12)]);
  });

  it('rejects bad arguments', () => {
    expect(() => topClassSafety(-0.1, 1)).toThrow(RangeError);
    expect(() => topClassSafety(1, 0)).toThrow(RangeError);
    expect(() => topClassSafety(1, 1, 1)).toThrow(RangeError);
    expect(() => topClassKept(0.1, 1, 1, 10)).toThrow(RangeError); // t must exceed 1/K
  });
});

describe('topClassFlipExample', () => {
  it('β = 1.6, γ = 0.5: an answer 99% sure comes back with another class on top', () => {
    const y = topClassFlipExample(1.6, 0.5)!;
    expect(y).toHaveLength(10);
    expect(y[0]).toBe(CONFIDENT_TOP);
    expect(y.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(y.slice(1).every((v) => v >= 0 && v < y[0])).toBe(true);
    const out = reverseSigmoid(y, 1.6, 0.5);
    expect(argmax(y)).toBe(0);
    expect(argmax(out)).not.toBe(0);
  });

  it('β = 1.2, γ = 0.2: only near-certain answers flip, and the example is a one-hot', () => {
    const s = topClassSafety(1.2, 0.2);
    expect(s.oneHotFlips).toBe(true);
    expect(topClassKept(0.99, 1.2, 0.2)).toBe(true);
    const y = topClassFlipExample(1.2, 0.2)!;
    expect(y[0]).toBe(1);
    expect(argmax(reverseSigmoid(y, 1.2, 0.2))).not.toBe(0);
  });

  it('every example really flips or ties under reverseSigmoid', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.integer({ min: 2, max: 10 }),
        (beta, gamma, k) => {
          const s = topClassSafety(beta, gamma, k);
          const y = topClassFlipExample(beta, gamma, k);
          if (s.largestUnsafeTop === null) {
            expect(y).toBeNull();
            return;
          }
          expect(y).not.toBeNull();
          expect(y!).toHaveLength(k);
          expect(argmax(y!)).toBe(0);
          expect(y!.slice(1).every((v) => v < y![0])).toBe(true);
          const out = reverseSigmoid(y!, beta, gamma);
          let best = 0;
          for (let j = 1; j < k; j++) best = Math.max(best, out[j]);
          // Flipped (another class above) or tied up to float32 resolution.
          expect(out[0]).toBeLessThanOrEqual(best + 1e-5);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** A K-class answer with top t at index `top`, others from `w` capped strictly below t. */
function answerWithTop(t: number, k: number, top: number, w: number[]): number[] {
  const rest = 1 - t;
  const sw = w.reduce((a, b) => a + b, 0);
  let others = sw > 0 ? w.map((x) => rest * (x / sw)) : w.map(() => rest / (k - 1));
  const u = rest / (k - 1); // < t because t > 1/K
  const mx = Math.max(0, ...others);
  if (mx >= t) {
    const lambda = (0.5 * (t - u)) / (mx - u);
    others = others.map((o) => u + lambda * (o - u));
  }
  const y = [...others];
  y.splice(top, 0, t);
  return y;
}

describe('properties', () => {
  it('answers at least t* sure keep their top class under reverseSigmoid', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.integer({ min: 2, max: 10 }).chain((k) =>
          fc.tuple(
            fc.constant(k),
            fc.integer({ min: 0, max: k - 1 }),
            fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k - 1, maxLength: k - 1 }),
          ),
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (beta, gamma, [k, top, w], u) => {
          const tStar = safeTopProbability(beta, gamma, k);
          if (tStar === null) return;
          const t = tStar + u * (1 - tStar);
          const y = answerWithTop(t, k, top, w);
          expect(argmax(y)).toBe(top);
          const out = reverseSigmoid(y, beta, gamma);
          let sum = 0;
          for (const v of y) sum += f(v, beta, gamma);
          for (let j = 0; j < k; j++) {
            if (j === top) continue;
            // Exact order in float64; float32 rounding is monotone, so it can at most tie, and
            // only when the float64 gap is below float32 resolution.
            expect(f(t, beta, gamma)).toBeGreaterThan(f(y[j], beta, gamma));
            expect(out[top]).toBeGreaterThanOrEqual(out[j]);
            if ((f(t, beta, gamma) - f(y[j], beta, gamma)) / sum > 1e-6) expect(out[top]).toBeGreaterThan(out[j]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('topClassKept agrees with a dense scan of the other entry', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.integer({ min: 2, max: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (beta, gamma, k, u) => {
          const t = 1 / k + (1 - 1 / k) * Math.max(u, 1e-6);
          const [lo, hi] = feasibleOtherRange(t, k);
          const ft = f(t, beta, gamma);
          let worst = -Infinity;
          const n = 4000;
          for (let i = 0; i <= n; i++) {
            const o = lo + ((hi - lo) * i) / n;
            if (o <= t - 1e-9) worst = Math.max(worst, f(o, beta, gamma)); // o → t is a limit, not a flip
          }
          worst = Math.max(worst, f(Math.max(lo, 1e-9), beta, gamma)); // the kink at ε
          // A scan point at or above f(t) proves a flip; a kept verdict must not have one.
          if (topClassKept(t, beta, gamma, k)) expect(worst).toBeLessThan(ft);
        },
      ),
      { numRuns: 300 },
    );
  });
});
