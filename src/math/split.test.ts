import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stratifiedSplit } from './split';

function countPerClass(labels: ArrayLike<number>, indices: Uint32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const i of indices) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  return counts;
}

function isAscending(a: Uint32Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1] >= a[i]) return false;
  return true;
}

describe('stratifiedSplit', () => {
  // Class 0: 5 members, class 1: 3, class 2: 1, interleaved so that index order != class order.
  const labels = [0, 1, 0, 2, 1, 0, 0, 1, 0];

  it('takes round(n_c * fraction) of each class (hand-computed, .5 rounds up)', () => {
    const { first, second } = stratifiedSplit(labels, 0.5, 42);
    // round(5 * 0.5) = 3, round(3 * 0.5) = 2, round(1 * 0.5) = 1 → 6 in first, 3 in second.
    expect(countPerClass(labels, first)).toEqual(new Map([[0, 3], [1, 2], [2, 1]]));
    expect(countPerClass(labels, second)).toEqual(new Map([[0, 2], [1, 1]]));
  });

  it('handles a 67/33 split of 100 per class exactly', () => {
    const l = Array.from({ length: 300 }, (_, i) => i % 3);
    const { first, second } = stratifiedSplit(l, 0.67, 7);
    expect(countPerClass(l, first)).toEqual(new Map([[0, 67], [1, 67], [2, 67]]));
    expect(countPerClass(l, second)).toEqual(new Map([[0, 33], [1, 33], [2, 33]]));
  });

  it('returns disjoint, ascending sets whose union is every index', () => {
    const { first, second } = stratifiedSplit(labels, 0.5, 1);
    expect(isAscending(first)).toBe(true);
    expect(isAscending(second)).toBe(true);
    const all = [...first, ...second].sort((a, b) => a - b);
    expect(all).toEqual(labels.map((_, i) => i));
  });

  it('is deterministic per seed and differs between seeds', () => {
    const l = Array.from({ length: 200 }, (_, i) => i % 4);
    const a = stratifiedSplit(l, 0.5, 123);
    const b = stratifiedSplit(l, 0.5, 123);
    const c = stratifiedSplit(l, 0.5, 124);
    expect(a.first).toEqual(b.first);
    expect(a.second).toEqual(b.second);
    expect(c.first).not.toEqual(a.first);
  });

  it('does not simply take the lowest indices of each class', () => {
    const l = new Array<number>(100).fill(0);
    const { first } = stratifiedSplit(l, 0.5, 5);
    expect(first).not.toEqual(Uint32Array.from({ length: 50 }, (_, i) => i));
  });

  it('accepts sparse labels, typed arrays and empty input', () => {
    const sparse = Uint8Array.from([7, 7, 0, 7]);
    const { first, second } = stratifiedSplit(sparse, 0.5, 3);
    // class 0: round(0.5) = 1 → first; class 7: round(1.5) = 2 → first, 1 → second.
    expect(countPerClass(sparse, first)).toEqual(new Map([[0, 1], [7, 2]]));
    expect(countPerClass(sparse, second)).toEqual(new Map([[7, 1]]));
    const empty = stratifiedSplit([], 0.5, 3);
    expect(empty.first.length + empty.second.length).toBe(0);
  });

  it('rejects bad fractions, labels and seeds with RangeError', () => {
    for (const f of [0, 1, -0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => stratifiedSplit(labels, f, 1)).toThrow(RangeError);
    }
    expect(() => stratifiedSplit(labels, 0.5, 1)).not.toThrow();
    expect(() => stratifiedSplit([0, -1], 0.5, 1)).toThrow(/non-negative integers.*index 1/);
    expect(() => stratifiedSplit([0, 1.5], 0.5, 1)).toThrow(RangeError);
    expect(() => stratifiedSplit([Number.NaN], 0.5, 1)).toThrow(RangeError);
    expect(() => stratifiedSplit(labels, 0.5, -1)).toThrow(RangeError);
    expect(() => stratifiedSplit(labels, 0.5, 1.5)).toThrow(RangeError);
  });

  it('property: partition, sorted, exact per-class counts, deterministic', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 300 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (l, fraction, seed) => {
          const { first, second } = stratifiedSplit(l, fraction, seed);
          expect(isAscending(first) && isAscending(second)).toBe(true);
          const seen = new Uint8Array(l.length);
          for (const i of first) seen[i]++;
          for (const i of second) seen[i]++;
          expect(seen.every((v) => v === 1)).toBe(true);
          const total = new Map<number, number>();
          for (const c of l) total.set(c, (total.get(c) ?? 0) + 1);
          const got = countPerClass(l, first);
          for (const [c, n] of total) expect(got.get(c) ?? 0).toBe(Math.round(n * fraction));
          expect(stratifiedSplit(l, fraction, seed).first).toEqual(first);
        },
      ),
      { numRuns: 200 },
    );
  });
});
