/**
 * A defender must prove itself before a run uses it: bytes flipped in shipped weights, an
 * all-zero or NaN model left in the browser's cache, all load without an error and then give
 * numbers that look like a result. Every weight must be finite, and the model must label the
 * check slice (the first CHECK_IMAGES test images) at least CHECK_MIN_ACCURACY right: a trained
 * defender scores 89–99% there, a broken one near chance. A model stamped with its own slice
 * accuracy when it was made (every defender trained here, and the shipped ones through their
 * manifest) must also score within CHECK_TOLERANCE of that figure.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/load';
import { imagesToFloat, valuesPerItem } from '../data/load';
import { argmaxRows } from '../math/metrics';
import { predictProbabilities } from '../models/training';

export const CHECK_IMAGES = 1000;
export const CHECK_MIN_ACCURACY = 0.5;
/**
 * A model that records its check-slice accuracy from when it was made must score within this of
 * it: the same weights give the same answers, and across backends float rounding moves a
 * handful of the 1,000 images at most. A model damaged but still over the floor (a layer
 * rescaled, some weights zeroed) lands further away.
 */
export const CHECK_TOLERANCE = 0.01;

export type DefenderCheck = { ok: true; accuracy: number } | { ok: false; reason: string };

/** The check-slice accuracy the model was stamped with when it was made (trained here or shipped), or null. */
export function recordedCheckAccuracy(model: tf.LayersModel): number | null {
  const meta = model.getUserDefinedMetadata() as { checkAccuracy?: unknown } | undefined;
  const a = meta?.checkAccuracy;
  return typeof a === 'number' && Number.isFinite(a) && a >= 0 && a <= 1 ? a : null;
}

/** Stamps the model with its check-slice accuracy; saved with it (tfjs keeps user metadata in IndexedDB and model.json). */
export function stampCheckAccuracy(model: tf.LayersModel, accuracy: number): void {
  model.setUserDefinedMetadata({ ...(model.getUserDefinedMetadata() ?? {}), checkAccuracy: accuracy });
}

/** The share of the check slice (the first CHECK_IMAGES test images) the model labels right. */
export async function checkSliceAccuracy(model: tf.LayersModel, dataset: Dataset): Promise<number> {
  const result = await sliceAccuracy(model, dataset);
  if (result === null) throw new Error('the model answers NaN on the check slice');
  return result;
}

export async function checkDefender(model: tf.LayersModel, dataset: Dataset): Promise<DefenderCheck> {
  for (const v of model.weights) {
    // An asynchronous read: a synchronous one on WebGPU ends the backend's device in Chromium.
    const all = tf.tidy(() => tf.all(tf.isFinite(v.read())));
    const finite = (await all.data())[0];
    all.dispose();
    if (finite !== 1) return { ok: false, reason: `its weights hold NaN or infinite values (${v.name})` };
  }
  const accuracy = await sliceAccuracy(model, dataset);
  if (accuracy === null) return { ok: false, reason: 'its answers hold NaN' };
  const n = Math.min(CHECK_IMAGES, dataset.test.count);
  const pct = (a: number) => `${(100 * a).toFixed(1)}%`;
  if (accuracy < CHECK_MIN_ACCURACY) {
    return { ok: false, reason: `it labels only ${pct(accuracy)} of ${n.toLocaleString('en-US')} test images right (a trained defender: over ${100 * CHECK_MIN_ACCURACY}%)` };
  }
  const recorded = recordedCheckAccuracy(model);
  if (recorded !== null && Math.abs(accuracy - recorded) > CHECK_TOLERANCE) {
    return { ok: false, reason: `it labels ${pct(accuracy)} of ${n.toLocaleString('en-US')} test images right, but ${pct(recorded)} when it was made: the model has changed since` };
  }
  return { ok: true, accuracy };
}

async function sliceAccuracy(model: tf.LayersModel, dataset: Dataset): Promise<number | null> {
  const n = Math.min(CHECK_IMAGES, dataset.test.count);
  const [h, wd, c] = dataset.shape;
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  const x = tf.tensor4d(imagesToFloat(dataset.test.images, idx, valuesPerItem(dataset)), [n, h, wd, c]);
  try {
    const probs = await predictProbabilities(model, x);
    if (probs.some((p) => !Number.isFinite(p))) return null;
    const pred = argmaxRows(probs, dataset.numClasses);
    let right = 0;
    for (let i = 0; i < n; i++) if (pred[i] === dataset.test.labels[i]) right++;
    return right / n;
  } finally {
    x.dispose();
  }
}
