import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  rankingPreservingUniformRandom,
  sineNoise,
  uniformRandomConcave,
  uniformRandomConvex,
  uniformRandomNoise,
} from './defenses';
import { argmax } from './metrics';
import { createRng, type Rng } from './random';

/** An Rng whose uniform(−1, 1) replays the given draws, so outputs can be derived by hand. */
function scriptedRng(draws: number[]): Rng {
  let i = 0;
  const nope = (): never => {
    throw new Error('only uniform(-1, 1) is scripted');
  };
  return {
    uniform: (lo, hi) => {
      expect([lo, hi]).toEqual([-1, 1]);
      return draws[i++];
    },
    next: nope,
    int: nope,
    normal: nope,
    fork: nope,
  };
}

const closeTo = (actual: ArrayLike<number>, expected: number[], tol: number): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e)).toBeLessThanOrEqual(tol));
};

/** Probability vectors with ties (coarse weights), near-ties (jitter), exact zeros and one-hots. */
const probVector = fc
  .array(
    fc.tuple(fc.constantFrom(0, 0.1, 0.25, 0.5, 1, 3), fc.boolean(), fc.double({ min: 0, max: 0.01, noNaN: true })),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => {
    const w = parts.map(([c, jitter, d]) => (jitter ? c + d : c));
    const s = w.reduce((a, b) => a + b, 0);
    return s > 0 ? w.map((x) => x / s) : w.map((_, i) => (i === 0 ? 1 : 0));
  });

const sumsToOne = (v: Float32Array): void => {
  let s = 0;
  for (const x of v) {
    expect(x >= 0 && x <= 1).toBe(true);
    s += x;
  }
  expect(Math.abs(s - 1)).toBeLessThan(1e-6);
};

describe('uniformRandomNoise', () => {
  it('adds β·U, clips, renormalizes (hand-derived)', () => {
    closeTo(uniformRandomNoise([0.6, 0.4], 0.2, scriptedRng([0.5, -0.5])), [0.7, 0.3], 1e-7);
    // [0.9 + 0.2, 0.1 − 0.2] = [1.1, −0.1] → clip → [1, 0].
    closeTo(uniformRandomNoise([0.9, 0.1], 0.4, scriptedRng([0.5, -0.5])), [1, 0], 1e-7);
    // [0.6 + 0.1, 0.3 + 0.1, 0.1 + 0.1] = [0.7, 0.4, 0.2] / 1.3.
    closeTo(uniformRandomNoise([0.6, 0.3, 0.1], 0.1, scriptedRng([1, 1, 1])), [7 / 13, 4 / 13, 2 / 13], 1e-7);
  });

  it('falls back to the original vector when everything clips to 0', () => {
    closeTo(uniformRandomNoise([0.5, 0.5], 1, scriptedRng([-1, -1])), [0.5, 0.5], 0);
  });

  it('is reproducible from the seed, β = 0 is the identity, output is a distribution', () => {
    fc.assert(
      fc.property(probVector, fc.double({ min: 0, max: 2, noNaN: true }), fc.nat(), (y, beta, seed) => {
        const a = uniformRandomNoise(y, beta, createRng(seed));
        expect(a).toEqual(uniformRandomNoise(y, beta, createRng(seed)));
        sumsToOne(a);
        closeTo(uniformRandomNoise(y, 0, createRng(seed)), y, 1e-7);
      }),
    );
  });

  it('rejects bad inputs', () => {
    expect(() => uniformRandomNoise([0.5, 0.5], -1, createRng(1))).toThrow(/beta .* got -1/);
    expect(() => uniformRandomNoise([0.5, Number.NaN], 1, createRng(1))).toThrow(/entry \[1\] is NaN/);
  });
});

