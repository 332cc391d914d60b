/**
 * Training-speed benchmark on the running backend, inside the worker (`npm run bench` drives it
 * through Chromium for every backend). Each step is awaited to completion, so the time is what a
 * step really costs, not how fast commands are queued.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../math/random';
import { buildModel, isModelId } from '../models/registry';
import { createOptimizer, predictProbabilities, trainStep } from '../models/training';
import type { BenchResult } from './protocol';

const WARMUP_STEPS = 2;

export async function benchModels(
  models: string[],
  batch: number,
  maxSteps: number,
  maxMs: number,
  yieldNow: () => Promise<void>,
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const rng = createRng(1);
  for (const id of models) {
    if (!isModelId(id)) throw new RangeError(`unknown model "${id}"`);
    const model = buildModel(id, { seed: 1 });
    const optimizer = createOptimizer('adam', 1e-3);
    const pixels = Float32Array.from({ length: batch * 784 }, () => rng.next());
    const labels = Int32Array.from({ length: batch }, () => rng.int(10));
    const x = tf.tensor4d(pixels, [batch, 28, 28, 1]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() as tf.Tensor2D);
    const step = async () => {
      const t0 = performance.now();
      const loss = trainStep(model, optimizer, x, y, 'cross-entropy');
      await loss.data();
      loss.dispose();
      return performance.now() - t0;
    };
    try {
      const firstStepMs = await step();
      for (let i = 1; i < WARMUP_STEPS; i++) await step();
      let total = 0;
      let timedSteps = 0;
      while (timedSteps < maxSteps && (timedSteps < 2 || total < maxMs)) {
        total += await step();
        timedSteps++;
        await yieldNow();
      }
      const xInfer = tf.tidy(() => tf.tile(x, [Math.ceil(1000 / batch), 1, 1, 1]).slice(0, 1000) as tf.Tensor4D);
      await predictProbabilities(model, xInfer); // warm-up
      const t0 = performance.now();
      await predictProbabilities(model, xInfer);
      const inferMsPer1000 = performance.now() - t0;
      xInfer.dispose();
      results.push({ model: id, batch, firstStepMs, msPerStep: total / timedSteps, timedSteps, inferMsPer1000 });
    } finally {
      x.dispose();
      y.dispose();
      optimizer.dispose();
      model.dispose();
    }
  }
  return results;
}
