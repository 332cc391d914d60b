import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng, shuffleInPlace } from './random';

const draw = (seed: number, n: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

// Tolerances are 5 standard errors; with fixed seeds the tests are deterministic, and a correct
// generator would fail one of them with probability < 1e-6 for an arbitrary seed.
const N = 100_000;

describe('createRng: reproducibility', () => {
  it('same seed → same sequence (all methods)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const a = createRng(seed);
        const b = createRng(seed);
        for (let i = 0; i < 20; i++) {
          expect(a.next()).toBe(b.next());
          expect(a.int(7)).toBe(b.int(7));
          expect(a.uniform(-3, 5)).toBe(b.uniform(-3, 5));
          expect(a.normal()).toBe(b.normal());
        }
      }),
      { numRuns: 50 },
    );
  });

  it('different seeds → different sequences (also neighbouring seeds)', () => {
    const seqs = [0, 1, 2, 3, 0xffffffff, 123456789].map((s) => draw(s, 8).join(','));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('seed 1 does not start near 1 (the low-entropy seeding bug)', () => {
    expect(draw(1, 1)[0]).toBeLessThan(0.999);
  });

  it('fork() is reproducible and differs from the parent stream', () => {
    const p1 = createRng(5);
    const p2 = createRng(5);
    const c1 = p1.fork();
    const c2 = p2.fork();
    const child = Array.from({ length: 5 }, () => c1.next());
    expect(Array.from({ length: 5 }, () => c2.next())).toEqual(child);
    expect(Array.from({ length: 5 }, () => p1.next())).not.toEqual(child);
  });

  it('rejects non-integer, negative and too-large seeds', () => {
    for (const s of [-1, 1.5, 2 ** 32, Number.NaN]) expect(() => createRng(s)).toThrow(RangeError);
  });
});

describe('createRng: ranges', () => {
  it('next() ∈ [0, 1), uniform(lo, hi) ∈ [lo, hi)', () => {
    const rng = createRng(3);
    for (let i = 0; i < 10_000; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      const v = rng.uniform(-1, 1);
      expect(v >= -1 && v < 1).toBe(true);
    }
  });

  it('int(n) is an integer in [0, n); int(1) = 0; bad n throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 2 ** 31 }), (seed, n) => {
        const rng = createRng(seed);
        for (let i = 0; i < 10; i++) {
          const k = rng.int(n);
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        }
      }),
    );
    expect(createRng(1).int(1)).toBe(0);
    for (const n of [0, -3, 2.5, Number.NaN]) expect(() => createRng(1).int(n)).toThrow(RangeError);
  });
});

describe('createRng: distributions (1e5 draws, 5 standard errors)', () => {
  it('next(): mean ½ (SE √(1/12N)), variance 1/12', () => {
    const xs = draw(11, N);
    const mean = xs.reduce((a, b) => a + b, 0) / N;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    // Var of (U − ½)² is 1/80 − 1/144 = 1/180, so SE of the sample variance ≈ √(1/180N).
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / N));
  });

  it('int(10): every bucket within 5 SE of N/10, χ² below the 99.99% quantile', () => {
    const rng = createRng(12);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < N; i++) counts[rng.int(10)]++;
    const expected = N / 10;
    const se = Math.sqrt(N * 0.1 * 0.9);
    for (const c of counts) expect(Math.abs(c - expected)).toBeLessThan(5 * se);
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(33.7); // χ²(9) 0.9999 quantile
  });

  it('normal(): mean 0 (SE 1/√N), variance 1 (SE √(2/N)), ~68.3% within ±1', () => {
    const rng = createRng(13);
    const xs = Array.from({ length: N }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / N;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1);
    expect(Number.isFinite(mean)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    const p = 0.682689;
    const within = xs.filter((x) => Math.abs(x) < 1).length / N;
    expect(Math.abs(within - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
  });
});

describe('shuffleInPlace', () => {
  it('returns the same array, a permutation, reproducible from the seed', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const out = shuffleInPlace(a, createRng(4));
    expect(out).toBe(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const t = shuffleInPlace(Int32Array.from({ length: 50 }, (_, i) => i), createRng(4));
    expect(Array.from(t)).toEqual(a);
  });

  it('is uniform over the 6 permutations of 3 items', () => {
    const rng = createRng(21);
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = shuffleInPlace([0, 1, 2], rng).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const se = Math.sqrt(n * (1 / 6) * (5 / 6));
    for (const c of counts.values()) expect(Math.abs(c - n / 6)).toBeLessThan(5 * se);
  });
});
