/**
 * Input-gradient steps on a (thief) model: FGSM for the transfer attack of the counter-attack
 * paper's Fig. 1, and Papernot's Jacobian augmentation step. Both take the gradient through
 * the model for each input separately (inputs are independent rows of the batch).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * x + ε·sign(∇ₓ CE(model(x), labels)), clipped to [0, 1] (FGSM, Goodfellow et al.).
 * Returns a new tensor; the caller disposes it. x and labels stay owned by the caller.
 */
export function fgsm(model: tf.LayersModel, x: tf.Tensor4D, labels: tf.Tensor1D, epsilon: number): tf.Tensor4D {
  if (!Number.isFinite(epsilon) || epsilon < 0) throw new RangeError(`FGSM ε must be finite and ≥ 0, got ${epsilon}`);
  return tf.tidy(() => {
    const numClasses = (model.outputs[0].shape[1] ?? 0) as number;
    const oneHot = tf.oneHot(labels.toInt(), numClasses);
    const grad = tf.grad((input: tf.Tensor) => {
      const logits = model.apply(input, { training: false }) as tf.Tensor2D;
      // Sum, not mean: the gradient of each row is then that row's own loss gradient.
      return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, undefined, tf.Reduction.SUM) as tf.Scalar;
    })(x);
    return tf.clipByValue(tf.add(x, tf.mul(tf.sign(grad), epsilon)), 0, 1) as tf.Tensor4D;
  });
}

/**
 * One Jacobian augmentation step (Papernot et al. 2017): x + λ·sign(∇ₓ F(x)[c]) where c is the
 * label the oracle gave x, pushing each point toward where the model's output for that class
 * changes fastest — the decision boundary. Clipped to the valid pixel range [0, 1].
 * Returns a new tensor; the caller disposes it.
 */
export function jacobianStep(model: tf.LayersModel, x: tf.Tensor4D, oracleClasses: tf.Tensor1D, lambda: number): tf.Tensor4D {
  if (!Number.isFinite(lambda)) throw new RangeError(`Jacobian λ must be finite, got ${lambda}`);
  return tf.tidy(() => {
    const numClasses = (model.outputs[0].shape[1] ?? 0) as number;
    const mask = tf.oneHot(oracleClasses.toInt(), numClasses);
    const grad = tf.grad((input: tf.Tensor) => {
      const probs = tf.softmax(model.apply(input, { training: false }) as tf.Tensor2D);
      return tf.sum(tf.mul(probs, mask)) as tf.Scalar;
    })(x);
    return tf.clipByValue(tf.add(x, tf.mul(tf.sign(grad), lambda)), 0, 1) as tf.Tensor4D;
  });
}
