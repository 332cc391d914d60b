import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assertProbabilityVector,
  reverseSigmoid,
  reverseSigmoidBatch,
  reverseSigmoidPerturbation,
} from './defenses';

/** Probability vectors of length 1–12, with exact 0s (fast-check favours 0) and one-hots. */
const probVector = fc.oneof(
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }).map((w) => {
    const s = w.reduce((a, b) => a + b, 0);
    return s > 0 ? w.map((x) => x / s) : w.map((_, i) => (i === 0 ? 1 : 0));
  }),
  fc.integer({ min: 1, max: 12 }).chain((k) =>
    fc.integer({ min: 0, max: k - 1 }).map((hot) => Array.from({ length: k }, (_, i) => (i === hot ? 1 : 0))),
  ),
);

const closeTo = (actual: ArrayLike<number>, expected: number[], tol: number): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e)).toBeLessThanOrEqual(tol));
};

/** The unnormalized defended value h(y) = y − r(y) (paper Fig. 1). */
const h = (y: number, beta: number, gamma: number): number => y - reverseSigmoidPerturbation(y, beta, gamma);

describe('reverseSigmoid: hand-derived values (eq. 4)', () => {
  // γ = 1: s(s⁻¹(y)) = y, so r(y) = β(y − ½) and y − r(y) = (1 − β)y + β/2.
  it('[0.9, 0.1], β = 0.5, γ = 1 → [0.7, 0.3]', () => {
    // 0.5·0.9 + 0.25 = 0.7, 0.5·0.1 + 0.25 = 0.3; sum 1, so α = 1.
    closeTo(reverseSigmoid([0.9, 0.1], 0.5, 1), [0.7, 0.3], 1e-6);
  });

  it('[0.5, 0.3, 0.2], β = 0.5, γ = 1 → [0.5, 0.4, 0.35] / 1.25', () => {
    closeTo(reverseSigmoid([0.5, 0.3, 0.2], 0.5, 1), [0.4, 0.32, 0.28], 1e-6);
  });

  // γ = 2: s(2 s⁻¹(y)) = y² / (y² + (1 − y)²).
  it('[0.9, 0.1], β = 0.5, γ = 2 → [26.9/41, 14.1/41]', () => {
    // s(·) at 0.9 = 0.81/0.82 = 81/82, r = ½(81/82 − ½) = 10/41; at 0.1, r = −10/41 (r is odd about ½).
    // 0.9 − 10/41 = 26.9/41, 0.1 + 10/41 = 14.1/41; they sum to 1, so α = 1.
    closeTo(reverseSigmoid([0.9, 0.1], 0.5, 2), [26.9 / 41, 14.1 / 41], 1e-6);
  });

  it('[0.6, 0.3, 0.1], β = 0.5, γ = 2 → normalized by α', () => {
    // 0.6: s = 0.36/0.52 = 9/13, r = ½(9/13 − ½) = 5/52,   y − r = 26.2/52
    // 0.3: s = 0.09/0.58 = 9/58, r = ½(9/58 − ½) = −5/29,  y − r = 13.7/29
    // 0.1: s = 1/82,             r = −10/41,               y − r = 14.1/41
    const u = [26.2 / 52, 13.7 / 29, 14.1 / 41];
    const s = u[0] + u[1] + u[2]; // ≈ 1.320162, so α ≈ 0.7575
    closeTo(reverseSigmoid([0.6, 0.3, 0.1], 0.5, 2), u.map((v) => v / s), 1e-6);
  });

  it('clips to [0, 1] before normalizing: [0.8, 0.2], β = 3, γ = 1 → [0, 1]', () => {
    // y − r = −2y + 1.5 → [−0.1, 1.1] → clip → [0, 1]. A large β can flip the label.
    closeTo(reverseSigmoid([0.8, 0.2], 3, 1), [0, 1], 1e-7);
  });

  it('exact 0 and 1 use the 1e-9 clip only inside s⁻¹: [1, 0], β = 0.5, γ = 1 → [0.75, 0.25]', () => {
    // s⁻¹(1 − 1e-9) and s⁻¹(1e-9) are ±20.7, r = ±(0.25 − 5e-10), y − r = 0.75 + 5e-10, 0.25 − 5e-10.
    closeTo(reverseSigmoid([1, 0], 0.5, 1), [0.75, 0.25], 1e-7);
  });

  it('K = 1 passes through ([1] is the only distribution)', () => {
    closeTo(reverseSigmoid([1], 0.5, 2), [1], 0);
    closeTo(reverseSigmoid([1], 3, 2), [1], 0); // 1 − r(1) < 0: the documented fallback
  });
});

