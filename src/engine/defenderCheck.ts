/**
 * A defender must prove itself before a run uses it: bytes flipped in shipped weights, an
 * all-zero or NaN model left in the browser's cache, all load without an error and then give
 * numbers that look like a result. Every weight must be finite, and the model must label the
 * check slice (the first CHECK_IMAGES test images) at least CHECK_MIN_ACCURACY right: a trained
 * defender scores 89–99% there, a broken one near chance.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/load';
import { imagesToFloat, valuesPerItem } from '../data/load';
import { argmaxRows } from '../math/metrics';
import { predictProbabilities } from '../models/training';

export const CHECK_IMAGES = 1000;
export const CHECK_MIN_ACCURACY = 0.5;

export type DefenderCheck = { ok: true; accuracy: number } | { ok: false; reason: string };

export async function checkDefender(model: tf.LayersModel, dataset: Dataset): Promise<DefenderCheck> {
  for (const v of model.weights) {
    const finite = tf.tidy(() => tf.all(tf.isFinite(v.read())).dataSync()[0]);
    if (finite !== 1) return { ok: false, reason: `its weights hold NaN or infinite values (${v.name})` };
  }
  const n = Math.min(CHECK_IMAGES, dataset.test.count);
  const [h, wd, c] = dataset.shape;
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  const x = tf.tensor4d(imagesToFloat(dataset.test.images, idx, valuesPerItem(dataset)), [n, h, wd, c]);
  try {
    const probs = await predictProbabilities(model, x);
    if (probs.some((p) => !Number.isFinite(p))) return { ok: false, reason: 'its answers hold NaN' };
    const pred = argmaxRows(probs, dataset.numClasses);
    let right = 0;
    for (let i = 0; i < n; i++) if (pred[i] === dataset.test.labels[i]) right++;
    const accuracy = right / n;
    if (accuracy < CHECK_MIN_ACCURACY) {
      return { ok: false, reason: `it labels only ${(100 * accuracy).toFixed(1)}% of ${n.toLocaleString('en-US')} test images right (a trained defender: over ${100 * CHECK_MIN_ACCURACY}%)` };
    }
    return { ok: true, accuracy };
  } finally {
    x.dispose();
  }
}
