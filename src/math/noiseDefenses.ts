/**
 * The baseline perturbations the Reverse Sigmoid paper compares against (Lee et al.,
 * Sec. IV-B, Table I). Each adds a perturbation to one probability vector y, clips to [0, 1]
 * and renormalizes to sum 1. The paper says "adding" for these, so the noise is ADDED
 * (Reverse Sigmoid alone subtracts its r(y)); for the symmetric U(−1, 1) noise the sign is moot.
 *
 * Fallback: if every entry clips to 0 there is nothing to renormalize, and a Float32 copy of
 * the original y is returned (the defense is skipped for that query rather than inventing mass).
 *
 * Random baselines take a seeded `Rng` and draw exactly K uniforms from it, one per class in
 * index order, so runs replay from their seed. Inputs are never mutated; outputs are fresh.
 */
import { argmax } from './metrics';
import {
  assertFinite,
  assertNonNegative,
  assertPositive,
  assertProbabilityVector,
  clipRenormalize,
} from './probability';
import type { Rng } from './random';

/** Draws K values of β·U(−1, 1), one per class in index order. */
function uniformDraws(k: number, beta: number, rng: Rng): Float64Array {
  const d = new Float64Array(k);
  for (let j = 0; j < k; j++) d[j] = beta * rng.uniform(-1, 1);
  return d;
}

/**
 * "Uniform Random": ŷ ∝ clip(y_j + β·U(−1, 1)). β ≥ 0 is the noise amplitude (probability
 * units). Throws RangeError on an invalid y or β. Fresh Float32Array of length K, sums to 1.
 */
export function uniformRandomNoise(y: ArrayLike<number>, beta: number, rng: Rng): Float32Array {
  assertProbabilityVector(y, 'y');
  assertNonNegative('beta', beta);
  const p = uniformDraws(y.length, beta, rng);
  for (let j = 0; j < y.length; j++) p[j] += y[j];
  return clipRenormalize(p, y);
}

/** Shared body of the two weighted variants: ŷ ∝ clip(y_j + β·U(−1, 1)·w(y_j)). */
function weightedUniform(
  y: ArrayLike<number>,
  beta: number,
  rho: number,
  rng: Rng,
  convex: boolean,
): Float32Array {
  assertProbabilityVector(y, 'y');
  assertNonNegative('beta', beta);
  assertPositive('rho', rho);
  const p = uniformDraws(y.length, beta, rng);
  for (let j = 0; j < y.length; j++) {
    const bell = Math.exp(-0.5 * (y[j] / rho) ** 2);
    p[j] = y[j] + p[j] * (convex ? 1 - bell : bell);
  }
  return clipRenormalize(p, y);
}

/**
 * "Uniform Random × Concave": ŷ ∝ clip(y_j + β·U(−1, 1)·exp(−½(y_j/ρ)²)); noise is largest
 * for unlikely classes and fades for confident ones, at a width ρ > 0 (probability units).
 *
 * OUR READING: the extracted paper text says "× 1/e^{−½(y/ρ)²}", i.e. × e^{+½(y/ρ)²}. We read
 * that "1/" as an extraction artifact (likely a lost normalizing constant) because (a) e^{+…} is
 * unbounded (e^{50} at y = 1, ρ = 0.1) and would swamp y for any useful ρ, (b) it is convex, and
 * 1 − e^{+…} is ≤ 0 and concave, so the names "Concave"/"Convex" would be swapped, while the
 * Gaussian bell w = e^{−½(y/ρ)²} ∈ (0, 1] is concave on |y| < ρ and 1 − w convex there.
 */
export function uniformRandomConcave(y: ArrayLike<number>, beta: number, rho: number, rng: Rng): Float32Array {
  return weightedUniform(y, beta, rho, rng, false);
}

/**
 * "Uniform Random × Convex": ŷ ∝ clip(y_j + β·U(−1, 1)·(1 − exp(−½(y_j/ρ)²))); noise is ~0
 * for unlikely classes and grows toward β for confident ones. Weight reading as in
 * `uniformRandomConcave` (paper text: "1 − 1/e^{−½(y/ρ)²}"). ρ > 0, β ≥ 0.
 */
export function uniformRandomConvex(y: ArrayLike<number>, beta: number, rho: number, rng: Rng): Float32Array {
  return weightedUniform(y, beta, rho, rng, true);
}

/**
 * Runners-up are capped at (1 − RANKING_TIE_MARGIN)·top so the top class stays strictly largest
 * even after clipping (two values clipped to 1 would tie) and after rounding to float32
 * (relative step 6e-8 < 1e-6).
 */
export const RANKING_TIE_MARGIN = 1e-6;

/**
 * "Ranking-preserving Uniform Random": the K values y_j + β·U(−1, 1) are sorted and handed back
 * so the class ranked r-th in y gets the r-th largest perturbed value (ties in y ranked by lower
 * index first, as argmax does), then clipped and renormalized. The top class of y is forced to
 * stay strictly largest (see RANKING_TIE_MARGIN), so argmax(ŷ) === argmax(y) ALWAYS; the
 * fallback (everything clipped to 0) returns y with the same cap on its runners-up.
 */
export function rankingPreservingUniformRandom(y: ArrayLike<number>, beta: number, rng: Rng): Float32Array {
  assertProbabilityVector(y, 'y');
  assertNonNegative('beta', beta);
  const k = y.length;
  const values = uniformDraws(k, beta, rng);
  for (let j = 0; j < k; j++) values[j] += y[j];
  values.sort().reverse(); // typed-array sort is numeric; largest first
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => y[b] - y[a] || a - b);
  const top = order[0];
  const p = new Float64Array(k);
  for (let r = 0; r < k; r++) p[order[r]] = Math.min(1, Math.max(0, values[r]));
  // All clipped to 0 (p[top] is the largest): answer y itself, still through the cap below, so a
  // top class that only wins in float64 (y = [0.5, 0.5 + 1e-16]) stays strictly on top in float32.
  if (!(p[top] > 0)) for (let j = 0; j < k; j++) p[j] = y[j];
  const t = p[top];
  const cap = t * (1 - RANKING_TIE_MARGIN);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    if (j !== top && p[j] > cap) p[j] = cap;
    sum += p[j];
  }
  const out = new Float32Array(k);
  for (let j = 0; j < k; j++) out[j] = p[j] / sum;
  if (argmax(out) !== argmax(y)) throw new Error('rankingPreservingUniformRandom: argmax changed (bug)');
  return out;
}

/**
 * "Sine": ŷ ∝ clip(y_j + β·sin(f·y_j)); deterministic. β ≥ 0 (probability units), f any finite
 * frequency (radians per unit probability). Throws RangeError on an invalid y, β or f.
 */
export function sineNoise(y: ArrayLike<number>, beta: number, frequency: number): Float32Array {
  assertProbabilityVector(y, 'y');
  assertNonNegative('beta', beta);
  assertFinite('frequency', frequency);
  const p = new Float64Array(y.length);
  for (let j = 0; j < y.length; j++) p[j] = y[j] + beta * Math.sin(frequency * y[j]);
  return clipRenormalize(p, y);
}
