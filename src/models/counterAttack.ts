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
 * (tfjs second derivatives are unreliable for conv/pool models, shared/BROWSER.md §5):
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
 * Two ways to get L (both return identical numbers up to float32 rounding):
 *  - REFERENCE: for each input, K `tf.variableGrads` passes (one per logit) on the batch-1
 *    input, flattened and concatenated into J_z (K×P), L = J_z J_zᵀ on the device. Works for
 *    any model `model.apply` can run; costs B·K forward+backward passes of batch 1.
 *  - FAST PATH (Sequential models whose trainable layers are Dense/Conv2D with elementwise
 *    activations; any layer without trainable weights may sit in between): per-example
 *    gradient inner products by layer decomposition. One forward pass on the B inputs, then one
 *    backward pass, written out layer by layer, for all B·K (input, class) pairs at once gives
 *    the per-example δ_{b,k} = ∂z_k(x_b)/∂s at every trainable layer's pre-activation s. A Dense
 *    layer's weight gradient is a ⊗ δ plus δ for the bias, so its share of L_kj is
 *    (‖a‖² + 1)·(δ_k·δ_j); a Conv2D layer's is the Gram matrix of the per-example filter
 *    gradients im2col(a)ᵀ·δ_k (a ones column in im2col for the bias), formed with batched
 *    matMuls either directly or through the patch Gram im2col(a)·im2col(a)ᵀ, whichever is
 *    cheaper. No P-long per-class gradient is ever formed for Dense layers, and the costly
 *    filter-gradient kernel (Conv2DBackpropFilter, ~0.5 s per call on tfjs-cpu for a 32→64
 *    3×3 conv) is never called.
 *
 * Tensors: the functions here read `x` and the model's variables and never dispose or keep
 * them; every tensor they create is disposed before they return or throw.
 */
import * as tf from '@tensorflow/tfjs';
import { epsilonPerturb, type NormGradientResult } from '../math/counterAttack';
import { argmax } from '../math/metrics';
import { assertNonNegative } from '../math/probability';
import { centering, winnerTakesAll } from '../math/renormalize';

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
/** Most (input, class) rows the fast path pushes through the network in one batched pass. */
const FAST_MAX_ROWS = 256;

/** Activations whose vjp is g ⊙ act'(s) (the fast path's backward relies on it). */
const ELEMENTWISE_ACTIVATIONS = new Set([
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'softplus', 'softsign', 'tanh', 'gelu', 'gelu_new', 'mish', 'swish',
]);

type LayerVariable = tf.LayersModel['trainableWeights'][number];
type Layer = tf.LayersModel['layers'][number];

// ---------------------------------------------------------------------------------------------
// Validation (all of it runs before any tensor is created)
// ---------------------------------------------------------------------------------------------

function activationName(layer: Layer): string | null {
  const cfg = layer.getConfig() as { activation?: unknown };
  return typeof cfg.activation === 'string' ? cfg.activation : null;
}

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
// Fast path: plan
// ---------------------------------------------------------------------------------------------

interface ApplyStep {
  kind: 'apply';
  layer: Layer;
}
interface ParamStep {
  kind: 'dense' | 'conv2d';
  kernel: LayerVariable;
  bias: LayerVariable | null;
  activation: Layer;
  strides: [number, number];
  padding: 'valid' | 'same';
}
type Step = ApplyStep | ParamStep;

/** A Conv2D config field that is a number or a pair, as a pair; null when it is neither. */
function pair(v: unknown): [number, number] | null {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0] as number, v[1] as number];
  return null;
}

