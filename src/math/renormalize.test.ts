import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { centerPerturbation, centering, winnerTakesAll } from './defenses';
import { createRng } from './random';

const closeTo = (actual: ArrayLike<number>, expected: number[], tol: number): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e)).toBeLessThanOrEqual(tol));
};

const softmax = (z: number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

const f64Sum = (v: ArrayLike<number>): number => Array.from(v).reduce((a, b) => a + b, 0);

/** y + ε·s with s ∈ {−1, 0, 1}^K, the shape of a counter-attack output. */
const perturb = (y: number[], eps: number, signs: number[]): number[] => y.map((v, j) => v + eps * signs[j]);

describe('centerPerturbation', () => {
  it('δ̄ = δ − mean(δ) has mean 0 (before clipping)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true })), {
          minLength: 1,
          maxLength: 20,
        }),
        (pairs) => {
          const d = centerPerturbation(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
          expect(Math.abs(f64Sum(d) / d.length)).toBeLessThan(1e-15);
        },
      ),
    );
  });
});

describe('centering (Appendix A.1)', () => {
  it('converges in one round when nothing clips: y = [0.5, 0.3, 0.2], ε = 0.01, s = [+, +, −]', () => {
    // δ = [.01, .01, −.01], mean 1/300, δ̄ = [2, 2, −4]/300.
    const r = centering([0.5, 0.3, 0.2], [0.51, 0.31, 0.19]);
    expect(r.rounds).toBe(1);
    expect(r.converged).toBe(true);
    closeTo(r.output, [0.5 + 2 / 300, 0.3 + 2 / 300, 0.2 - 4 / 300], 1e-7);
  });

  it('hand-traced clipping case: y = [0.9, 0.095, 0.005], ε = 0.01, s = [+, +, −] → 3 rounds', () => {
    // Round 1: δ̄ = [2, 2, −4]/300; y₂ + δ̄₂ < 0 clips to 0; the top two get a₁ = 1/150.
    // Later rounds: δ₂ = −0.005, so a_n = (a_{n−1} + 0.005)/3: a₂ = 7/1800, a₃ = 2/675.
    // Σ = 0.995 + 2a_n = 1.00833, 1.00278, 1.000926 → first within 1e-3 at round 3.
    const r = centering([0.9, 0.095, 0.005], [0.91, 0.105, -0.005]);
    expect(r.rounds).toBe(3);
    expect(r.converged).toBe(true);
    closeTo(r.output, [0.9 + 2 / 675, 0.095 + 2 / 675, 0], 1e-7);
    expect(Math.abs(r.sum - (0.995 + 4 / 675))).toBeLessThan(1e-7);
    const capped = centering([0.9, 0.095, 0.005], [0.91, 0.105, -0.005], { maxRounds: 2 });
    expect(capped).toMatchObject({ rounds: 2, converged: false });
    expect(Math.abs(capped.sum - (0.995 + 7 / 900))).toBeLessThan(1e-7);
  });

  it('returns 0 rounds for an already valid y*', () => {
    expect(centering([0.5, 0.5], [0.6, 0.4])).toMatchObject({ rounds: 0, converged: true });
  });

  it('one round whenever every y_j ∈ [2ε, 1 − 2ε] (|δ̄_j| ≤ 2ε, so nothing clips)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0.05, max: 1, noNaN: true }), fc.constantFrom(-1, 0, 1)), {
          minLength: 2,
          maxLength: 10,
        }),
        fc.double({ min: 1e-4, max: 0.01, noNaN: true }),
        (parts, eps) => {
          const w = parts.map((p) => p[0]);
          const s = f64Sum(w);
          const y = w.map((v) => v / s);
          fc.pre(y.every((v) => v >= 2 * eps && v <= 1 - 2 * eps));
          const r = centering(y, perturb(y, eps, parts.map((p) => p[1])));
          expect(r.rounds).toBeLessThanOrEqual(1);
          expect(r.converged).toBe(true);
        },
      ),
    );
  });

  it('≤ 5 rounds for ε ≤ 0.01 on soft softmax outputs (logits ~ N(0, 1)), any sign pattern', () => {
    const rng = createRng(2024);
    for (let t = 0; t < 3000; t++) {
      const k = 2 + rng.int(9);
      const y = softmax(Array.from({ length: k }, () => rng.normal()));
      const signs = y.map(() => rng.int(3) - 1);
      const eps = rng.uniform(0, 0.01);
      const r = centering(y, perturb(y, eps, signs));
      expect(r.converged).toBe(true);
      expect(r.rounds).toBeLessThanOrEqual(5);
      expect(Math.abs(r.sum - 1)).toBeLessThan(1e-3);
    }
  });

  it('limitation: many near-zero classes pushed down converge geometrically (ratio = clipped/K)', () => {
    // y = [0.5, 0.49992, 1e-5 × 8], s = [+, +, −×8], ε = 0.01: mean(δ) = −0.006, so the 8 small
    // classes clip to 0 every round and only 2 of 10 entries absorb the correction: the excess
    // shrinks by 8/10 per round (0.03192, 0.025536, …), so it needs ≈ 17 rounds.
    const y = [0.5, 0.5 - 8e-5, ...new Array<number>(8).fill(1e-5)];
    const yStar = perturb(y, 0.01, [1, 1, -1, -1, -1, -1, -1, -1, -1, -1]);
    const e = [1, 2, 3].map((n) => centering(y, yStar, { maxRounds: n }).sum - 1);
    expect(Math.abs(e[0] - 0.03192)).toBeLessThan(1e-6);
    expect(Math.abs(e[1] / e[0] - 0.8)).toBeLessThan(1e-4);
    expect(Math.abs(e[2] / e[1] - 0.8)).toBeLessThan(1e-4);
    const r = centering(y, yStar);
    expect(r.rounds).toBeGreaterThan(5);
    expect(r.converged).toBe(true);
  });

  it('always returns entries in [0, 1] and an honest converged flag', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.integer({ min: 1, max: 30 }),
        (parts, maxRounds) => {
          const s = f64Sum(parts.map((p) => p[0]));
          fc.pre(s > 0);
          const y = parts.map((p) => p[0] / s);
          const r = centering(y, perturb(y, 1, parts.map((p) => p[1])), { maxRounds });
          expect(r.rounds).toBeLessThanOrEqual(maxRounds);
          for (const v of r.output) expect(v >= 0 && v <= 1).toBe(true);
          if (r.converged) expect(Math.abs(r.sum - 1)).toBeLessThan(1e-3 + 1e-6);
        },
      ),
    );
  });

  it('validates its arguments', () => {
    expect(() => centering([0.5, 0.5], [0.5])).toThrow(/yStar has length 1, but y has length 2/);
    expect(() => centering([0.5, 0.5], [0.5, Number.NaN])).toThrow(/yStar: entry \[1\] is NaN/);
    expect(() => centering([0.5, 0.6], [0.5, 0.5])).toThrow(/y: entries sum to 1.1/);
    expect(() => centering([1], [1], { maxRounds: 0 })).toThrow(/maxRounds/);
    expect(() => centering([1], [1], { tolerance: -1 })).toThrow(/tolerance/);
  });
});

