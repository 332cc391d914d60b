/**
 * What the thief asks and what it learns from: query images per budget step, training targets
 * from the oracle's answers (ArgmaxSample's one-hot, a cleaning thief's repair), the sample strip
 * the page shows, and small scoring helpers. Used by runExperiment.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/load';
import { imagesToFloat, valuesPerItem } from '../data/load';
import { argmaxRows } from '../math/metrics';
import type { Rng } from '../math/random';
import { SAMPLE_STRIP_SIZE } from '../params/schema';
import type { Oracle } from './oracle';
import type { DefenseCost, ExperimentConfig, SampleAnswer } from './protocol';


/**
 * Thief targets: the answer itself (Sample, Random, Jacobian) or its top-1 one-hot (ArgmaxSample).
 * A cleaning thief first clips each answer to [0, 1] and renormalises it (counter-attack paper:
 * raw ε answers can be negative, which makes a cross-entropy thief's loss unbounded below).
 */
export function toTargets(answers: Float32Array, config: ExperimentConfig, k: number): Float32Array {
  if (config.cleaning === 'clean') answers = cleanAnswers(answers, k);
  if (config.attack !== 'argmax') return answers;
  const out = new Float32Array(answers.length);
  const top = argmaxRows(answers, k);
  for (let r = 0; r < top.length; r++) out[r * k + top[r]] = 1;
  return out;
}

/** Clip to [0, 1] and rescale each row to sum 1 (uniform if nothing is left). */
export function cleanAnswers(answers: Float32Array, k: number): Float32Array {
  const out = new Float32Array(answers.length);
  for (let r = 0; r < answers.length / k; r++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += out[r * k + j] = Math.min(1, Math.max(0, answers[r * k + j]));
    for (let j = 0; j < k; j++) out[r * k + j] = sum > 0 ? out[r * k + j] / sum : 1 / k;
  }
  return out;
}

/** New query images for budget step [from, from + count): real pool images, or uniform noise (Random). */
export function queryImages(config: ExperimentConfig, dataset: Dataset, pool: Uint32Array, from: number, count: number, rng: Rng): tf.Tensor4D {
  const [h, w, c] = dataset.shape;
  if (config.attack === 'random') {
    const pixels = new Float32Array(count * h * w * c);
    for (let i = 0; i < pixels.length; i++) pixels[i] = rng.next();
    return tf.tensor4d(pixels, [count, h, w, c]);
  }
  if (from + count > pool.length) {
    throw new RangeError(`the attacker's pool has ${pool.length} images; a budget of ${from + count} needs more`);
  }
  const idx = pool.subarray(from, from + count);
  return tf.tensor4d(imagesToFloat(dataset.train.images, idx, valuesPerItem(dataset)), [count, h, w, c]);
}

export async function sampleStrip(
  x: tf.Tensor4D,
  answers: { original: Float32Array; defended: Float32Array; centeringRounds?: Int32Array | null },
  pool: Uint32Array,
  dataset: Dataset,
  config: ExperimentConfig,
  k: number,
): Promise<SampleAnswer[]> {
  const n = Math.min(SAMPLE_STRIP_SIZE, x.shape[0]);
  const px = valuesPerItem(dataset);
  const out: SampleAnswer[] = [];
  let pixelsOf: Float32Array | Int32Array | Uint8Array | null = null;
  if (config.attack === 'random') {
    const grey = tf.tidy(() => x.slice(0, n).mul(255).round());
    // Read back asynchronously: a synchronous read on WebGPU goes through a canvas and, in
    // Chromium, ends the backend's device ("A valid external Instance reference no longer exists").
    try {
      pixelsOf = await grey.data();
    } finally {
      grey.dispose();
    }
  }
  for (let i = 0; i < n; i++) {
    const pixels =
      pixelsOf !== null
        ? Array.from(pixelsOf.subarray(i * px, (i + 1) * px))
        : Array.from(dataset.train.images.subarray(pool[i] * px, (pool[i] + 1) * px));
    out.push({
      pixels,
      label: config.attack === 'random' ? -1 : dataset.train.labels[pool[i]],
      original: Array.from(answers.original.subarray(i * k, (i + 1) * k)),
      defended: Array.from(answers.defended.subarray(i * k, (i + 1) * k)),
      defendedSum: answers.defended.subarray(i * k, (i + 1) * k).reduce((a, v) => a + v, 0),
      defendedMin: Math.min(...answers.defended.subarray(i * k, (i + 1) * k)),
      centeringRounds: answers.centeringRounds ? answers.centeringRounds[i] : null,
    });
  }
  return out;
}

export function costOf(oracle: Oracle): DefenseCost {
  const { count: _count, ...cost } = oracle.snapshot.cost;
  return cost;
}

export function fractionEqual(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? 0 : same / a.length;
}