/** The fast-path plan, or the reason why the model is not supported. */
function planFastPath(model: tf.LayersModel): { steps: Step[] } | { reason: string } {
  if (!(model instanceof tf.Sequential)) return { reason: 'not a tf.Sequential model' };
  const steps: Step[] = [];
  let covered = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    const trainable = layer.trainableWeights;
    if (trainable.length === 0) {
      // No θ here: the layer's own (inference-mode) forward pass is exactly what model.apply runs,
      // and first-order gradients flow through any tfjs op.
      steps.push({ kind: 'apply', layer });
      continue;
    }
    if (cls !== 'Dense' && cls !== 'Conv2D') {
      return { reason: `layer "${layer.name}" (${cls}) has trainable weights; only Dense and Conv2D are supported` };
    }
    if (trainable.length !== layer.weights.length) {
      return { reason: `layer "${layer.name}" has some frozen and some trainable weights` };
    }
    const kernel = trainable.find((w) => w.shape.length === (cls === 'Dense' ? 2 : 4));
    const bias = trainable.find((w) => w.shape.length === 1) ?? null;
    if (kernel === undefined || trainable.length !== (bias === null ? 1 : 2)) {
      return { reason: `layer "${layer.name}" has unexpected weights` };
    }
    const act = activationName(layer);
    if (act === null || !ELEMENTWISE_ACTIVATIONS.has(act)) {
      return { reason: `layer "${layer.name}" has activation ${String(act)}; the fast path needs an elementwise one` };
    }
    let inputRank: number;
    try {
      inputRank = (layer.input as tf.SymbolicTensor).shape.length;
    } catch {
      return { reason: `layer "${layer.name}" is not connected (build the model with an inputShape)` };
    }
    const cfg = layer.getConfig() as Record<string, unknown>;
    let strides: [number, number] = [1, 1];
    let padding: 'valid' | 'same' = 'valid';
    if (cls === 'Dense') {
      if (inputRank !== 2) return { reason: `Dense layer "${layer.name}" gets a rank-${inputRank} input (flatten first)` };
    } else {
      if (cfg.dataFormat !== 'channelsLast') return { reason: `Conv2D layer "${layer.name}" is not channelsLast` };
      const dil = pair(cfg.dilationRate ?? 1);
      if (dil === null || dil[0] !== 1 || dil[1] !== 1) return { reason: `Conv2D layer "${layer.name}" is dilated` };
      if (cfg.padding !== 'valid' && cfg.padding !== 'same') {
        return { reason: `Conv2D layer "${layer.name}" has padding ${String(cfg.padding)}` };
      }
      padding = cfg.padding;
      const st = pair(cfg.strides ?? 1);
      if (st === null) return { reason: `Conv2D layer "${layer.name}" has strides ${JSON.stringify(cfg.strides)}` };
      strides = st;
    }
    const activation = tf.layers.activation({ activation: act as 'linear' });
    steps.push({ kind: cls === 'Dense' ? 'dense' : 'conv2d', kernel, bias, activation, strides, padding });
    covered += trainable.length;
  }
  if (covered !== model.trainableWeights.length) {
    return { reason: 'the layers do not account for all of model.trainableWeights' };
  }
  return { steps };
}

/**
 * Null when `logitGradientGram` can take the fast path for `model`, else a sentence saying why
 * not (for logs and the UI). Creates no tensors.
 */
export function fastGramUnsupportedReason(model: tf.LayersModel): string | null {
  const plan = planFastPath(model);
  return 'reason' in plan ? plan.reason : null;
}

// ---------------------------------------------------------------------------------------------
// Fast path: compute
// ---------------------------------------------------------------------------------------------

function preActivation(step: ParamStep, a: tf.Tensor): tf.Tensor {
  const w = step.kernel.read();
  const s =
    step.kind === 'dense'
      ? tf.matMul(a as tf.Tensor2D, w as tf.Tensor2D)
      : tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, step.strides, step.padding);
  return step.bias === null ? s : tf.add(s, step.bias.read());
}

function applyLayer(layer: Layer, a: tf.Tensor): tf.Tensor {
  return layer.apply(a, { training: false }) as tf.Tensor;
}

