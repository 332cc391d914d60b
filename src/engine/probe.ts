/**
 * The ε explainer's one real query: the defender's answer for a test image and the direction
 * sign(∇_y ‖∇_θ c‖) at the one-hot top class and at y itself (counter-attack paper, eq. (2)).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/load';
import { imagesToFloat, valuesPerItem } from '../data/load';
import { directionAtLabel, directionAtOneHot, softmax64 } from '../math/logitGram';
import { argmax } from '../math/metrics';
import { logitGradientGram } from '../models/counterAttack';
import type { ProbeResult } from './protocol';

export async function probeQuery(defender: tf.LayersModel, dataset: Dataset, index: number, probeId: number): Promise<ProbeResult> {
  const [h, w, c] = dataset.shape;
  const i = Math.min(Math.max(0, Math.floor(index)), dataset.test.count - 1);
  const px = h * w * c;
  const x = tf.tensor4d(imagesToFloat(dataset.test.images, Uint32Array.of(i), valuesPerItem(dataset)), [1, h, w, c]);
  try {
    const { gram, logits } = await logitGradientGram(defender, x);
    const y = softmax64(logits);
    const oneHot = directionAtOneHot(gram, logits, argmax(y));
    const atY = directionAtLabel(gram, logits, y);
    return {
      probeId,
      pixels: Array.from(dataset.test.images.subarray(i * px, (i + 1) * px)),
      label: dataset.test.labels[i],
      original: Array.from(y, Number),
      directionOneHot: Array.from(oneHot.direction, Number),
      directionAtY: Array.from(atY.direction, Number),
      degenerateAtY: atY.degenerate,
    };
  } finally {
    x.dispose();
  }
}
