/**
 * Training primitives the engine calls: losses, optimizers, one optimisation step, batched
 * prediction and shift augmentation. The engine owns the loop, cancellation and streaming; these
 * functions own no state and leave no tensors behind except the ones they return.
 *
 * Models come from registry.ts and output LOGITS; softmax / logSoftmax are applied here.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedAdam } from './fusedAdam';
import { createRng } from '../math/random';
import { SHIFTED_GATHER } from './wasmShiftedGather';

/** Loss a thief (or the defender) trains with. */
export type LossKind = 'cross-entropy' | 'mse';

/**
 * Optimizers offered (the reverse-sigmoid paper uses RMSProp for Simple, Adam / SGD elsewhere;
 * 'momentum' is SGD with (heavy-ball, not Nesterov) momentum, the classic convnet optimizer).
 */
export type OptimizerKind = 'adam' | 'rmsprop' | 'sgd' | 'momentum';

function checkSameShape(logits: tf.Tensor, targets: tf.Tensor, what: string): void {
  if (logits.rank !== 2 || targets.rank !== 2 || logits.shape[0] !== targets.shape[0] || logits.shape[1] !== targets.shape[1]) {
    throw new RangeError(`${what}: logits [${logits.shape.join(', ')}] and targets [${targets.shape.join(', ')}] must both be [batch, classes]`);
  }
}

/**
 * Soft-label cross-entropy: mean over rows of −Σ_j t_j · logSoftmax(logits)_j.
 *
 * Uses tf.logSoftmax (max-subtracted log-sum-exp) rather than log(softmax), which would give
 * −Infinity / NaN gradients once a probability underflows. Targets are used AS GIVEN: they may be
 * one-hot, soft (the defender's probabilities), or — for the "raw ε" counter-attack output — have
 * negative entries or rows not summing to 1. Renormalising them here would silently undo the
 * defence being studied, so that is the defence's (or the thief's) explicit choice, not the
 * loss's. With non-normalised targets the loss is no longer bounded below by 0 — that is the point.
 * Returns a new scalar the CALLER disposes; intermediates are freed.
 */
export function softCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  checkSameShape(logits, targets, 'softCrossEntropy');
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))));
}

/**
 * Mean squared error between softmax(logits) and the targets, averaged over all batch×class
 * entries (Keras's 'mean_squared_error': mean over classes, then over the batch). This is the
 * reverse-sigmoid paper's defence-aware attack (Sec IV-D): MSE on probabilities does not blow up
 * on the near-zero probabilities the reverse sigmoid pushes the top class towards, unlike
 * cross-entropy. Targets are used as given. Returns a new scalar the CALLER disposes.
 */
export function mseOnProbabilities(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  checkSameShape(logits, targets, 'mseOnProbabilities');
  return tf.tidy(() => tf.mean(tf.squaredDifference(tf.softmax(logits), targets)));
}

/**
 * A fresh optimizer with tfjs defaults besides the learning rate (Adam β1 0.9, β2 0.999; RMSProp
 * decay 0.9, no momentum; plain SGD); 'momentum' also needs `momentum` in [0, 1) (tfjs's
 * MomentumOptimizer, no Nesterov). The CALLER disposes it with `optimizer.dispose()` — Adam,
 * RMSProp and momentum hold slot variables (one or two per weight) that otherwise leak.
 */
export function createOptimizer(kind: OptimizerKind, learningRate: number, momentum?: number): tf.Optimizer {
  if (!Number.isFinite(learningRate) || learningRate <= 0) {
    throw new RangeError(`learningRate must be a finite number > 0, got ${String(learningRate)}`);
  }
  if (kind === 'momentum' && (momentum === undefined || !Number.isFinite(momentum) || momentum < 0 || momentum >= 1)) {
    throw new RangeError(`momentum must be a number in [0, 1), got ${String(momentum)}`);
  }
  switch (kind) {
    case 'adam':
      return fusedAdam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return new MomentumOptimizer(learningRate, momentum!, false);
    default: {
      const never: never = kind;
      throw new RangeError(`unknown optimizer ${String(never)}`);
    }
  }
}