describe('winnerTakesAll (Appendix A.2)', () => {
  it.each([
    ['missing mass → lowest entry', [0.5, 0.3, 0.1], [0.5, 0.3, 0.2]],
    ['excess → highest entry', [0.6, 0.3, 0.2], [0.5, 0.3, 0.2]],
    ['ties: lowest index gets the missing mass', [0.2, 0.2, 0.5], [0.3, 0.2, 0.5]],
    ['cascade: highest cannot cover the excess', [0.4, 0.4, 0.4, 0.4], [0, 0.2, 0.4, 0.4]],
    ['clips to [0, 1] first', [1.2, -0.1, 0.1], [0.9, 0, 0.1]],
    ['all mass clipped away → index 0', [-0.1, -0.2], [1, 0]],
    ['already normalized → unchanged', [0.25, 0.75], [0.25, 0.75]],
  ])('%s', (_name, input, expected) => {
    closeTo(winnerTakesAll(input), expected, 1e-7);
  });

  it('sums to 1 within 1e-6 in float32, entries in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { minLength: 1, maxLength: 20 }), (v) => {
        const out = winnerTakesAll(v);
        for (const x of out) expect(x >= 0 && x <= 1).toBe(true);
        expect(Math.abs(f64Sum(out) - 1)).toBeLessThan(1e-6);
      }),
    );
  });

  it('rejects empty and non-finite input', () => {
    expect(() => winnerTakesAll([])).toThrow(/empty/);
    expect(() => winnerTakesAll([0.5, Infinity])).toThrow(/entry \[1\] is Infinity/);
  });
});