/** [R, …] → [R·K, …]: each row repeated K times in a row (row b·K + k is input b, class k). */
function repeatRows(t: tf.Tensor, k: number): tf.Tensor {
  const reps = t.shape.map(() => 1);
  return tf.reshape(tf.tile(tf.expandDims(t, 1), [1, k, ...reps.slice(1)]), [t.shape[0] * k, ...t.shape.slice(1)]);
}

/**
 * im2col of `a` [R, H, W, C] for a kh×kw kernel: [R, oh·ow, kh·kw·C], with the same padding
 * (TF 'same': total max((o−1)·s + k − n, 0), the smaller half first) and strides as tf.conv2d.
 */
function im2col(a: tf.Tensor4D, step: ParamStep, oh: number, ow: number): tf.Tensor3D {
  const [kh, kw] = step.kernel.shape as number[];
  const [sh, sw] = step.strides;
  const [r, h, w, c] = a.shape;
  let padded = a;
  if (step.padding === 'same') {
    const ph = Math.max((oh - 1) * sh + kh - h, 0);
    const pw = Math.max((ow - 1) * sw + kw - w, 0);
    const top = Math.floor(ph / 2);
    const left = Math.floor(pw / 2);
    padded = tf.pad(a, [
      [0, 0],
      [top, ph - top],
      [left, pw - left],
      [0, 0],
    ]);
  }
  const slices: tf.Tensor4D[] = [];
  for (let di = 0; di < kh; di++) {
    for (let dj = 0; dj < kw; dj++) {
      slices.push(
        sh === 1 && sw === 1
          ? tf.slice(padded, [0, di, dj, 0], [r, oh, ow, c]) // contiguous: much faster than stridedSlice on cpu
          : (tf.stridedSlice(padded, [0, di, dj, 0], [r, di + (oh - 1) * sh + 1, dj + (ow - 1) * sw + 1, c], [1, sh, sw, 1]) as tf.Tensor4D),
      );
    }
  }
  // [R, oh, ow, kh·kw, C]: the (di, dj, c) order of the kernel's own layout.
  return tf.reshape(tf.stack(slices, 3), [r, oh * ow, kh * kw * c]);
}

/**
 * One Conv2D layer's share of L, [R, K, K], from its input `a` [R, H, W, C] and per-example
 * δ [R·K, oh, ow, cout]. With P_b = im2col(a_b) (plus a ones column for the bias) and
 * Δ_{b,k} = δ_{b,k} as [npos, cout], the weight gradient is P_bᵀΔ_{b,k} and
 *     L_kj = ⟨P_bᵀΔ_k, P_bᵀΔ_j⟩ = ⟨Δ_k, (P_b P_bᵀ) Δ_j⟩.
 * The left form materialises the K filter gradients (≈ npos·rows·K·cout multiply-adds), the
 * right one the patch Gram P Pᵀ (≈ npos²·(rows + K·cout)); we take the cheaper: the first for
 * early layers (many positions, few input channels), the second for later ones.
 * Batched matMuls repeat P over K explicitly, because the cpu backend's broadcasting over
 * batch dimensions of unequal size is not reliable.
 */
function convGram(step: ParamStep, a: tf.Tensor4D, delta: tf.Tensor, k: number): tf.Tensor3D {
  const [rk, oh, ow, cout] = delta.shape;
  const r = rk / k;
  const npos = oh * ow;
  let patches: tf.Tensor3D = im2col(a, step, oh, ow);
  if (step.bias !== null) patches = tf.concat([patches, tf.ones([r, npos, 1])], 2);
  const rows = patches.shape[2];
  const d = tf.reshape(delta, [rk, npos, cout]) as tf.Tensor3D;
  const materialiseCost = npos * rows * k * cout + k * k * rows * cout;
  const patchGramCost = npos * npos * (rows + k * cout) + k * k * npos * cout;
  if (materialiseCost <= patchGramCost) {
    const fg = tf.matMul(repeatRows(patches, k) as tf.Tensor3D, d, true, false); // [R·K, rows, cout]
    const flat = tf.reshape(fg, [r, k, rows * cout]) as tf.Tensor3D;
    return tf.matMul(flat, flat, false, true);
  }
  const pp = tf.matMul(patches, patches, false, true); // [R, npos, npos]
  const y = tf.matMul(repeatRows(pp, k) as tf.Tensor3D, d); // [R·K, npos, cout]
  return tf.matMul(tf.reshape(d, [r, k, npos * cout]) as tf.Tensor3D, tf.reshape(y, [r, k, npos * cout]) as tf.Tensor3D, false, true);
}