describe('reverseSigmoid: properties', () => {
  it('β = 0 is the identity (up to float32 rounding)', () => {
    fc.assert(
      fc.property(probVector, fc.double({ min: 0.01, max: 100, noNaN: true }), (y, gamma) => {
        closeTo(reverseSigmoid(y, 0, gamma), y, 1e-7);
        expect(Object.is(reverseSigmoidPerturbation(y[0], 0, gamma), 0)).toBe(true); // +0, not −0
      }),
    );
  });

  it('output is finite, in [0, 1] and sums to 1, also for one-hots and exact zeros', () => {
    fc.assert(
      fc.property(
        probVector,
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (y, beta, gamma) => {
          const out = reverseSigmoid(y, beta, gamma);
          let s = 0;
          for (const v of out) {
            expect(Number.isFinite(v) && v >= 0 && v <= 1).toBe(true);
            s += v;
          }
          expect(Math.abs(s - 1)).toBeLessThan(1e-6);
        },
      ),
    );
  });

  it('r(y) < 0 below ½, r(½) = 0, r(y) > 0 above ½, |r| ≤ β/2, r(1 − y) = −r(y)', () => {
    const beta = fc.double({ min: 0.01, max: 5, noNaN: true });
    const gamma = fc.double({ min: 0.1, max: 50, noNaN: true });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.49, noNaN: true }), beta, gamma, (y, b, g) => {
        const lo = reverseSigmoidPerturbation(y, b, g);
        const hi = reverseSigmoidPerturbation(1 - y, b, g);
        expect(lo).toBeLessThan(0);
        expect(hi).toBeGreaterThan(0);
        expect(Math.abs(lo)).toBeLessThanOrEqual(b / 2);
        expect(Math.abs(lo + hi)).toBeLessThan(1e-9 * b);
        expect(reverseSigmoidPerturbation(0.5, b, g)).toBe(0);
      }),
    );
  });

  it('βγ > 1: h(y) = y − r(y) is non-monotone and two inputs share an output (non-invertible)', () => {
    const beta = 0.5;
    const gamma = 4; // h'(½) = 1 − βγ = −1 < 0 since d/dy s(γ s⁻¹(y)) = γ at y = ½
    expect(h(0.5, beta, gamma)).toBe(0.5);
    expect(h(0.45, beta, gamma)).toBeGreaterThan(0.5); // h falls through ½ …
    expect(h(0, beta, gamma)).toBeLessThan(0.5); //        … after rising from 0.25
    let lo = 0;
    let hi = 0.45;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (h(mid, beta, gamma) < 0.5) lo = mid;
      else hi = mid;
    }
    const y1 = (lo + hi) / 2;
    expect(y1).toBeLessThan(0.45);
    expect(Math.abs(h(y1, beta, gamma) - 0.5)).toBeLessThan(1e-12);
    // For K = 2, h(y) + h(1 − y) = 1, so α = 1 and two different inputs give the same answer.
    closeTo(reverseSigmoid([y1, 1 - y1], beta, gamma), [0.5, 0.5], 1e-6);
    closeTo(reverseSigmoid([0.5, 0.5], beta, gamma), [0.5, 0.5], 1e-6);
  });

  it('βγ < 1 with γ ≥ 1: h is strictly increasing (h′ ≥ 1 − βγ)', () => {
    // d/dy s(γ s⁻¹(y)) = γ cosh²(t/2)/cosh²(γt/2) with t = s⁻¹(y), which is ≤ γ when γ ≥ 1.
    for (const [beta, gamma] of [[0.5, 1.5], [0.9, 1], [0.2, 4]]) {
      let prev = h(0, beta, gamma);
      for (let i = 1; i <= 10000; i++) {
        const cur = h(i / 10000, beta, gamma);
        expect(cur - prev).toBeGreaterThanOrEqual((1 - beta * gamma) * 1e-4 * (1 - 1e-6));
        prev = cur;
      }
    }
  });

  it('caveat: γ < 1 is non-monotone near 0 and 1 even when βγ ≪ 1', () => {
    // γ cosh²(t/2)/cosh²(γt/2) grows like y^(γ−1) as y → 0: h ≈ y + 0.05 − 0.1√y for β = 0.1, γ = ½,
    // which falls until y = 0.0025.
    expect(h(0.0025, 0.1, 0.5)).toBeLessThan(h(0, 0.1, 0.5));
  });
});

