/**
 * Seeded stratified splitting of a labelled set into two disjoint index sets.
 *
 * Used twice in the app: to cut the pooled Fashion-MNIST images into train/test (data prep),
 * and to cut a training set into the defender's share and the attacker's unlabeled pool
 * (reverse-sigmoid paper, Sec. IV: "uniformly from each class"). Stratifying keeps every
 * class's proportion identical on both sides, so neither side is accidentally class-skewed.
 */
import { createRng, shuffleInPlace } from './random';

/** Two disjoint, ascending index sets whose union is every index of the input. */
export interface StratifiedSplit {
  first: Uint32Array;
  second: Uint32Array;
}

/**
 * Splits `labels` per class: each class's indices are shuffled with one generator,
 * `createRng(seed)`, consumed class by class in ascending label order, and the first
 * `Math.round(n_c * firstFraction)` of class c go to `first`, the rest to `second`.
 *
 * Both outputs are sorted ascending, so callers get a canonical set that does not depend on
 * how classes were iterated; shuffle them yourself if you need a random order.
 *
 * Labels may be sparse (e.g. {0, 7}); absent classes simply contribute nothing.
 *
 * @throws RangeError if `firstFraction` is not strictly inside (0, 1), if any label is not a
 *   non-negative integer, or if `seed` is not a 32-bit unsigned integer.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  firstFraction: number,
  seed: number,
): StratifiedSplit {
  // 0 or 1 would make one side empty, which is never what a caller of a *split* wants; a NaN
  // would silently put everything in `second` (Math.round(NaN) is NaN, and i < NaN is false).
  if (!(Number.isFinite(firstFraction) && firstFraction > 0 && firstFraction < 1)) {
    throw new RangeError(`firstFraction must be in the open interval (0, 1), got ${String(firstFraction)}`);
  }
  // Fail on a bad seed before doing any work (createRng validates it).
  const rng = createRng(seed);

  const n = labels.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0) {
      throw new RangeError(`labels must be non-negative integers, got ${String(c)} at index ${i}`);
    }
    let members = byClass.get(c);
    if (members === undefined) {
      members = [];
      byClass.set(c, members);
    }
    members.push(i);
  }

  // Ascending class order makes the draw sequence a function of (labels, seed) alone, not of
  // the order in which classes first appear in the data.
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const inFirst = new Uint8Array(n);
  let firstCount = 0;
  for (const c of classes) {
    const members = byClass.get(c) as number[];
    shuffleInPlace(members, rng);
    const take = Math.round(members.length * firstFraction);
    for (let k = 0; k < take; k++) inFirst[members[k]] = 1;
    firstCount += take;
  }

  // A membership mask walked in index order yields both sets already sorted, in O(n).
  const first = new Uint32Array(firstCount);
  const second = new Uint32Array(n - firstCount);
  let f = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (inFirst[i] === 1) first[f++] = i;
    else second[s++] = i;
  }
  return { first, second };
}
