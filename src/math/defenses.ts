/**
 * Output-perturbation defenses against model stealing.
 *
 * This file holds the Reverse Sigmoid defense (Lee et al., "Defending Against Neural Network
 * Model Stealing Attacks Using Deceptive Perturbations", Sec. III, eq. (2)–(4)) and re-exports
 * the paper's noise baselines (noiseDefenses.ts) and the ε counter-attack renormalizations
 * (renormalize.ts), so callers import every defense from one place.
 *
 * All functions are pure: inputs are read, never kept or mutated; outputs are fresh arrays owned
 * by the caller. Arithmetic is float64; results are Float32Array to match tfjs tensors.
 */
import {
  assertNonNegative,
  assertPositive,
  assertProbabilityVector,
  probabilityRowProblem,
  PROB_ENTRY_SLACK,
} from './probability';

export { assertProbabilityVector, PROB_ENTRY_SLACK, PROB_SUM_TOLERANCE } from './probability';
export {
  uniformRandomNoise,
  uniformRandomConcave,
  uniformRandomConvex,
  rankingPreservingUniformRandom,
  sineNoise,
  RANKING_TIE_MARGIN,
} from './noiseDefenses';
export { centerPerturbation, centering, winnerTakesAll } from './renormalize';
export type { CenteringOptions, CenteringResult } from './renormalize';

/**
 * y is clipped to [ε, 1 − ε] with this ε before taking the pseudo-logit s⁻¹(y), exactly as in the
 * Adversarial Robustness Toolbox's ReverseSigmoid, so exact 0s and 1s give finite logits (±20.7).
 */
export const REVERSE_SIGMOID_CLIP = 1e-9;

function assertReverseSigmoidParams(beta: number, gamma: number): void {
  // β = 0 is allowed (it switches the defense off); the paper and ART require β > 0.
  assertNonNegative('beta', beta);
  assertPositive('gamma', gamma);
}

/** r(y) of eq. (3) without validation; y ∈ [0, 1] (dimensionless probability). */
function perturbation(y: number, beta: number, gamma: number): number {
  if (beta === 0) return 0; // not 0 · (negative) = −0, which Object.is-based checks see as ≠ 0
  const yc = Math.min(1 - REVERSE_SIGMOID_CLIP, Math.max(REVERSE_SIGMOID_CLIP, y));
  const z = gamma * Math.log(yc / (1 - yc));
  // exp(-z) overflows to ∞ for very negative z, giving s = 0 (the correct limit), never NaN.
  return beta * (1 / (1 + Math.exp(-z)) - 0.5);
}

/**
 * The Reverse Sigmoid perturbation r(y) = β(s(γ·s⁻¹(y)) − ½) of eq. (3), for one probability
 * y ∈ [0, 1] (the UI draws this curve). s is the logistic sigmoid, s⁻¹(y) = ln(y/(1−y)) with y
 * clipped to [1e-9, 1 − 1e-9]. Negative for y < ½, 0 at ½, positive above; |r| < β/2.
 * Throws RangeError for y outside [0, 1], β not finite ≥ 0, or γ not finite > 0.
 */
export function reverseSigmoidPerturbation(y: number, beta: number, gamma: number): number {
  assertReverseSigmoidParams(beta, gamma);
  if (!Number.isFinite(y) || y < 0 || y > 1 + PROB_ENTRY_SLACK) {
    throw new RangeError(`y must be a probability in [0, 1], got ${String(y)}`);
  }
  return perturbation(y, beta, gamma);
}

/**
 * Eq. (4) on one row: writes ŷ for `probs[offset .. offset+k)` into `out` at the same offset.
 * `scratch` (length ≥ k) is overwritten. Follows ART: the UNclipped y enters y − r(y), the result
 * is clipped to [0, 1], then α = 1/Σ rescales it to sum 1.
 */
function reverseSigmoidRow(
  probs: ArrayLike<number>,
  offset: number,
  k: number,
  beta: number,
  gamma: number,
  scratch: Float64Array,
  out: Float32Array,
): void {
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const y = probs[offset + j];
    const v = Math.min(1, Math.max(0, y - perturbation(y, beta, gamma)));
    scratch[j] = v;
    sum += v;
  }
  if (!(sum > 0)) {
    // Unreachable for K ≥ 2: some entry is ≤ ½, where r ≤ 0, or all but one are 0, where
    // −r(0) ≈ β/2 > 0. Only K = 1 with β ≳ 2 (1 − r(1) ≤ 0) gets here; the one valid output
    // then is the input itself, so it is passed through.
    for (let j = 0; j < k; j++) out[offset + j] = probs[offset + j];
    return;
  }
  const alpha = 1 / sum;
  for (let j = 0; j < k; j++) out[offset + j] = alpha * scratch[j];
}

/**
 * Reverse Sigmoid defense, eq. (4): ŷ_j = α(y_j − β(s(γ s⁻¹(y_j)) − ½)), for ONE probability
 * vector `probs` (length K ≥ 1, sums to 1). β ≥ 0 is the magnitude (β = 0 returns the input,
 * renormalized); γ > 0 the convergence parameter (βγ > 1 makes y ↦ y − r(y) non-invertible
 * near ½). Returns a fresh Float32Array of length K that sums to 1.
 * Throws RangeError (naming the index or parameter) on an invalid vector, β or γ.
 */
export function reverseSigmoid(probs: ArrayLike<number>, beta: number, gamma: number): Float32Array {
  assertReverseSigmoidParams(beta, gamma);
  assertProbabilityVector(probs, 'probs');
  const k = probs.length;
  const out = new Float32Array(k);
  reverseSigmoidRow(probs, 0, k, beta, gamma, new Float64Array(k), out);
  return out;
}

/**
 * `reverseSigmoid` applied to each row of a row-major n×K matrix `probs` (length n·K, n ≥ 1).
 * Returns a fresh Float32Array of the same shape. Every row is validated first (the error
 * names the row), so a bad row leaves no half-written result.
 */
export function reverseSigmoidBatch(
  probs: Float32Array,
  numClasses: number,
  beta: number,
  gamma: number,
): Float32Array {
  assertReverseSigmoidParams(beta, gamma);
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`numClasses must be an integer >= 1, got ${String(numClasses)}`);
  }
  if (probs.length === 0 || probs.length % numClasses !== 0) {
    throw new RangeError(
      `probs has length ${probs.length}, expected a positive multiple of numClasses = ${numClasses}`,
    );
  }
  const n = probs.length / numClasses;
  for (let i = 0; i < n; i++) {
    const problem = probabilityRowProblem(probs, i * numClasses, numClasses);
    if (problem !== null) throw new RangeError(`probs row ${i}: ${problem}`);
  }
  const out = new Float32Array(probs.length);
  const scratch = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) reverseSigmoidRow(probs, i * numClasses, numClasses, beta, gamma, scratch, out);
  return out;
}
