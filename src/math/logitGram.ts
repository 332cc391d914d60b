/**
 * The ε counter-attack's float64 algebra on one input's logit Gram matrix L = J_z J_zᵀ (K×K,
 * row-major) and its logits z: the direction ∇_y ‖∇_θ c(y)‖₂ at a label or at a one-hot target,
 * and the Gram matrix M = U L Uᵀ of the class log-probability gradients. The derivation is in
 * models/counterAttack.ts, which computes L on the device; everything after L runs here, on the
 * CPU in float64, because forming M·y from a float32 M cancels catastrophically when y ≈ F
 * (|u| ≪ |y|), whereas u is formed here before it meets L. Pure: plain arrays, no tensors.
 */
import type { NormGradientResult } from './counterAttack';

/**
 * The direction counts as zero when ‖Gᵀy‖ ≤ this × Σ_j |u_j|‖∇_θ z_j‖ (its triangle-inequality
 * bound; q = uᵀLu < 0 from rounding included), as in math's normGradientDirection.
 */
const DEGENERATE_TOLERANCE = 1e-6;
/**
 * ‖u‖₁ = ‖y − (Σy)F‖₁ ≤ this × (K + 1) × ‖y‖₁ also counts as zero: y is then the model's own
 * distribution up to float32 rounding (each entry within 2⁻²⁴ relative, their sum within K·2⁻²⁴
 * of 1; ×4 leaves room for a few-ulp softmax such as tf.softmax), and the thief's gradient is
 * rounding noise with a meaningless sign.
 */
const AT_OWN_OUTPUT_TOLERANCE = 4 * 2 ** -24;

/** softmax in float64 via max-subtraction: finite for any finite logits. */
export function softmax64(logits: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) m = Math.max(m, logits[i]);
  const out = new Float64Array(logits.length);
  let s = 0;
  for (let i = 0; i < logits.length; i++) s += out[i] = Math.exp(logits[i] - m);
  for (let i = 0; i < logits.length; i++) out[i] /= s;
  return out;
}

/** e_i − F with entry i as Σ_{j≠i} F_j (exact where F_i ≈ 1, where 1 − F_i would cancel). */
function unitMinusProbs(f: Float64Array, i: number): Float64Array {
  const u = new Float64Array(f.length);
  let rest = 0;
  for (let j = 0; j < f.length; j++) {
    if (j !== i) {
      u[j] = -f[j];
      rest += f[j];
    }
  }
  u[i] = rest;
  return u;
}

function matVec(m: ArrayLike<number>, v: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += m[i * k + j] * v[j];
    out[i] = s;
  }
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * d = U L u / √(uᵀ L u) (= M y_dir / ‖Gᵀ y_dir‖ for u ∝ y_dir − (Σy_dir)F, any positive scale),
 * with ‖Gᵀ y_dir‖ = uScale·√(uᵀLu). Degenerate (zero direction) when the norm is not above
 * DEGENERATE_TOLERANCE times its triangle bound Σ|u_j|√L_jj (q < 0 from rounding included).
 */
function directionFromU(l: ArrayLike<number>, f: Float64Array, u: Float64Array, uScale: number): NormGradientResult {
  const k = f.length;
  const lu = matVec(l, u, k);
  const q = dot(u, lu);
  let bound = 0;
  for (let j = 0; j < k; j++) bound += Math.abs(u[j]) * Math.sqrt(Math.max(l[j * k + j], 0));
  const n = Math.sqrt(Math.max(q, 0));
  const direction = new Float64Array(k);
  if (!(n > DEGENERATE_TOLERANCE * bound) || n === 0) return { direction, gradNorm: uScale * n, degenerate: true };
  // (U w)_j = (e_j − F)ᵀ w = w_j − Fᵀw.
  const fw = dot(f, lu);
  for (let j = 0; j < k; j++) direction[j] = (lu[j] - fw) / n;
  return { direction, gradNorm: uScale * n, degenerate: false };
}

function checkGramArgs(logitGram: ArrayLike<number>, logits: ArrayLike<number>): number {
  const k = logits.length;
  if (k < 2) throw new RangeError(`need at least 2 logits, got ${k}`);
  if (logitGram.length !== k * k) throw new RangeError(`logitGram has length ${logitGram.length}, expected ${k * k}`);
  for (let i = 0; i < k; i++) if (!Number.isFinite(logits[i])) throw new RangeError(`logits[${i}] is ${logits[i]}`);
  for (let i = 0; i < k * k; i++) if (!Number.isFinite(logitGram[i])) throw new RangeError(`logitGram[${i}] is ${logitGram[i]}`);
  return k;
}