/** L for a chunk of R inputs, as a [R, K, K] tensor (caller disposes). Runs inside a tidy. */
function fastGramChunk(steps: Step[], xc: tf.Tensor4D, k: number): tf.Tensor3D {
  return tf.tidy(() => {
    const r = xc.shape[0];
    // 1. Forward pass on the R inputs, keeping each step's input and each pre-activation s.
    const inputs: tf.Tensor[] = [];
    const pre: (tf.Tensor | null)[] = [];
    let a: tf.Tensor = xc;
    for (const step of steps) {
      inputs.push(a);
      if (step.kind === 'apply') {
        pre.push(null);
        a = applyLayer(step.layer, a);
      } else {
        const s = preActivation(step, a);
        pre.push(s);
        a = step.activation.apply(s) as tf.Tensor;
      }
    }
    // 2. Backward pass for all R·K (input b, class k) pairs at once, row b·K + k, starting from
    //    the cotangent e_k at the logits. It is written out layer by layer (instead of
    //    differentiating a forward pass over R·K tiled rows) so that the expensive forward
    //    convolutions run on R rows only; rows never interact (inference mode).
    const first = steps.findIndex((st) => st.kind !== 'apply');
    const deltas = new Map<number, tf.Tensor>();
    let g: tf.Tensor = tf.tile(tf.eye(k), [r, 1]); // ∂z_k/∂(output of the last step)
    for (let i = steps.length - 1; i >= first; i--) {
      const step = steps[i];
      if (step.kind === 'apply') {
        // vjp through a parameter-free layer (pooling, flatten, dropout, frozen layers, …).
        g = tf.grads((inp: tf.Tensor) => applyLayer(step.layer, inp))([repeatRows(inputs[i], k)], g)[0];
        continue;
      }
      const s = pre[i] as tf.Tensor;
      // Elementwise activation (checked by the plan): its vjp is g ⊙ act'(s), and act'(s) is
      // the gradient of Σ act(s) — the same gradient kernels autodiff would use.
      if (activationName(step.activation) !== 'linear') {
        const da = tf.grad((v: tf.Tensor) => tf.sum(step.activation.apply(v) as tf.Tensor))(s);
        g = tf.reshape(tf.mul(tf.reshape(g, [r, k, ...s.shape.slice(1)]), tf.expandDims(da, 1)), g.shape);
      }
      deltas.set(i, g);
      if (i === first) break;
      const w = step.kernel.read();
      g =
        step.kind === 'dense'
          ? tf.matMul(g as tf.Tensor2D, w as tf.Tensor2D, false, true)
          : tf.conv2dTranspose(g as tf.Tensor4D, w as tf.Tensor4D, [r * k, ...(inputs[i].shape.slice(1) as [number, number, number])], step.strides, step.padding);
    }
    // 3. Per-layer per-example Gram contributions.
    let gram: tf.Tensor3D = tf.zeros([r, k, k]);
    for (const [i, delta] of deltas) {
      const step = steps[i] as ParamStep;
      if (step.kind === 'dense') {
        // Weight gradient a ⊗ δ, bias gradient δ: ⟨·,·⟩ = (‖a‖² + 1)·(δ_k·δ_j).
        const d = tf.reshape(delta, [r, k, -1]) as tf.Tensor3D;
        let sq = tf.sum(tf.square(inputs[i]), 1);
        if (step.bias !== null) sq = tf.add(sq, 1);
        gram = tf.add(gram, tf.mul(tf.matMul(d, d, false, true), tf.reshape(sq, [r, 1, 1])));
      } else {
        gram = tf.add(gram, convGram(step, inputs[i] as tf.Tensor4D, delta, k));
      }
    }
    return gram;
  });
}

