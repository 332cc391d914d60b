/**
 * Pure-math core of the ε counter-attack (counter-attack paper, Sec. 2.2, eq. (2)):
 *
 *     y* = y + ε · sign( ∇_y ‖∇_θ c(F_θ, x, y)‖₂ )
 *
 * The defender perturbs its own output y so that a thief training on (x, y*) gets the largest
 * possible parameter gradient. The tfjs side supplies the per-class gradients; this file turns
 * them into the direction and applies the step.
 *
 * Derivation (why no second-order autodiff is needed):
 *
 *  1. The thief's loss is cross-entropy, c(θ; y) = −Σ_j y_j log F_θ(x)_j. The label y appears
 *     only as coefficients, so c is LINEAR in y, and so is its parameter gradient:
 *         ∇_θ c = −Σ_j y_j g_j = −Gᵀy,   g_j := ∇_θ log F_θ(x)_j,   G := [g_1; …; g_K] (K×P).
 *  2. Hence ‖∇_θ c‖₂ = ‖Gᵀy‖₂ =: N(y), and for N > 0 the chain rule gives
 *         ∇_y N = ∇_y √(yᵀ G Gᵀ y) = G Gᵀ y / ‖Gᵀy‖₂,
 *     i.e. one product v = Gᵀy (P-vector) and then K dot products g_j · v.
 *  3. Where it vanishes: with softmax outputs F = softmax(z), ∂ log F_j / ∂z_m = δ_jm − F_m, so
 *     ∂c/∂z = (Σ_j y_j) F − y, which is F − y for a normalized y. By the chain rule
 *     ∇_θ c = J_zᵀ (F − y), so at y = F_θ(x) the gradient is EXACTLY 0 for every
 *     architecture: the model is already at the optimum of its own labels. N is then at its
 *     minimum (a cone tip, not differentiable), sign(∇_y N) is undefined, and we report
 *     `degenerate` instead of dividing 0 by 0. Elsewhere g_j = J_zᵀ(e_j − F), so
 *     direction_j ∝ (e_j − F)ᵀ J_z J_zᵀ (y − F): the step pushes y further from F. For softmax
 *     regression (J_z J_zᵀ ∝ I) and y = one-hot(k), direction_j ∝ δ_jk − F_j − F_k + ‖F‖²,
 *     which for a confident F raises class k and lowers the others.
 *
 * Cost: computing v = Gᵀy then G v is 2·K·P multiply-adds; forming the Gram matrix G Gᵀ first
 * would be K²·P, so the former is used. Inputs are never mutated; outputs are fresh arrays.
 */
import { assertFiniteVector, assertNonNegative } from './probability';

/** Options of `normGradientDirection`. */
export interface NormGradientOptions {
  /**
   * ‖Gᵀy‖ counts as zero when ≤ relativeTolerance · Σ_j |y_j|·‖g_j‖ (the triangle-inequality
   * bound on ‖Gᵀy‖). Float32 gradients leave a residue of ≈ 6e-8 of that bound at y = F, so the
   * default is 1e-6.
   */
  relativeTolerance?: number;
}

/** Result of `normGradientDirection`. */
export interface NormGradientResult {
  /** ∇_y ‖∇_θ c‖₂ = G Gᵀ y / ‖Gᵀy‖₂ (length K, units of ‖g‖); all zeros when degenerate. */
  direction: Float64Array;
  /** ‖∇_θ c‖₂ = ‖Gᵀy‖₂, the thief's gradient norm at label y (≥ 0, never NaN). */
  gradNorm: number;
  /** True when ‖Gᵀy‖ is numerically 0 (e.g. y = F_θ(x)); the direction is then all zeros. */
  degenerate: boolean;
}

/**
 * Gradient w.r.t. the label y of the thief's parameter-gradient norm, eq. (2) inner term.
 * `classGrads` holds K rows of equal length P ≥ 1, row j = g_j = ∇_θ log F_θ(x)_j (flattened
 * over all parameters); `y` has length K and finite entries (need not be normalized).
 * Never returns NaN: a (numerically) zero ‖Gᵀy‖ yields degenerate: true and a zero direction.
 */
export function normGradientDirection(
  classGrads: ReadonlyArray<Float32Array>,
  y: ArrayLike<number>,
  options: NormGradientOptions = {},
): NormGradientResult {
  const { relativeTolerance = 1e-6 } = options;
  assertNonNegative('relativeTolerance', relativeTolerance);
  const k = classGrads.length;
  if (k === 0) throw new RangeError('classGrads is empty (need one gradient row per class)');
  if (y.length !== k) throw new RangeError(`y has length ${y.length}, but classGrads has ${k} rows`);
  assertFiniteVector(y, 'y');
  const p = classGrads[0].length;
  if (p === 0) throw new RangeError('classGrads rows are empty (no parameters)');
  for (let j = 0; j < k; j++) {
    if (classGrads[j].length !== p) {
      throw new RangeError(`classGrads[${j}] has length ${classGrads[j].length}, expected ${p}`);
    }
    assertFiniteVector(classGrads[j], `classGrads[${j}]`);
  }

  // v = Gᵀy, and the scale Σ|y_j|‖g_j‖ against which "zero" is judged.
  const v = new Float64Array(p);
  let scale = 0;
  for (let j = 0; j < k; j++) {
    const g = classGrads[j];
    const yj = y[j];
    let sq = 0;
    for (let i = 0; i < p; i++) {
      v[i] += yj * g[i];
      sq += g[i] * g[i];
    }
    scale += Math.abs(yj) * Math.sqrt(sq);
  }
  let norm2 = 0;
  for (let i = 0; i < p; i++) norm2 += v[i] * v[i];
  const gradNorm = Math.sqrt(norm2);

  const direction = new Float64Array(k);
  if (!(gradNorm > relativeTolerance * scale) || gradNorm === 0) {
    return { direction, gradNorm, degenerate: true };
  }
  for (let j = 0; j < k; j++) {
    const g = classGrads[j];
    let dot = 0;
    for (let i = 0; i < p; i++) dot += g[i] * v[i];
    direction[j] = dot / gradNorm;
  }
  return { direction, gradNorm, degenerate: false };
}

/**
 * The FGSM-style step of eq. (2): y*_j = y_j + ε·sign(direction_j), with sign(0) = 0 (so a
 * degenerate direction leaves y unchanged). ε ≥ 0 is in probability units (the paper found
 * 0.003 enough). Result is NOT clipped or normalized; see `centering` / `winnerTakesAll`.
 * Returns a fresh Float32Array of length K; RangeError on mismatched lengths or a bad ε.
 */
export function epsilonPerturb(
  y: ArrayLike<number>,
  direction: ArrayLike<number>,
  epsilon: number,
): Float32Array {
  assertNonNegative('epsilon', epsilon);
  if (direction.length !== y.length) {
    throw new RangeError(`direction has length ${direction.length}, but y has length ${y.length}`);
  }
  assertFiniteVector(y, 'y');
  assertFiniteVector(direction, 'direction');
  const out = new Float32Array(y.length);
  for (let j = 0; j < y.length; j++) out[j] = y[j] + epsilon * Math.sign(direction[j]);
  return out;
}