/**
 * ∇_y ‖∇_θ c(y)‖₂ at an arbitrary finite label `y` (length K, need not be normalized), from one
 * input's logit Gram L (K×K row-major, see `logitGradientGram`) and logits. Same contract as
 * math's `normGradientDirection` (which takes the P-long gradients instead): never NaN; a zero
 * ‖∇_θ c‖ gives degenerate: true and a zero direction — in particular y = softmax(logits) up to
 * float32 rounding (see AT_OWN_OUTPUT_TOLERANCE), where it is exactly 0 in exact arithmetic.
 */
export function directionAtLabel(logitGram: ArrayLike<number>, logits: ArrayLike<number>, y: ArrayLike<number>): NormGradientResult {
  const k = checkGramArgs(logitGram, logits);
  if (y.length !== k) throw new RangeError(`y has length ${y.length}, expected ${k}`);
  const f = softmax64(logits);
  let sy = 0;
  let ay = 0;
  for (let j = 0; j < k; j++) {
    if (!Number.isFinite(y[j])) throw new RangeError(`y[${j}] is ${y[j]}`);
    sy += y[j];
    ay += Math.abs(y[j]);
  }
  const u = new Float64Array(k); // −∂c/∂z
  let au = 0;
  for (let j = 0; j < k; j++) {
    u[j] = y[j] - sy * f[j];
    au += Math.abs(u[j]);
  }
  if (!(au > AT_OWN_OUTPUT_TOLERANCE * (k + 1) * ay)) return { direction: new Float64Array(k), gradNorm: 0, degenerate: true };
  return directionFromU(logitGram, f, u, 1);
}

/**
 * ∇_y ‖∇_θ c(y)‖₂ at y = one-hot(`target`), from one input's logit Gram and logits, computed in
 * the scale-free form of derivation step 6: well-defined even when softmax(logits) is an exact
 * one-hot in float32 or float64. Degenerate only if the logit gradients themselves vanish.
 */
export function directionAtOneHot(logitGram: ArrayLike<number>, logits: ArrayLike<number>, target: number): NormGradientResult {
  const k = checkGramArgs(logitGram, logits);
  if (!Number.isInteger(target) || target < 0 || target >= k) throw new RangeError(`target must be a class in [0, ${k}), got ${target}`);
  const f = softmax64(logits);
  // ũ = e_t − softmax over the other classes; u = e_t − F = S·ũ with S = Σ_{j≠t} F_j.
  const others = Array.from(logits).map((v, j) => (j === target ? -Infinity : v));
  const rest = softmax64(others);
  const u = new Float64Array(k);
  for (let j = 0; j < k; j++) u[j] = j === target ? 1 : -rest[j];
  let s = 0; // S, for the reported ‖Gᵀe_t‖ = S·‖J_zᵀũ‖ only (it may underflow to 0)
  for (let j = 0; j < k; j++) if (j !== target) s += f[j];
  return directionFromU(logitGram, f, u, s);
}

/**
 * For each of the `batchSize` inputs, M_b = U L_b Uᵀ: the Gram matrix of the class log-probability
 * gradients ∇_θ log softmax(z_b)_k, from the logit Gram L_b (`gram`, B·K·K row-major) and the
 * logits (B·K), with the rows e_k − F of U formed without cancellation. B·K·K floats, row-major.
 */
export function classLogProbGram(gram: Float32Array, logits: Float32Array, batchSize: number, k: number): Float32Array {
  const out = new Float32Array(batchSize * k * k);
  for (let b = 0; b < batchSize; b++) {
    const f = softmax64(logits.subarray(b * k, (b + 1) * k));
    const l = gram.subarray(b * k * k, (b + 1) * k * k);
    const u = Array.from({ length: k }, (_, i) => unitMinusProbs(f, i));
    const lu = u.map((ui) => matVec(l, ui, k));
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) out[(b * k + i) * k + j] = dot(u[i], lu[j]);
    }
  }
  return out;
}
