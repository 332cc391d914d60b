/**
 * The ε counter-attack on a tfjs model (counter-attack paper, Sec. 2.2, eq. (2)):
 *
 *     y* = y + ε · sign( ∇_y ‖∇_θ c(F_θ, x, y)‖₂ ),   c(θ; y) = −Σ_j y_j log F_θ(x)_j,
 *
 * with F_θ = softmax(model(x)): the model passed in outputs LOGITS z (as every model of
 * registry.ts does). The defender answers y* instead of its honest y = F_θ(x), so that a thief
 * fitting (x, y*) with cross-entropy gets the largest possible parameter gradient.
 *
 * Derivation — why K first-order gradients suffice and no gradient-of-gradient is needed
 * (tfjs second derivatives are unreliable for conv/pool models, docs/tfjs-facts.md):
 *
 *  1. LINEAR IN y. The label enters c only as coefficients, so with g_j := ∇_θ log F_θ(x)_j and
 *     G := [g_1; …; g_K] (K×P), ∇_θ c = −Σ_j y_j g_j = −Gᵀy.
 *  2. THE DIRECTION. ‖∇_θ c‖ = ‖Gᵀy‖ = √(yᵀ G Gᵀ y), so for Gᵀy ≠ 0
 *         ∇_y ‖∇_θ c‖ = G Gᵀ y / ‖Gᵀy‖ = M y / √(yᵀ M y),   M := G Gᵀ (K×K Gram matrix).
 *     Only the K×K Gram matrix is needed, never the P-vectors themselves outside the device.
 *  3. LOGIT FORM. log F_j = z_j − logsumexp(z), so g_j = J_zᵀ (e_j − F) with J_z = ∂z/∂θ (K×P).
 *     Hence M = U L Uᵀ with L := J_z J_zᵀ (the Gram matrix of the K LOGIT gradients) and
 *     U := I − 1Fᵀ, and Gᵀy = J_zᵀ u with u := y − (Σ_j y_j) F = −∂c/∂z. We compute L on the
 *     device (K backward passes) and everything else in float64 on the CPU from L and the
 *     logits. This matters numerically: forming M y from a float32 M cancels catastrophically
 *     when y ≈ F (|u| ≪ |y|), whereas u is computed here before it meets L.
 *  4. WHERE IT VANISHES. At y = F_θ(x), u = F − F = 0, so ∇_θ c = 0 EXACTLY for every
 *     architecture (the model sits at the optimum of its own labels): ‖∇_θ c‖ is at its minimum,
 *     a cone tip, and the sign in eq. (2) is undefined. Taken literally, eq. (2) at the
 *     defender's own y has no direction.
 *  5. WHY ONE-HOT BY DEFAULT. The paper generated y* with CleverHans, whose FGSM takes the loss
 *     gradient at the one-hot label of the predicted class when no label is given. So by
 *     default ('onehot') the direction is evaluated at y_dir = e_t, t = argmax F_θ(x), where
 *     u = e_t − F ≠ 0, and the step is still added to the honest answer y = F_θ(x). Option
 *     'at-y' evaluates at y_dir = F_θ(x) itself; it is degenerate by (4): the direction is set
 *     to zero, y* = y, and the input is counted in `degenerate`.
 *  6. SATURATION. For the one-hot target, u = S·ũ with S = 1 − F_t = Σ_{j≠t} F_j and
 *     ũ_t = 1, ũ_j = −softmax_{j≠t}(z)_j. The direction M e_t/‖Gᵀe_t‖ = U L ũ / √(ũᵀ L ũ) is
 *     invariant to that scale, so we use ũ, computed from the logits: it stays well-defined when
 *     F rounds to an exact one-hot in float32 (huge logits), where S and every gradient of the
 *     float32 loss underflow to 0. (CleverHans in float32 would return a zero gradient there
 *     and leave y unchanged; this module returns the exact-arithmetic direction instead.)
 *
 * Two ways to get L, with identical numbers up to float32 rounding: the reference path
 * (gramReference.ts) for any model `model.apply` can run, and the fast path (gramFast.ts) for
 * Sequential models of Dense and Conv2D layers, by layer decomposition; 'auto' takes the fast
 * path where it applies. The float64 algebra after L is math/logitGram.ts.
 *
 * Tensors: the functions here read `x` and the model's variables and never dispose or keep
 * them; every tensor they create is disposed before they return or throw.
 */
