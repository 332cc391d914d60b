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
 *    gradients im2col(a)ᵀ·δ_k (a ones column in im2col for the bias), formed per input either
 *    directly or through the patch Gram im2col(a)·im2col(a)ᵀ, whichever is cheaper. No P-long
 *    per-class gradient is ever formed for Dense layers, and the costly filter-gradient kernel
 *    (Conv2DBackpropFilter, ~0.5 s per call on tfjs-cpu for a 32→64 3×3 conv) is never called.
 *
 * Speed of the fast path on tfjs-backend-wasm 4.22 (the app's backend without a GPU): only
 * Conv2D, DepthwiseConv2dNative and 2-D matMuls without transpose flags run in XNNPACK; batched
 * or transposed matMuls, Conv2DBackpropInput, MaxPoolGrad, Tile and Gather are scalar loops (3–40
 * ns per element), and Slice/Unpack copy their whole input per call. Hence: the input vjp of a
 * stride-1 conv is a convolution with the flipped kernel; a tiling max pool's vjp is a routing
 * mask taken once per input; rows are repeated by a broadcasting multiply; im2col is a one-hot
 * depthwise convolution; the Gram products are per-input 2-D matMuls on rows split off through
 * host memory. Measured with scripts/bench-epsilon.ts on the MNIST defender: ~78 → ~8 ms per
 * query. (Beware: wasm's MaxPoolGrad drops the gradient of windows whose max is ≤ 0 and breaks
 * ties towards the last max; harmless after a relu, and both paths here share it.)
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

/** Stages of the fast path that `setFastGramStageTimer` reports. */
export type FastGramStage = 'logits' | 'forward' | 'backward' | 'convGram' | 'denseGram' | 'readback';

let stageTimer: ((stage: FastGramStage, ms: number) => void) | null = null;
let stageClock: () => number = () => performance.now();

/**
 * Benchmark hook (scripts/bench-epsilon.ts): while set, `logitGradientGram` reports the time of
 * each fast-path stage, read from `clock` (ms; default performance.now, e.g. process CPU time on a
 * busy machine). Only meaningful on backends that run each op when it is called (wasm, cpu); on
 * asynchronous ones (webgl, webgpu) the time lands in 'readback'. Null switches it off.
 */
export function setFastGramStageTimer(timer: ((stage: FastGramStage, ms: number) => void) | null, clock?: () => number): void {
  stageTimer = timer;
  stageClock = clock ?? (() => performance.now());
}

function timed<T>(stage: FastGramStage, f: () => T): T {
  if (stageTimer === null) return f();
  const t0 = stageClock();
  try {
    return f();
  } finally {
    stageTimer?.(stage, stageClock() - t0);
  }
}

async function timedAsync<T>(stage: FastGramStage, f: () => Promise<T>): Promise<T> {
  if (stageTimer === null) return f();
  const t0 = stageClock();
  try {
    return await f();
  } finally {
    stageTimer?.(stage, stageClock() - t0);
  }
}

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

/**
 * The vjp of a Conv2D layer's convolution with respect to its input `a`, for the cotangent `g`
 * [N, oh, ow, cout] (any N). For stride 1 this is a plain convolution of `g`, zero-padded by
 * kernel − 1 − (forward pad) on each side, with the kernel flipped spatially and its in/out
 * channels swapped: on wasm that runs in XNNPACK's Conv2D, ~8× faster than wasm's
 * Conv2DBackpropInput (a scalar loop). Strided convolutions use tf.conv2dTranspose.
 */
function convInputGrad(step: ParamStep, g: tf.Tensor4D, a: tf.Tensor4D): tf.Tensor4D {
  const w = step.kernel.read() as tf.Tensor4D;
  const [, h, wd, c] = a.shape;
  const [sh, sw] = step.strides;
  if (sh !== 1 || sw !== 1) return tf.conv2dTranspose(g, w, [g.shape[0], h, wd, c], step.strides, step.padding);
  const [kh, kw] = w.shape;
  const [, oh, ow] = g.shape;
  // Forward padding (TF 'same': total (o − 1) + k − n, the smaller half first; 'valid': none).
  const ph = step.padding === 'same' ? Math.max(oh - 1 + kh - h, 0) : 0;
  const pw = step.padding === 'same' ? Math.max(ow - 1 + kw - wd, 0) : 0;
  const top = Math.floor(ph / 2);
  const left = Math.floor(pw / 2);
  const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(g, flipped, 1, [
    [0, 0],
    [kh - 1 - top, kh - 1 - (ph - top)],
    [kw - 1 - left, kw - 1 - (pw - left)],
    [0, 0],
  ]);
}

/**
 * The pool size of a MaxPooling2D layer whose windows tile its input without overlapping
 * (channelsLast, padding 'valid', strides = pool size: the tfjs default), else null.
 */
function tilingMaxPool(layer: Layer): [number, number] | null {
  if (layer.getClassName() !== 'MaxPooling2D') return null;
  const cfg = layer.getConfig() as Record<string, unknown>;
  const size = pair(cfg.poolSize);
  const strides = pair(cfg.strides ?? cfg.poolSize);
  if (size === null || strides === null || size[0] !== strides[0] || size[1] !== strides[1]) return null;
  return cfg.padding === 'valid' && cfg.dataFormat === 'channelsLast' ? size : null;
}

/**
 * vjp of a tiling max pool (see tilingMaxPool) for the cotangent `g` [R·K, oh, ow, C] at the
 * R inputs `a` [R, H, W, C]: each window's cotangent goes to the position its max came from.
 * That routing depends on the input only, so it is taken once per input as the 0/1 `mask`
 * [R, H, W, C] = MaxPoolGrad(ones) (the gradient of Σ pool(a): the kernel autodiff uses, ties
 * broken its way); the vjp is `up` ⊙ mask (mask broadcast over K), with `up` [R·K, H, W, C] the
 * cotangents copied over their windows (0 outside every window). Identical to MaxPoolGrad on K
 * repeated inputs (each position is in at most one window, so nothing is summed), and much
 * faster on wasm. The caller applies the mask (fused with the activation derivative).
 */
function maxPoolVjp(layer: Layer, [ph, pw]: [number, number], a: tf.Tensor4D, g: tf.Tensor4D): { up: tf.Tensor4D; mask: tf.Tensor } {
  const [, h, w, c] = a.shape;
  const [rk, oh, ow] = g.shape;
  const mask = tf.grad((v: tf.Tensor) => tf.sum(applyLayer(layer, v)))(a);
  let up = tf.reshape(tf.mul(tf.reshape(g, [rk * oh, 1, ow, 1, c]), tf.ones([1, ph, 1, pw, 1])), [rk, oh * ph, ow * pw, c]) as tf.Tensor4D;
  if (oh * ph !== h || ow * pw !== w) {
    up = tf.pad(up, [
      [0, 0],
      [0, h - oh * ph],
      [0, w - ow * pw],
      [0, 0],
    ]);
  }
  return { up, mask };
}

/** [R, …] → [R·K, …]: each row repeated K times in a row (row b·K + k is input b, class k). */
function repeatRows(t: tf.Tensor, k: number): tf.Tensor {
  // A broadcasting multiply by ones (exact, −0 included) instead of tf.tile, whose wasm kernel
  // copies element by element with full index arithmetic (~15 ms per 5 M floats).
  const ones = tf.ones([1, k, ...t.shape.slice(1).map(() => 1)]);
  return tf.reshape(tf.mul(tf.expandDims(t, 1), ones), [t.shape[0] * k, ...t.shape.slice(1)]);
}

/**
 * im2col of `a` [R, H, W, C] for the layer's kh×kw kernel, strides and padding: [R, oh·ow, C·kh·kw],
 * row (c, di, dj) of position p holding a_pad[p·s + (di, dj), c]. One depthwise convolution with
 * one-hot filters (exact: one product by 1, the rest by 0), padding like the layer's own conv.
 * The column order differs from the kernel's (di, dj, c) layout, which no Gram form below sees
 * (P Pᵀ does not depend on it, and it only permutes the rows of a filter gradient PᵀΔ).
 */
function im2col(a: tf.Tensor4D, step: ParamStep): tf.Tensor3D {
  const [kh, kw] = step.kernel.shape as number[];
  const c = a.shape[3];
  const taps = kh * kw;
  const oneHot = new Float32Array(taps * c * taps); // [kh, kw, C, kh·kw]: tap t of channel c → output c·taps + t
  for (let t = 0; t < taps; t++) for (let ch = 0; ch < c; ch++) oneHot[(t * c + ch) * taps + t] = 1;
  const cols = tf.depthwiseConv2d(a, tf.tensor4d(oneHot, [kh, kw, c, taps]), step.strides, step.padding); // [R, oh, ow, C·kh·kw]
  return tf.reshape(cols, [a.shape[0], cols.shape[1] * cols.shape[2], c * taps]);
}

/** Backends whose tensors live in host memory, where `splitRows` takes one read and R uploads. */
const HOST_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * The R rows of `t` [R, …] as R tensors of shape `shape` (caller disposes). On wasm, tf.slice,
 * tf.unstack and tf.split copy all of `t` for every row, and tf.gather goes element by element
 * with index arithmetic; one read-back and R uploads are two plain copies.
 */
function splitRows(t: tf.Tensor, shape: number[]): tf.Tensor[] {
  const r = t.shape[0];
  if (!HOST_BACKENDS.has(tf.getBackend())) return tf.unstack(t).map((x) => tf.reshape(x, shape));
  const values = t.dataSync() as Float32Array;
  const n = values.length / r;
  return Array.from({ length: r }, (_, b) => tf.tensor(values.subarray(b * n, (b + 1) * n), shape, 'float32'));
}

/**
 * One Conv2D layer's share of L, [R, K, K], from its input `a` [R, H, W, C] and per-example
 * δ [R·K, oh, ow, cout]. With P_b = im2col(a_b) (plus a ones column for the bias) and
 * Δ_{b,k} = δ_{b,k} as [npos, cout], the weight gradient is P_bᵀΔ_{b,k} and
 *     L_kj = ⟨P_bᵀΔ_k, P_bᵀΔ_j⟩ = ⟨Δ_k, (P_b P_bᵀ) Δ_j⟩.
 * The left form materialises the K filter gradients (≈ npos·rows·K·cout multiply-adds), the
 * right one the patch Gram P Pᵀ (≈ npos²·(rows + K·cout)); we take the cheaper: the first for
 * early layers (many positions, few input channels), the second for later ones.
 * The big products are 2-D matMuls per input without transpose flags: the only matMul that wasm
 * runs in XNNPACK (batched or transposed operands take a scalar loop, ~10× slower). The
 * operands are laid out for that by batched transposes, then split into the R inputs.
 */
function convGram(step: ParamStep, a: tf.Tensor4D, delta: tf.Tensor, k: number): tf.Tensor3D {
  const [rk, oh, ow, cout] = delta.shape;
  const r = rk / k;
  const npos = oh * ow;
  let patches = im2col(a, step); // [R, npos, rows0]
  const rows0 = patches.shape[2];
  const rows = rows0 + (step.bias !== null ? 1 : 0);
  const d = tf.reshape(delta, [r, k, npos, cout]);
  const materialiseCost = npos * rows * k * cout + k * k * rows * cout;
  const patchGramCost = npos * npos * (rows + k * cout) + k * k * npos * cout;
  if (materialiseCost <= patchGramCost) {
    // The K filter gradients of input b, transposed: [Δ_1 … Δ_K]ᵀ P_b as [K·cout, rows].
    if (step.bias !== null) patches = tf.concat([patches, tf.ones([r, npos, 1])], 2);
    const p = splitRows(patches, [npos, rows]);
    const dT = splitRows(tf.transpose(d, [0, 1, 3, 2]), [k * cout, npos]); // [R, K, cout, npos]
    const fg = tf.stack(p.map((pb, b) => tf.matMul(dT[b] as tf.Tensor2D, pb as tf.Tensor2D)));
    const f = tf.reshape(fg, [r, k, cout * rows]) as tf.Tensor3D;
    return tf.matMul(f, f, false, true); // K²·rows·cout per input: small next to the above
  }
  const p = splitRows(patches, [npos, rows0]);
  const pT = splitRows(tf.transpose(patches, [0, 2, 1]), [rows0, npos]);
  const dT = tf.transpose(d, [0, 1, 3, 2]); // [R, K, cout, npos]
  const dTs = splitRows(dT, [k * cout, npos]);
  // [Δ_1 … Δ_K]ᵀ (P Pᵀ) per input, rows (k, c): S is the small operand XNNPACK packs.
  const ys = p.map((pb, b) => {
    let pp = tf.matMul(pb as tf.Tensor2D, pT[b] as tf.Tensor2D); // P Pᵀ
    if (step.bias !== null) pp = tf.add(pp, 1); // the ones column
    return tf.matMul(dTs[b] as tf.Tensor2D, pp);
  });
  // L_b = [Δ_1 … Δ_K] · Yᵀ as [K, cout·npos] × [cout·npos, K].
  return tf.stack(ys.map((y, b) => tf.matMul(tf.reshape(dTs[b], [k, cout * npos]) as tf.Tensor2D, tf.transpose(tf.reshape(y, [k, cout * npos])) as tf.Tensor2D))) as tf.Tensor3D;
}

/** L for a chunk of R inputs, as a [R, K, K] tensor (caller disposes). Runs inside a tidy. */
function fastGramChunk(steps: Step[], xc: tf.Tensor4D, k: number): tf.Tensor3D {
  return tf.tidy(() => {
    const r = xc.shape[0];
    // 1. Forward pass on the R inputs, keeping each step's input and each pre-activation s.
    const inputs: tf.Tensor[] = [];
    const pre: (tf.Tensor | null)[] = [];
    timed('forward', () => {
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
    });
    // 2. Backward pass for all R·K (input b, class k) pairs at once, row b·K + k, starting from
    //    the cotangent e_k at the logits. It is written out layer by layer (instead of
    //    differentiating a forward pass over R·K tiled rows) so that the expensive forward
    //    convolutions run on R rows only; rows never interact (inference mode).
    const first = steps.findIndex((st) => st.kind !== 'apply');
    const deltas = new Map<number, tf.Tensor>();
    const t0 = stageTimer === null ? 0 : stageClock();
    let g: tf.Tensor = tf.tile(tf.eye(k), [r, 1]); // ∂z_k/∂(output of the last step)
    // A factor of g still to apply, one per input [R, …] (broadcast over K): a max pool's routing
    // mask, multiplied into the next activation derivative so the R·K rows are scaled once.
    let rowFactor: tf.Tensor | null = null;
    const scaleRows = (f: tf.Tensor) => tf.reshape(tf.mul(tf.reshape(g, [r, k, ...f.shape.slice(1)]), tf.expandDims(f, 1)), g.shape);
    for (let i = steps.length - 1; i >= first; i--) {
      const step = steps[i];
      if (step.kind === 'apply') {
        // vjp through a parameter-free layer (pooling, flatten, dropout, frozen layers, …).
        if (rowFactor !== null) g = scaleRows(rowFactor);
        rowFactor = null;
        const pool = tilingMaxPool(step.layer);
        if (pool !== null) {
          const { up, mask } = maxPoolVjp(step.layer, pool, inputs[i] as tf.Tensor4D, g as tf.Tensor4D);
          g = up;
          rowFactor = mask;
        } else {
          g = tf.grads((inp: tf.Tensor) => applyLayer(step.layer, inp))([repeatRows(inputs[i], k)], g)[0];
        }
        continue;
      }
      const s = pre[i] as tf.Tensor;
      // Elementwise activation (checked by the plan): its vjp is g ⊙ act'(s), and act'(s) is
      // the gradient of Σ act(s) — the same gradient kernels autodiff would use.
      let factor = rowFactor;
      rowFactor = null;
      if (activationName(step.activation) !== 'linear') {
        const da = tf.grad((v: tf.Tensor) => tf.sum(step.activation.apply(v) as tf.Tensor))(s);
        factor = factor === null ? da : tf.mul(factor, da); // a 0/1 mask times da: exact
      }
      if (factor !== null) g = scaleRows(factor);
      deltas.set(i, g);
      if (i === first) break;
      const w = step.kernel.read();
      g =
        step.kind === 'dense'
          ? tf.matMul(g as tf.Tensor2D, tf.transpose(w) as tf.Tensor2D) // transposeB would take wasm's scalar matMul
          : convInputGrad(step, g as tf.Tensor4D, inputs[i] as tf.Tensor4D);
    }
    stageTimer?.('backward', stageClock() - t0);
    // 3. Per-layer per-example Gram contributions.
    let gram: tf.Tensor3D = tf.zeros([r, k, k]);
    for (const [i, delta] of deltas) {
      const step = steps[i] as ParamStep;
      if (step.kind === 'dense') {
        // Weight gradient a ⊗ δ, bias gradient δ: ⟨·,·⟩ = (‖a‖² + 1)·(δ_k·δ_j).
        gram = timed('denseGram', () => {
          const d = tf.reshape(delta, [r, k, -1]) as tf.Tensor3D;
          let sq = tf.sum(tf.square(inputs[i]), 1);
          if (step.bias !== null) sq = tf.add(sq, 1);
          return tf.add(gram, tf.mul(tf.matMul(d, d, false, true), tf.reshape(sq, [r, 1, 1])));
        });
      } else {
        gram = timed('convGram', () => tf.add(gram, convGram(step, inputs[i] as tf.Tensor4D, delta, k)));
      }
    }
    return gram;
  });
}

/**
 * When f throws inside a tfjs gradient call, the engine skips the clean-up it does on success
 * and keeps the failed tape, whose nodes hold kept clones of the tensors saved for backprop
 * (docs/tfjs-facts.md: a failing tf.grad call leaks its forward tensors). No tidy reaches
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
      out.set(await timedAsync('readback', () => g.data()), start * k * k);
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
