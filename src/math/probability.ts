/**
 * Validation and clip-and-renormalize helpers shared by the output-perturbation defenses
 * (defenses.ts, noiseDefenses.ts, renormalize.ts). Nothing here keeps or mutates its inputs.
 */

/** Entries may exceed 1 by this much (float32 softmax can round a confident output to 1.0000001). */
export const PROB_ENTRY_SLACK = 1e-6;
/** A probability vector's sum may differ from 1 by at most this much. */
export const PROB_SUM_TOLERANCE = 1e-3;

/**
 * Throws a RangeError unless `v` is a probability vector: non-empty, every entry finite and in
 * [0, 1 + PROB_ENTRY_SLACK], and |Σv − 1| ≤ PROB_SUM_TOLERANCE. The message starts with `what`
 * and names the offending index, e.g. "probs row 3: entry [7] is NaN".
 */
export function assertProbabilityVector(v: ArrayLike<number>, what: string): void {
  const problem = probabilityRowProblem(v, 0, v.length);
  if (problem !== null) throw new RangeError(`${what}: ${problem}`);
}

/**
 * What is wrong with `v[start … start + length)` as a probability vector (the rules of
 * assertProbabilityVector; indices counted from `start`), or null when nothing is. Allocates
 * nothing on the good path, so a batch can check every row of a 64 × 64 picture without
 * building a label or a view per row.
 */
export function probabilityRowProblem(v: ArrayLike<number>, start: number, length: number): string | null {
  if (length === 0) return 'empty probability vector';
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const x = v[start + i];
    if (Number.isNaN(x)) return `entry [${i}] is NaN`;
    if (!Number.isFinite(x)) return `entry [${i}] is ${x}, not finite`;
    if (x < 0) return `entry [${i}] = ${x} is negative`;
    if (x > 1 + PROB_ENTRY_SLACK) return `entry [${i}] = ${x} exceeds 1`;
    sum += x;
  }
  if (Math.abs(sum - 1) > PROB_SUM_TOLERANCE) return `entries sum to ${sum}, not 1 (tolerance ${PROB_SUM_TOLERANCE})`;
  return null;
}

/** Throws a RangeError naming `name` unless `value` is finite and ≥ 0. */
export function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
}

/** Throws a RangeError naming `name` unless `value` is finite and > 0. */
export function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
}

/** Throws a RangeError naming `name` unless `value` is finite (any sign). */
export function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
}

/** Throws a RangeError unless every entry of `v` is finite; `what` names the array. */
export function assertFiniteVector(v: ArrayLike<number>, what: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new RangeError(`${what}: entry [${i}] is ${v[i]}, not finite`);
  }
}

/**
 * Clips `perturbed` (mutated in place; the caller's scratch) to [0, 1], divides by its sum and
 * returns the result as a fresh Float32Array. If every entry clipped to 0 there is no mass to
 * renormalize; then a Float32 copy of `fallback` (the undefended output) is returned instead.
 */
export function clipRenormalize(perturbed: Float64Array, fallback: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let j = 0; j < perturbed.length; j++) {
    const c = Math.min(1, Math.max(0, perturbed[j]));
    perturbed[j] = c;
    sum += c;
  }
  if (!(sum > 0)) return Float32Array.from(fallback);
  const out = new Float32Array(perturbed.length);
  for (let j = 0; j < perturbed.length; j++) out[j] = perturbed[j] / sum;
  return out;
}