import * as tf from '@tensorflow/tfjs';
import { epsilonPerturb } from '../math/counterAttack';
import { classLogProbGram, directionAtLabel, directionAtOneHot, softmax64 } from '../math/logitGram';
import { argmax } from '../math/metrics';
import { assertNonNegative } from '../math/probability';
import { centering, winnerTakesAll } from '../math/renormalize';
import { activationName, fastGram, planFastPath, timedAsync, type Step } from './gramFast';
import { referenceGram } from './gramReference';

/** How to compute the logit-gradient Gram matrix: 'auto' = fast path when supported. */
export type GramMethod = 'auto' | 'reference' | 'fast';

/** Options of `logitGradientGram` / `classLogProbGradientGram`. */
export interface GramOptions {
  /** Default 'auto'. 'fast' throws if `fastGramUnsupportedReason(model)` is not null. */
  method?: GramMethod;
}

/** Result of `logitGradientGram`: plain arrays, nothing to dispose. */
export interface LogitGram {
  /** B·K·K floats, row-major: L_b = J_b J_bᵀ with (J_b)_k = ∇_θ model(x_b)_k (logit k). */
  gram: Float32Array;
  /** B·K logits model(x), as `model.apply(x)` returns them. */
  logits: Float32Array;
  batchSize: number;
  numClasses: number;
  /** Which implementation produced `gram`. */
  method: 'fast' | 'reference';
}

/** Where the direction of eq. (2) is evaluated; the step is added to y = F_θ(x) either way. */
export type DirectionTarget = 'onehot' | 'at-y';

/** What `epsilonCounterAttack` does with y* = y + ε·sign(direction). */
export type EpsilonRenorm = 'none' | 'centering' | 'winner-takes-all';

/** Options of `epsilonCounterAttack`. */
export interface EpsilonOptions {
  /** Step in probability units, finite and ≥ 0 (the paper: 0.003 already works). */
  epsilon: number;
  /**
   * 'onehot' (what the paper ran, via CleverHans; recommended): y_dir = one-hot(argmax F).
   * 'at-y': y_dir = F itself, eq. (2) read literally — always degenerate, so y* = y (see step 4).
   */
  direction: DirectionTarget;
  /**
   * 'none': y* as eq. (2) gives it — entries may be negative or above 1 and need not sum to 1
   * (the paper's main-text output). 'centering' / 'winner-takes-all': Appendix A (math/renormalize).
   */
  renorm: EpsilonRenorm;
  /** Gram implementation, default 'auto'. */
  gramMethod?: GramMethod;
  /**
   * Where L and the logits come from, instead of `logitGradientGram(model, x)` — e.g. a cache
   * (engine/gramCache.ts): they depend on neither ε nor the output mode nor the direction.
   */
  gramSource?: (model: tf.LayersModel, x: tf.Tensor4D) => Promise<LogitGram>;
}

/** Result of `epsilonCounterAttack`: plain arrays, nothing to dispose. */
export interface EpsilonAnswers {
  /**
   * B·K honest answers F_θ(x) = softmax(logits), computed in float64 and rounded to float32 (may
   * differ from tf.softmax in the last bit; identical on every backend given the same logits).
   */
  original: Float32Array;
  /**
   * B·K defended answers y* after `renorm`, always finite. With 'none' they are y ± ε per entry:
   * possibly negative or above 1, rows not summing to 1.
   */
  defended: Float32Array;
  /** Inputs whose direction was (numerically) zero: y* = y for them before renormalization. */
  degenerate: number;
  /** Per-input centering rounds (0 = already within tolerance) for renorm 'centering', else null. */
  centeringRounds: Int32Array | null;
  /** Inputs where centering hit its round limit without |Σy* − 1| < 1e-3 (0 unless 'centering'). */
  centeringUnconverged: number;
  numClasses: number;
  /** Which Gram implementation ran. */
  gramMethod: 'fast' | 'reference';
}

