/**
 * Many thieves at once, measured (the 'limits' command's `stack` case, `npm run bench`): ms per
 * training step of one thief, of K thieves as one stack, and of K thieves one by one, each through
 * the engine's own thief packs (thiefPack.ts) on the same batches (random images in [0, 1), random
 * probability targets, the shift the engine uses), timed in alternating rounds so a slow spell of a
 * shared machine hits all three alike.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../math/random';
import { buildModel, isModelId } from '../models/registry';
import { createOptimizer, softCrossEntropy } from '../models/training';
import { THIEF_LEARNING_RATE } from './experiment';
import type { StackResult } from './protocol';
import { separatePack, stackedPack, type ThiefPack } from './thiefPack';

const WARMUP_STEPS = 2;

export async function benchStack(id: string, k: number, batch: number, shift: number, maxSteps: number, maxMs: number, yieldNow: () => Promise<void>): Promise<StackResult> {
  if (!isModelId(id)) throw new RangeError(`unknown model "${id}"`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer ≥ 1, got ${String(k)}`);
  const rng = createRng(3);
  const poolBatches = 8;
  const n = batch * poolBatches;
  const x = tf.tensor4d(Float32Array.from({ length: n * 784 }, () => rng.next()), [n, 28, 28, 1]);
  const targets = Array.from({ length: k }, () =>
    tf.tidy(() => tf.softmax(tf.mul(tf.tensor2d(Float32Array.from({ length: n * 10 }, () => rng.next()), [n, 10]), 4)) as tf.Tensor2D),
  );
  const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), rng);
  // Each pack owns (and frees) its models and optimizers, the stack even when it refuses them.
  const packs: ThiefPack[] = [];
  const models = (count: number) => Array.from({ length: count }, (_, i) => buildModel(id, { seed: 1 + i }));
  const optimizer = () => createOptimizer('adam', THIEF_LEARNING_RATE);
  try {
    packs.push(separatePack(models(1), [optimizer()], softCrossEntropy));
    packs.push(stackedPack(models(k), optimizer()));
    const loose = models(k);
    packs.push(separatePack(loose, loose.map(() => optimizer()), softCrossEntropy));
    const data = targets.map((t) => ({ x, targets: t }));
    let step = 0;
    const round = async (pack: ThiefPack, steps: number) => {
      const t0 = performance.now();
      for (let s = 0; s < steps; s++, step++) {
        const b = step % poolBatches;
        pack.step(data.slice(0, pack.models.length), order.subarray(b * batch, (b + 1) * batch), shift, 2000 + step);
        await yieldNow();
      }
      await pack.readMeans(steps * batch);
      return performance.now() - t0;
    };
    for (const pack of packs) await round(pack, WARMUP_STEPS);
    const warmMs = await round(packs[2], 1);
    const roundSteps = Math.max(1, Math.min(Math.ceil(maxSteps / 4), Math.floor(maxMs / 12 / warmMs)));
    const total = [0, 0, 0];
    let steps = 0;
    const started = performance.now();
    for (let r = 0; steps < maxSteps && (r < 2 || performance.now() - started < maxMs); r++) {
      // A different order each round: one, stack, loose; then loose, stack, one; …
      const turn = r % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const i of turn) total[i] += await round(packs[i], roundSteps);
      steps += roundSteps;
      await yieldNow();
    }
    const [oneMs, stackedMs, separateMs] = total.map((t) => t / steps);
    return { model: id, k, batch, shift, steps, oneMsPerStep: oneMs, stackedMsPerStep: stackedMs, separateMsPerStep: separateMs, stackedVsOne: stackedMs / oneMs, separateVsOne: separateMs / oneMs };
  } finally {
    packs.forEach((p) => p.dispose());
    tf.dispose([x, ...targets]);
  }
}