describe('reverseSigmoid: validation', () => {
  it.each([
    ['NaN', [0.5, Number.NaN, 0.5], /probs: entry \[1\] is NaN/],
    ['+∞', [0.5, Infinity], /entry \[1\] is Infinity, not finite/],
    ['−∞', [-Infinity, 1], /entry \[0\] is -Infinity/],
    ['> 1', [1.1, -0.1], /entry \[0\] = 1.1 exceeds 1/],
    ['negative', [0.6, -0.1, 0.5], /entry \[1\] = -0.1 is negative/],
    ['empty', [], /empty/],
    ['sum ≠ 1', [0.5, 0.4], /sum to 0.9/],
  ])('rejects %s entries', (_name, v, msg) => {
    expect(() => reverseSigmoid(v, 0.5, 1)).toThrow(RangeError);
    expect(() => reverseSigmoid(v, 0.5, 1)).toThrow(msg);
  });

  it('allows float slack: entries ≤ 1 + 1e-6, sums within 1e-3', () => {
    expect(() => reverseSigmoid([1 + 5e-7, 0], 0.5, 1)).not.toThrow();
    expect(() => reverseSigmoid([0.5, 0.4995], 0.5, 1)).not.toThrow();
    expect(() => assertProbabilityVector(Float32Array.from([0.1, 0.2, 0.7]), 'x')).not.toThrow();
  });

  it.each([
    [-0.1, 1, /beta must be a finite number >= 0, got -0.1/],
    [Number.NaN, 1, /beta .* got NaN/],
    [Infinity, 1, /beta .* got Infinity/],
    [0.5, 0, /gamma must be a finite number > 0, got 0/],
    [0.5, -2, /gamma .* got -2/],
    [0.5, Infinity, /gamma .* got Infinity/],
  ])('rejects β = %s, γ = %s', (beta, gamma, msg) => {
    expect(() => reverseSigmoid([0.5, 0.5], beta, gamma)).toThrow(msg);
    expect(() => reverseSigmoidPerturbation(0.5, beta, gamma)).toThrow(RangeError);
  });

  it('reverseSigmoidPerturbation rejects y outside [0, 1]', () => {
    expect(() => reverseSigmoidPerturbation(1.5, 0.5, 1)).toThrow(/y must be a probability/);
    expect(() => reverseSigmoidPerturbation(Number.NaN, 0.5, 1)).toThrow(RangeError);
  });
});

describe('reverseSigmoidBatch', () => {
  it('equals reverseSigmoid row by row', () => {
    const rows = [[0.9, 0.1, 0], [0.2, 0.3, 0.5], [0, 0, 1]];
    const out = reverseSigmoidBatch(Float32Array.from(rows.flat()), 3, 0.7, 3);
    rows.forEach((r, i) => {
      expect(out.subarray(3 * i, 3 * i + 3)).toEqual(reverseSigmoid(Float32Array.from(r), 0.7, 3));
    });
  });

  it('names the bad row and rejects bad shapes', () => {
    expect(() => reverseSigmoidBatch(Float32Array.from([0.5, 0.5, 0.5, Number.NaN]), 2, 0.5, 1)).toThrow(
      /probs row 1: entry \[1\] is NaN/,
    );
    expect(() => reverseSigmoidBatch(new Float32Array(5), 2, 0.5, 1)).toThrow(/multiple of numClasses = 2/);
    expect(() => reverseSigmoidBatch(new Float32Array(0), 2, 0.5, 1)).toThrow(RangeError);
    expect(() => reverseSigmoidBatch(new Float32Array(4), 0, 0.5, 1)).toThrow(/numClasses/);
  });
});