// ---------------------------------------------------------------------------------------------
// Validation (all of it runs before any tensor is created)
// ---------------------------------------------------------------------------------------------

/** Number of classes K of a single-output logits model; throws when it is not one. */
function checkModel(model: tf.LayersModel): number {
  if (model.outputs.length !== 1) {
    throw new Error(`expected a model with one output, got ${model.outputs.length}`);
  }
  const outShape = model.outputs[0].shape;
  const k = outShape[outShape.length - 1];
  if (outShape.length !== 2 || typeof k !== 'number' || k < 2) {
    throw new Error(`expected model output shape [batch, K ≥ 2] (logits), got [${outShape.join(', ')}]`);
  }
  const last = model.layers[model.layers.length - 1];
  if (last.getClassName() === 'Softmax' || activationName(last) === 'softmax') {
    // A softmax here would be applied twice: F_θ = softmax(model(x)) needs logits.
    throw new Error(`model must output logits, but its last layer "${last.name}" applies softmax`);
  }
  if (model.trainableWeights.length === 0) throw new Error('model has no trainable weights (θ is empty)');
  return k;
}

function checkInput(model: tf.LayersModel, x: tf.Tensor): void {
  if (x.isDisposed) throw new Error('x is disposed');
  if (model.inputs.length !== 1) throw new Error(`expected a model with one input, got ${model.inputs.length}`);
  if (x.dtype !== 'float32') throw new RangeError(`x must be float32, got ${x.dtype}`);
  if (x.rank !== 4) throw new RangeError(`x must be rank 4 [batch, h, w, c], got shape [${x.shape.join(', ')}]`);
  const inShape = model.inputs[0].shape;
  for (let i = 1; i < 4; i++) {
    const want = inShape[i];
    if (typeof want === 'number' && want !== x.shape[i]) {
      throw new RangeError(`x has shape [${x.shape.join(', ')}], model expects [${inShape.join(', ')}]`);
    }
  }
}

function checkGramOptions(opts: GramOptions): GramMethod {
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'reference' && method !== 'fast') {
    throw new RangeError(`method must be 'auto', 'reference' or 'fast', got ${String(method)}`);
  }
  return method;
}

// ---------------------------------------------------------------------------------------------
// Public: Gram matrices
// ---------------------------------------------------------------------------------------------

/**
 * Gram matrices L_b = J_b J_bᵀ of the LOGIT gradients (J_b)_k = ∇_θ model(x_b)_k over θ =
 * `model.trainableWeights`, for each of the B inputs of `x` [B, h, w, c], plus the logits.
 * `model` must output logits [B, K]. `x` and the model stay owned by the caller; no tensor
 * outlives the call (also when it throws). Cost: reference B·K batch-1 backward passes; fast
 * path ≈ one forward+backward pass of B·K rows plus one im2col matMul per Conv2D layer.
 */
export async function logitGradientGram(model: tf.LayersModel, x: tf.Tensor4D, opts: GramOptions = {}): Promise<LogitGram> {
  const method = checkGramOptions(opts);
  const k = checkModel(model);
  checkInput(model, x);
  let steps: Step[] | null = null;
  if (method !== 'reference') {
    const plan = planFastPath(model);
    if ('reason' in plan) {
      if (method === 'fast') throw new Error(`fast Gram path unsupported: ${plan.reason}`);
    } else {
      steps = plan.steps;
    }
  }
  const b = x.shape[0];
  if (b === 0) {
    return { gram: new Float32Array(0), logits: new Float32Array(0), batchSize: 0, numClasses: k, method: steps !== null ? 'fast' : 'reference' };
  }
  const logits = await timedAsync('logits', async () => {
    const z = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor2D);
    try {
      return (await z.data()) as Float32Array;
    } finally {
      z.dispose();
    }
  });
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i])) throw new RangeError(`model produced a non-finite logit ${logits[i]} (row ${Math.floor(i / k)})`);
  }
  const gram = steps !== null ? await fastGram(steps, x, k) : await referenceGram(model, x, k);
  for (let i = 0; i < gram.length; i++) {
    if (!Number.isFinite(gram[i])) throw new RangeError(`gradient Gram matrix overflowed (entry ${i} is ${gram[i]})`);
  }
  return { gram, logits, batchSize: b, numClasses: k, method: steps !== null ? 'fast' : 'reference' };
}