describe('uniformRandomConcave / uniformRandomConvex (Gaussian-weight reading)', () => {
  const wBell = (y: number, rho: number): number => Math.exp(-0.5 * (y / rho) ** 2);

  it('concave weight exp(−½(y/ρ)²), hand-derived', () => {
    // y = [0.6, 0.4], β = 0.2, U = [0.5, −0.5], ρ = 0.5: w = e^{−0.72}, e^{−0.32}.
    const u = [0.6 + 0.1 * wBell(0.6, 0.5), 0.4 - 0.1 * wBell(0.4, 0.5)];
    const s = u[0] + u[1];
    closeTo(uniformRandomConcave([0.6, 0.4], 0.2, 0.5, scriptedRng([0.5, -0.5])), [u[0] / s, u[1] / s], 1e-7);
  });

  it('convex weight 1 − exp(−½(y/ρ)²), hand-derived', () => {
    const u = [0.6 + 0.1 * (1 - wBell(0.6, 0.5)), 0.4 - 0.1 * (1 - wBell(0.4, 0.5))];
    const s = u[0] + u[1];
    closeTo(uniformRandomConvex([0.6, 0.4], 0.2, 0.5, scriptedRng([0.5, -0.5])), [u[0] / s, u[1] / s], 1e-7);
  });

  it('a class at 0 gets full noise (concave) or none (convex)', () => {
    // Concave: [1 + 0.3·e^{−2}, 0 + 0.3·1] → clip → [1, 0.3] / 1.3.
    // Convex: [0 + 0.3·0, 1 − 0.3·(1 − e^{−2})] → [0, 0.74] → [0, 1].
    closeTo(uniformRandomConcave([1, 0], 0.3, 0.5, scriptedRng([1, 1])), [1 / 1.3, 0.3 / 1.3], 1e-7);
    closeTo(uniformRandomConvex([0, 1], 0.3, 0.5, scriptedRng([1, -1])), [0, 1], 0);
  });

  it('outputs are distributions; ρ must be > 0', () => {
    fc.assert(
      fc.property(probVector, fc.double({ min: 0, max: 2, noNaN: true }), fc.nat(), (y, beta, seed) => {
        sumsToOne(uniformRandomConcave(y, beta, 0.3, createRng(seed)));
        sumsToOne(uniformRandomConvex(y, beta, 0.3, createRng(seed)));
      }),
    );
    expect(() => uniformRandomConcave([1], 0.1, 0, createRng(1))).toThrow(/rho must be a finite number > 0, got 0/);
    expect(() => uniformRandomConvex([1], 0.1, Number.NaN, createRng(1))).toThrow(/rho/);
  });
});

describe('rankingPreservingUniformRandom', () => {
  it('reassigns sorted perturbed values by rank (hand-derived)', () => {
    // y = [0.2, 0.5, 0.3], β = 0.5, U = [0.5, −0.4, 0.1] → values [0.45, 0.3, 0.35].
    // Ranks of y: class 1, class 2, class 0 get 0.45, 0.35, 0.3; sum 1.1.
    const out = rankingPreservingUniformRandom([0.2, 0.5, 0.3], 0.5, scriptedRng([0.5, -0.4, 0.1]));
    closeTo(out, [0.3 / 1.1, 0.45 / 1.1, 0.35 / 1.1], 1e-7);
    // Plain uniform noise with the same draws moves the argmax to class 0.
    expect(argmax(uniformRandomNoise([0.2, 0.5, 0.3], 0.5, scriptedRng([0.5, -0.4, 0.1])))).toBe(0);
  });

  it('keeps the top strictly largest when clipping creates a tie', () => {
    // Values [1.2, 1.2] both clip to 1; class 0 (not the top) is capped just below.
    const out = rankingPreservingUniformRandom([0.3, 0.7], 1, scriptedRng([0.9, 0.5]));
    expect(out[1]).toBeGreaterThan(out[0]);
    expect(argmax(out)).toBe(1);
    closeTo(out, [0.5, 0.5], 1e-6);
  });

  it('keeps a float64-only top class on top when everything clips to 0', () => {
    // y's top class (1) wins by 1e-16, which float32 cannot hold; all values clip to 0, so the
    // answer is y with the runner-up capped: [0.5(1 − 1e-6), 0.5] / (1 − 0.5e-6).
    const y = [0.5, 0.5000000000000001];
    const out = rankingPreservingUniformRandom(y, 1.2, scriptedRng([-1, -1]));
    expect(argmax(out)).toBe(1);
    const s = 1 - 0.5e-6;
    closeTo(out, [(0.5 * (1 - 1e-6)) / s, 0.5 / s], 1e-7);
  });

  it('never changes the argmax and preserves the ranking (property over seeds and vectors)', () => {
    fc.assert(
      fc.property(probVector, fc.double({ min: 0, max: 5, noNaN: true }), fc.nat(), (y, beta, seed) => {
        const out = rankingPreservingUniformRandom(y, beta, createRng(seed));
        expect(argmax(out)).toBe(argmax(y));
        sumsToOne(out);
        for (let a = 0; a < y.length; a++) {
          for (let b = 0; b < y.length; b++) if (y[a] > y[b]) expect(out[a]).toBeGreaterThanOrEqual(out[b]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sineNoise', () => {
  it('adds β·sin(f·y) (hand-derived)', () => {
    // f = 2π: sin(1.5π) = −1, sin(0.5π) = 1 → [0.65, 0.35].
    closeTo(sineNoise([0.75, 0.25], 0.1, 2 * Math.PI), [0.65, 0.35], 1e-7);
    // f = π: both get +0.1·√½ → [0.75 + c, 0.25 + c] / (1 + 2c).
    const c = 0.1 * Math.SQRT1_2;
    closeTo(sineNoise([0.75, 0.25], 0.1, Math.PI), [(0.75 + c) / (1 + 2 * c), (0.25 + c) / (1 + 2 * c)], 1e-7);
  });

  it('is deterministic and validates f', () => {
    expect(sineNoise([0.2, 0.8], 0.3, 7)).toEqual(sineNoise([0.2, 0.8], 0.3, 7));
    expect(() => sineNoise([0.2, 0.8], 0.3, Infinity)).toThrow(/frequency must be a finite number/);
  });
});
