/**
 * Renormalizations for the ε counter-attack output y* = y + ε·sign(…) (Appendix A of the ε
 * counter-attack paper, see counterAttack.ts), which in general is neither in [0, 1] nor sums to 1.
 * The paper found that naive clip-and-divide stops y* being adversarial, and proposes these two.
 * Inputs are read, never mutated; outputs are fresh arrays owned by the caller.
 */
import { assertFiniteVector, assertProbabilityVector } from './probability';

function assertSameLength(y: ArrayLike<number>, yStar: ArrayLike<number>): void {
  if (yStar.length !== y.length) {
    throw new RangeError(`yStar has length ${yStar.length}, but y has length ${y.length}`);
  }
}

/**
 * One centering step of Appendix A.1 before clipping: returns δ̄ = δ − mean(δ) with δ = y* − y,
 * as a fresh Float64Array (mean exactly 0 up to rounding). Needs equal-length finite inputs.
 */
export function centerPerturbation(y: ArrayLike<number>, yStar: ArrayLike<number>): Float64Array {
  assertSameLength(y, yStar);
  if (y.length === 0) throw new RangeError('y is empty');
  const d = new Float64Array(y.length);
  let mean = 0;
  for (let j = 0; j < y.length; j++) {
    d[j] = yStar[j] - y[j];
    mean += d[j];
  }
  mean /= y.length;
  for (let j = 0; j < y.length; j++) d[j] -= mean;
  return d;
}

/** Options of `centering`. */
export interface CenteringOptions {
  /** Most rounds to run (integer ≥ 1). Default 20; the paper needed 2–5. */
  maxRounds?: number;
  /** Stop once |Σy* − 1| < tolerance (> 0). Default 1e-3, the paper's "off by less than 1/1000". */
  tolerance?: number;
}

/** Result of `centering`. */
export interface CenteringResult {
  /** The final y*, entries in [0, 1] (fresh array). Not divided by its sum, as in the paper. */
  output: Float32Array;
  /** Rounds run; 0 when y* was already in [0, 1] and within tolerance. */
  rounds: number;
  /** Σ of `output` (as returned, in float32). */
  sum: number;
  /** Whether |sum − 1| < tolerance was reached within maxRounds. */
  converged: boolean;
}

/**
 * Appendix A.1 "centering the perturbation": repeat { δ = y* − y; δ̄ = δ − mean(δ);
 * y* = clip(y + δ̄, 0, 1) } until |Σy* − 1| < tolerance or maxRounds rounds. Centering makes
 * Σ(y + δ̄) = Σy = 1 exactly; only the clip moves mass, and each round re-spreads that error.
 * `y` is the undefended probability vector; `yStar` its finite perturbed version (same length).
 * When not converged the last y* is returned as is, with converged: false.
 *
 * Convergence is geometric with ratio ≈ (entries stuck at 0)/K per round: fast for sign
 * patterns like the counter-attack's (top class up, others down), but a pattern pushing many
 * near-zero classes down while pushing others up can take more than 5 rounds at ε = 0.01.
 */
export function centering(
  y: ArrayLike<number>,
  yStar: ArrayLike<number>,
  options: CenteringOptions = {},
): CenteringResult {
  const { maxRounds = 20, tolerance = 1e-3 } = options;
  if (!Number.isInteger(maxRounds) || maxRounds < 1) {
    throw new RangeError(`maxRounds must be an integer >= 1, got ${String(maxRounds)}`);
  }
  if (!Number.isFinite(tolerance) || tolerance <= 0) {
    throw new RangeError(`tolerance must be a finite number > 0, got ${String(tolerance)}`);
  }
  assertProbabilityVector(y, 'y');
  assertSameLength(y, yStar);
  assertFiniteVector(yStar, 'yStar');
  const k = y.length;
  let cur = Float64Array.from(yStar);
  const withinTolerance = (v: Float64Array): boolean => {
    let s = 0;
    for (let j = 0; j < k; j++) s += v[j];
    return Math.abs(s - 1) < tolerance;
  };
  let rounds = 0;
  let converged = cur.every((v) => v >= 0 && v <= 1) && withinTolerance(cur);
  while (!converged && rounds < maxRounds) {
    const dBar = centerPerturbation(y, cur);
    cur = new Float64Array(k);
    for (let j = 0; j < k; j++) cur[j] = Math.min(1, Math.max(0, y[j] + dBar[j]));
    rounds++;
    converged = withinTolerance(cur);
  }
  const output = Float32Array.from(cur);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += output[j];
  return { output, rounds, sum, converged };
}

/**
 * Appendix A.2 "winner takes all". y* is first clipped to [0, 1] (a distribution cannot hold
 * negative mass, and y_j − ε < 0 for small y_j — the paper does not say; this is our choice).
 * Missing mass (Σ < 1) goes to the LOWEST entry; excess (Σ > 1) is taken from the HIGHEST
 * entry, and if that would drive it below 0 it is set to 0 and the rest is taken from the next
 * highest, and so on. Ties pick the lowest index. The adjusted entry is set to 1 − Σ(others) so
 * the float64 result sums to 1 up to one rounding, and the Float32Array output within ~1e-7.
 * If every entry clips to 0, the lowest entry (index 0) receives all the mass.
 */
export function winnerTakesAll(yStar: ArrayLike<number>): Float32Array {
  if (yStar.length === 0) throw new RangeError('yStar is empty');
  assertFiniteVector(yStar, 'yStar');
  const k = yStar.length;
  const v = new Float64Array(k);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    v[j] = Math.min(1, Math.max(0, yStar[j]));
    sum += v[j];
  }
  let target = -1;
  if (sum < 1) {
    target = 0;
    for (let j = 1; j < k; j++) if (v[j] < v[target]) target = j;
  } else if (sum > 1) {
    const byValue = Array.from({ length: k }, (_, j) => j).sort((a, b) => v[b] - v[a] || a - b);
    let excess = sum - 1;
    for (const j of byValue) {
      target = j;
      if (v[j] >= excess) break;
      excess -= v[j]; // this entry cannot cover the rest: empty it and move on
      v[j] = 0;
    }
  }
  if (target >= 0) {
    let others = 0;
    for (let j = 0; j < k; j++) if (j !== target) others += v[j];
    v[target] = Math.max(0, 1 - others);
  }
  return Float32Array.from(v);
}