/**
 * For each of the B inputs, M_b = G_b G_bᵀ with (G_b)_k = ∇_θ log softmax(model(x_b))_k over
 * θ = all trainable weights: B·K·K floats, row-major. Computed as M = U L Uᵀ from the logit
 * Gram L (see the derivation above), with the rows e_k − F of U formed without cancellation.
 * Ownership as `logitGradientGram`.
 */
export async function classLogProbGradientGram(model: tf.LayersModel, x: tf.Tensor4D, opts: GramOptions = {}): Promise<Float32Array> {
  const { gram, logits, batchSize, numClasses: k } = await logitGradientGram(model, x, opts);
  return classLogProbGram(gram, logits, batchSize, k);
}

// ---------------------------------------------------------------------------------------------
// Public: the defense
// ---------------------------------------------------------------------------------------------

/**
 * The ε counter-attack, eq. (2), for the B inputs of `x` [B, h, w, c] on `model` (which must
 * output logits [B, K]): original y = softmax(model(x)), direction at `opts.direction`'s target
 * (see the derivation above), y* = y + ε·sign(direction), then `opts.renorm`.
 * Validates the options before creating any tensor (RangeError for a bad ε or option).
 * `x` and the model stay owned by the caller; the result holds plain arrays only and no tensor
 * outlives the call, also when it throws. Never returns NaN or ±∞.
 */
export async function epsilonCounterAttack(model: tf.LayersModel, x: tf.Tensor4D, opts: EpsilonOptions): Promise<EpsilonAnswers> {
  assertNonNegative('epsilon', opts.epsilon);
  if (opts.direction !== 'onehot' && opts.direction !== 'at-y') {
    throw new RangeError(`direction must be 'onehot' or 'at-y', got ${String(opts.direction)}`);
  }
  if (opts.renorm !== 'none' && opts.renorm !== 'centering' && opts.renorm !== 'winner-takes-all') {
    throw new RangeError(`renorm must be 'none', 'centering' or 'winner-takes-all', got ${String(opts.renorm)}`);
  }
  const { gram, logits, batchSize: b, numClasses: k, method } = opts.gramSource
    ? await opts.gramSource(model, x)
    : await logitGradientGram(model, x, { method: opts.gramMethod ?? 'auto' });
  const original = new Float32Array(b * k);
  const defended = new Float32Array(b * k);
  const centeringRounds = opts.renorm === 'centering' ? new Int32Array(b) : null;
  let degenerate = 0;
  let centeringUnconverged = 0;
  for (let i = 0; i < b; i++) {
    const z = logits.subarray(i * k, (i + 1) * k);
    const l = gram.subarray(i * k * k, (i + 1) * k * k);
    const y = Float32Array.from(softmax64(z));
    original.set(y, i * k);
    const dir = opts.direction === 'onehot' ? directionAtOneHot(l, z, argmax(y)) : directionAtLabel(l, z, y);
    if (dir.degenerate) degenerate++;
    const yStar = epsilonPerturb(y, dir.direction, opts.epsilon);
    let out: Float32Array = yStar;
    if (centeringRounds !== null) {
      const c = centering(y, yStar);
      out = c.output;
      centeringRounds[i] = c.rounds;
      if (!c.converged) centeringUnconverged++;
    } else if (opts.renorm === 'winner-takes-all') {
      out = winnerTakesAll(yStar);
    }
    defended.set(out, i * k);
  }
  return { original, defended, degenerate, centeringRounds, centeringUnconverged, numClasses: k, gramMethod: method };
}
