/**
 * Defense-aware thieves of the reverse-sigmoid paper, Sec. IV-D: the thief knows the defense and
 * its parameters and tries to undo it.
 *  - same defense layer: the thief appends the reverse sigmoid to its own output, so its
 *    prediction is compared with the defended answer in the defended space;
 *  - inversion MLP: a K → 5K → 3K → K network learns to map defended answers back to honest ones.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedAdam } from './fusedAdam';

/**
 * ART clips y to [1e-9, 1 − 1e-9] before s⁻¹, but in float32 1 − 1e-9 rounds to exactly 1, so
 * log(y/(1−y)) becomes ∞ and its gradient NaN for a saturated answer. 1e-6 is the smallest margin
 * that survives float32 on both ends. The forward value then differs from the float64 defense only
 * for y within 1e-6 of 0 or 1 (there by < 1e-3 at β = 0.8, γ = 0.5).
 */
export const FLOAT32_LOGIT_CLIP = 1e-6;

/**
 * The reverse sigmoid of math/defenses.reverseSigmoid as differentiable tfjs ops on rows of
 * probabilities [n, K]: ŷ = α(y − β(s(γ s⁻¹(y)) − ½)), y clipped (FLOAT32_LOGIT_CLIP) only inside s⁻¹, the result
 * clipped to [0, 1] and rescaled to sum 1. Caller disposes the result.
 */
export function reverseSigmoidTf(probs: tf.Tensor2D, beta: number, gamma: number): tf.Tensor2D {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(probs, FLOAT32_LOGIT_CLIP, 1 - FLOAT32_LOGIT_CLIP);
    const logit = tf.log(tf.div(clipped, tf.sub(1, clipped)));
    const r = tf.mul(beta, tf.sub(tf.sigmoid(tf.mul(gamma, logit)), 0.5));
    const perturbed = tf.clipByValue(tf.sub(probs, r), 0, 1);
    // The floor keeps α finite; for K ≥ 2 and Σy = 1 the sum is never 0 (see math/defenses).
    return tf.div(perturbed, tf.maximum(tf.sum(perturbed, 1, true), 1e-12)) as tf.Tensor2D;
  });
}

/** −Σ t log RS(softmax(logits)), mean over rows: the thief trained through the same defense layer. */
export function sameDefenseLayerLoss(logits: tf.Tensor2D, targets: tf.Tensor2D, beta: number, gamma: number): tf.Scalar {
  return tf.tidy(() => {
    const defended = reverseSigmoidTf(tf.softmax(logits), beta, gamma);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(tf.maximum(defended, 1e-12))), 1))) as tf.Scalar;
  });
}

/** One optimizer step on an arbitrary loss of (logits, targets); returns the loss (caller disposes). */
export function trainStepWithLoss(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  targets: tf.Tensor2D,
  loss: (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar,
): tf.Scalar {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const cost = optimizer.minimize(() => loss(model.apply(x, { training: true }) as tf.Tensor2D, targets), true, vars);
    if (!cost) throw new Error('optimizer returned no loss');
    return cost;
  });
}

/**
 * Trains the inversion MLP (K → 5K → 3K → K, ReLU, softmax output) on pairs of defended and
 * honest answers, minimising KL(honest ‖ inverted) (the paper's KL(P̂, M)). Returns the model;
 * the caller disposes it.
 */
export async function trainInversionMlp(
  defended: Float32Array,
  honest: Float32Array,
  k: number,
  opts: { epochs: number; seed: number; batch?: number; checkpoint?: () => Promise<void> },
): Promise<tf.Sequential> {
  const n = defended.length / k;
  const batch = opts.batch ?? 128;
  const init = (i: number) => tf.initializers.glorotUniform({ seed: opts.seed * 31 + i });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [k], units: 5 * k, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 3 * k, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ units: k, kernelInitializer: init(3) }),
    ],
  });
  const optimizer = fusedAdam(1e-3);
  const x = tf.tensor2d(defended, [n, k]);
  const y = tf.tensor2d(honest, [n, k]);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      for (let start = 0; start < n; start += batch) {
        const size = Math.min(batch, n - start);
        tf.tidy(() => {
          const xb = x.slice(start, size);
          const yb = y.slice(start, size);
          optimizer.minimize(() => {
            const logQ = tf.logSoftmax(model.apply(xb) as tf.Tensor2D);
            // KL(y ‖ q) = Σ y log y − Σ y log q; the first term is constant, so minimise the second.
            return tf.neg(tf.mean(tf.sum(tf.mul(yb, logQ), 1))) as tf.Scalar;
          }, false, vars);
        });
        if (opts.checkpoint) await opts.checkpoint();
      }
    }
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    x.dispose();
    y.dispose();
    optimizer.dispose();
  }
}

/** softmax(mlp(answers)) for rows of answers; plain numbers in and out. */
export async function invertAnswers(mlp: tf.LayersModel, answers: Float32Array, k: number): Promise<Float32Array> {
  const out = tf.tidy(() => tf.softmax(mlp.apply(tf.tensor2d(answers, [answers.length / k, k])) as tf.Tensor2D));
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}
