/**
 * The reference way to get the logit Gram matrices L_b = J_b J_bᵀ that models/counterAttack.ts
 * needs (the fast path, gramFast.ts, returns identical numbers up to float32 rounding): for each
 * input, K `tf.variableGrads` passes (one per logit) on the batch-1 input, flattened and
 * concatenated into J_z (K×P), L = J_z J_zᵀ on the device. Works for any model `model.apply` can
 * run; costs B·K forward+backward passes of batch 1.
 */
import * as tf from '@tensorflow/tfjs';
import { releaseFailedTape } from './failedTape';

function modelVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => {
    // LayerVariable.read() returns its backing tf.Variable (typed as Tensor), which is what
    // tf.variableGrads needs; the `val` field holding it is protected.
    const v = w.read();
    if (!(v instanceof tf.Variable)) throw new Error(`weight ${w.name} is not backed by a tf.Variable`);
    return v;
  });
}

export async function referenceGram(model: tf.LayersModel, x: tf.Tensor4D, k: number): Promise<Float32Array> {
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