/**
 * When f throws inside a tfjs gradient call, the engine skips the clean-up it does on success
 * and keeps the failed tape, whose nodes hold kept clones of the tensors saved for backprop
 * (shared/BROWSER.md §5: "a failing tf.grad call leaks its forward tensors"). No tidy reaches
 * them, so free them here the way Engine.gradients does after a successful backward pass.
 * Only when no outer gradient computation is running (its tape must stay intact).
 */
function releaseFailedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  (state as { activeTape: unknown }).activeTape = null;
}

async function fastGram(steps: Step[], x: tf.Tensor4D, k: number): Promise<Float32Array> {
  const b = x.shape[0];
  const out = new Float32Array(b * k * k);
  const chunk = Math.max(1, Math.floor(FAST_MAX_ROWS / k));
  for (let start = 0; start < b; start += chunk) {
    const r = Math.min(chunk, b - start);
    let g: tf.Tensor;
    try {
      g = tf.tidy(() => fastGramChunk(steps, tf.slice(x, [start, 0, 0, 0], [r, -1, -1, -1]), k));
    } catch (e) {
      releaseFailedTape();
      throw e;
    }
    try {
      out.set(await g.data(), start * k * k);
    } finally {
      g.dispose();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reference path
// ---------------------------------------------------------------------------------------------

function modelVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => {
    // LayerVariable.read() returns its backing tf.Variable (typed as Tensor), which is what
    // tf.variableGrads needs; the `val` field holding it is protected.
    const v = w.read();
    if (!(v instanceof tf.Variable)) throw new Error(`weight ${w.name} is not backed by a tf.Variable`);
    return v;
  });
}

async function referenceGram(model: tf.LayersModel, x: tf.Tensor4D, k: number): Promise<Float32Array> {
  const b = x.shape[0];
  const vars = modelVariables(model);
  const grams: tf.Tensor[] = [];
  try {
    for (let i = 0; i < b; i++) {
      grams.push(
        tf.tidy(() => {
          const xb = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]);
          const rows: tf.Tensor1D[] = [];
          for (let c = 0; c < k; c++) {
            rows.push(
              tf.tidy(() => {
                const { grads } = tf.variableGrads(() => {
                  const z = model.apply(xb, { training: false }) as tf.Tensor2D;
                  return tf.sum(tf.slice(z, [0, c], [1, 1])) as tf.Scalar;
                }, vars);
                // A weight z_c does not depend on has no entry: its gradient is 0.
                return tf.concat(vars.map((v) => (grads[v.name] == null ? tf.zeros([v.size]) : tf.reshape(grads[v.name], [-1]))));
              }),
            );
          }
          const jac = tf.stack(rows) as tf.Tensor2D; // [K, P]
          return tf.matMul(jac, jac, false, true);
        }),
      );
    }
    const all = tf.stack(grams);
    try {
      return (await all.data()) as Float32Array;
    } finally {
      all.dispose();
    }
  } catch (e) {
    releaseFailedTape();
    throw e;
  } finally {
    for (const g of grams) g.dispose();
  }
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
  const z = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor2D);
  let logits: Float32Array;
  try {
    logits = (await z.data()) as Float32Array;
  } finally {
    z.dispose();
  }
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

// ---------------------------------------------------------------------------------------------
// Pure float64 helpers (exported ones are pure: no tensors)
// ---------------------------------------------------------------------------------------------

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
  const { gram, logits, batchSize: b, numClasses: k, method } = await logitGradientGram(model, x, { method: opts.gramMethod ?? 'auto' });
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