/**
 * tfjs 4.22's MomentumOptimizer, whose dispose() also frees the learning-rate scalar it inherits
 * from SGDOptimizer: the stock one frees only its momentum scalar and slot variables, so every
 * momentum optimizer leaked one tensor (seen as a run's tensor count not returning to its start).
 */
class MomentumOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    this.c.dispose();
  }
}

/** The loss function for a LossKind (both return a new scalar the caller disposes). */
export function lossFunction(loss: LossKind): (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar {
  switch (loss) {
    case 'cross-entropy':
      return softCrossEntropy;
    case 'mse':
      return mseOnProbabilities;
    default: {
      const never: never = loss;
      throw new RangeError(`unknown loss ${String(never)}`);
    }
  }
}

/**
 * One optimisation step: forward `x` through `model`, compute the loss against `targets`, and
 * let `optimizer` update the model's trainable weights (explicitly passed, so nothing else that
 * happens to be a trainable tf.Variable is touched).
 *
 * Returns the loss BEFORE the update as a scalar tensor, NOT read back: a GPU→CPU read stalls the
 * pipeline, so the caller decides when (if ever) to `await loss.data()`. The CALLER disposes the
 * returned scalar; gradients and activations are freed here.
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  targets: tf.Tensor2D,
  loss: LossKind,
): tf.Scalar {
  if (x.rank !== 4 || targets.rank !== 2 || x.shape[0] !== targets.shape[0]) {
    throw new RangeError(`trainStep: x [${x.shape.join(', ')}] and targets [${targets.shape.join(', ')}] need the same batch size`);
  }
  const lossFn = lossFunction(loss);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const cost = optimizer.minimize(() => lossFn(model.apply(x, { training: true }) as tf.Tensor2D, targets), true, vars);
    if (!cost) throw new Error('trainStep: optimizer returned no loss');
    return cost;
  });
}

/**
 * Softmax probabilities of `model` on `x`, as one row-major [batch × classes] Float32Array.
 * Runs `batchSize` images at a time (bounding GPU memory) and reads each batch back once; every
 * tensor it creates is disposed, even on error. `x` stays the caller's.
 */
export async function predictProbabilities(model: tf.LayersModel, x: tf.Tensor4D, batchSize = 256): Promise<Float32Array> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be an integer >= 1, got ${String(batchSize)}`);
  }
  const n = x.shape[0];
  const outShape = model.outputs[0].shape;
  const classes = outShape[outShape.length - 1];
  if (typeof classes !== 'number') throw new Error('predictProbabilities: model output width unknown');
  const out = new Float32Array(n * classes);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const probs = tf.tidy(() => tf.softmax(model.apply(tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]), { training: false }) as tf.Tensor2D));
    try {
      out.set(await probs.data(), start * classes);
    } finally {
      probs.dispose();
    }
  }
  return out;
}

/**
 * The per-image shifts shiftAugment applies: for image i, [dy, dx] each uniform in
 * [−maxShift, maxShift], drawn dy then dx from `createRng(seed)` (src/math/random). Exposed so
 * the shifts can be shown or tested without tensors.
 */
export function drawShifts(count: number, maxShift: number, seed: number): Array<[number, number]> {
  if (!Number.isInteger(maxShift) || maxShift < 0) {
    throw new RangeError(`maxShift must be an integer >= 0, got ${String(maxShift)}`);
  }
  const rng = createRng(seed);
  const span = 2 * maxShift + 1;
  const shifts: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const dy = rng.int(span) - maxShift;
    const dx = rng.int(span) - maxShift;
    shifts.push([dy, dx]);
  }
  return shifts;
}

/**
 * The reverse-sigmoid paper's "shift" augmentation (Sec IV-A; no flips — a mirrored digit is a
 * different glyph): each image moves by its own integer offset (dy, dx) ∈ [−maxShift, maxShift]²
 * (positive = down / right), with zeros shifted in. Deterministic in `seed` (see drawShifts).
 *
 * Implemented as zero-pad + ONE gather with indices computed in JS, instead of a slice per image:
 * two kernels per batch on any backend, and `x` never leaves the device. Always returns a NEW
 * tensor (a clone when maxShift is 0), which the CALLER disposes; `x` stays the caller's.
 */
export function shiftAugment(x: tf.Tensor4D, maxShift: number, seed: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const shifts = drawShifts(n, maxShift, seed);
  if (maxShift === 0) return tf.clone(x);
  const m = maxShift;
  const hp = h + 2 * m;
  const wp = w + 2 * m;
  // out[b, r, col] = padded[b, r + m − dy, col + m − dx]; always in range since |dy|, |dx| ≤ m.
  const indices = new Int32Array(n * h * w);
  let k = 0;
  for (let b = 0; b < n; b++) {
    const [dy, dx] = shifts[b];
    for (let r = 0; r < h; r++) {
      const rowBase = b * hp * wp + (r + m - dy) * wp + m - dx;
      for (let col = 0; col < w; col++) indices[k++] = rowBase + col;
    }
  }
  return tf.tidy(() => {
    const padded = tf.pad(x, [
      [0, 0],
      [m, m],
      [m, m],
      [0, 0],
    ]);
    const flat = tf.reshape(padded, [n * hp * wp, c]);
    const idx = tf.tensor1d(indices, 'int32');
    return tf.reshape(tf.gather(flat, idx), [n, h, w, c]) as tf.Tensor4D;
  });
}

/**
 * `shiftAugment(gather(x, rows), maxShift, seed)` in one gather and one multiply, with the same
 * shifts (drawShifts(rows.length, maxShift, seed)) and the same values (a negative pixel masked out is −0): each output pixel's
 * source index into x (viewed flat, no copy) is computed in JS, and the pixels shifted in from outside
 * the image are zeroed by a 0/1 mask. No padded copy and no intermediate batch: the thief's training
 * step with ±2 px shifts cost 4 ms more than without on WASM (29 vs 25 ms for thief I), most of it in
 * the pad and the second gather. Returns a NEW tensor, which the CALLER disposes.
 */
export function gatherShifted(x: tf.Tensor4D, rows: Int32Array, maxShift: number, seed: number): tf.Tensor4D {
  const [count, h, w, c] = x.shape;
  const n = rows.length;
  if (maxShift === 0) return tf.tidy(() => tf.gather(x, tf.tensor1d(rows, 'int32')));
  const shifts = drawShifts(n, maxShift, seed);
  if (tf.getBackend() === 'wasm' && tf.getKernel(SHIFTED_GATHER, 'wasm') != null) {
    for (const row of rows) {
      if (!Number.isInteger(row) || row < 0 || row >= count) throw new RangeError(`row ${row} is outside 0…${count - 1}`);
    }
    // One pass in the WASM heap (wasmShiftedGather.ts), with the same numbers as below.
    return tf.engine().runKernel(SHIFTED_GATHER, { x }, { rows: Array.from(rows), shifts: shifts.flat() }) as tf.Tensor4D;
  }
  const pixels = h * w;
  const indices = new Int32Array(n * pixels);
  const mask = new Float32Array(n * pixels);
  let k = 0;
  for (let b = 0; b < n; b++) {
    const row = rows[b];
    if (!Number.isInteger(row) || row < 0 || row >= count) throw new RangeError(`row ${row} is outside 0…${count - 1}`);
    const base = row * pixels;
    const [dy, dx] = shifts[b];
    for (let r = 0; r < h; r++) {
      const sr = r - dy;
      const rowInside = sr >= 0 && sr < h;
      for (let col = 0; col < w; col++, k++) {
        const sc = col - dx;
        if (rowInside && sc >= 0 && sc < w) {
          indices[k] = base + sr * w + sc;
          mask[k] = 1;
        } else indices[k] = base; // any valid pixel: the mask zeroes it
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(x, [count * pixels, c]);
    const picked = tf.gather(flat, tf.tensor1d(indices, 'int32'));
    return tf.reshape(tf.mul(picked, tf.tensor2d(mask, [n * pixels, 1])), [n, h, w, c]) as tf.Tensor4D;
  });
}
