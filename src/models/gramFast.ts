/**
 * The fast way to get the logit Gram matrices L_b = J_b J_bᵀ that models/counterAttack.ts needs
 * (identical to the reference path, gramReference.ts, up to float32 rounding), for Sequential
 * models whose trainable layers are Dense/Conv2D with elementwise activations (any layer without
 * trainable weights may sit in between): per-example gradient inner products by layer
 * decomposition. One forward pass on the B inputs, then one backward pass, written out layer by
 * layer, for all B·K (input, class) pairs at once gives the per-example δ_{b,k} = ∂z_k(x_b)/∂s at
 * every trainable layer's pre-activation s. A Dense layer's weight gradient is a ⊗ δ plus δ for
 * the bias, so its share of L_kj is (‖a‖² + 1)·(δ_k·δ_j); a Conv2D layer's is the Gram matrix of
 * the per-example filter gradients im2col(a)ᵀ·δ_k (a ones column in im2col for the bias), formed
 * per input either directly or through the patch Gram im2col(a)·im2col(a)ᵀ, whichever is cheaper.
 * No P-long per-class gradient is ever formed for Dense layers, and the costly filter-gradient
 * kernel (Conv2DBackpropFilter, ~0.5 s per call on tfjs-cpu for a 32→64 3×3 conv) is never called.
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
 */
import * as tf from '@tensorflow/tfjs';
import { releaseFailedTape } from './failedTape';

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

export async function timedAsync<T>(stage: FastGramStage, f: () => Promise<T>): Promise<T> {
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
export type Layer = tf.LayersModel['layers'][number];

/** A layer's activation name from its config, or null when it has none. */
export function activationName(layer: Layer): string | null {
  const cfg = layer.getConfig() as { activation?: unknown };
  return typeof cfg.activation === 'string' ? cfg.activation : null;
}

// ---------------------------------------------------------------------------------------------
// Plan
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
export type Step = ApplyStep | ParamStep;

/** A Conv2D config field that is a number or a pair, as a pair; null when it is neither. */
function pair(v: unknown): [number, number] | null {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0] as number, v[1] as number];
  return null;
}

/** The fast-path plan, or the reason why the model is not supported. */
export function planFastPath(model: tf.LayersModel): { steps: Step[] } | { reason: string } {
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
// Compute
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

export async function fastGram(steps: Step[], x: tf.Tensor4D, k: number): Promise<Float32Array> {
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
