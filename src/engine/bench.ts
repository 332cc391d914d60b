/**
 * Training-speed benchmark on the running backend, inside the worker (`npm run bench` drives it
 * through Chromium for every backend). Each step is awaited to completion, so the time is what a
 * step really costs, not how fast commands are queued.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../math/random';
import { matmulFlops, trainStepFlops } from '../models/flops';
import { buildModel, isModelId } from '../models/registry';
import { createOptimizer, predictProbabilities, softCrossEntropy, trainStep } from '../models/training';
import { THIEF_LEARNING_RATE } from './experiment';
import type { BenchResult, MatmulResult, StackResult, ThroughputResult } from './protocol';
import { benchStack } from './benchStack';
import { thiefTrainStep } from './thiefStep';

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
    let lastLoss = Number.NaN;
    const step = async () => {
      const t0 = performance.now();
      const loss = trainStep(model, optimizer, x, y, 'cross-entropy');
      lastLoss = (await loss.data())[0];
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
      results.push({ model: id, batch, firstStepMs, msPerStep: total / timedSteps, timedSteps, inferMsPer1000, lastLoss });
    } finally {
      x.dispose();
      y.dispose();
      optimizer.dispose();
      model.dispose();
    }
  }
  return results;
}

/**
 * Overhead against the limit, part 1: the engine's thief training loop (thiefTrainStep, a yield
 * to the event loop after every step as runExperiment's checkpoint does, the loss summed on the
 * device and read back once) against a bare tfjs loop (optimizer.minimize on ready-made batch
 * tensors, the loss read back once), on the SAME model and optimizer, timed in alternating
 * rounds (ABBA) so that a slow spell of a shared machine hits both sides alike. Random inputs in
 * [0, 1) and random probability targets, as the oracle's answers are.
 */
export async function benchThroughput(
  id: string,
  batch: number,
  shift: number,
  maxSteps: number,
  maxMs: number,
  yieldNow: () => Promise<void>,
): Promise<ThroughputResult> {
  if (!isModelId(id)) throw new RangeError(`unknown model "${id}"`);
  const rng = createRng(2);
  const poolBatches = 8;
  const n = batch * poolBatches;
  const model = buildModel(id, { seed: 1 });
  const optimizer = createOptimizer('adam', THIEF_LEARNING_RATE);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.tensor4d(Float32Array.from({ length: n * 784 }, () => rng.next()), [n, 28, 28, 1]);
  const targets = tf.tidy(() => tf.softmax(tf.mul(tf.tensor2d(Float32Array.from({ length: n * 10 }, () => rng.next()), [n, 10]), 4)) as tf.Tensor2D);
  // The bare loop's ready-made batches: the same images, already cut.
  const xBatches = Array.from({ length: poolBatches }, (_, i) => x.slice(i * batch, batch));
  const yBatches = Array.from({ length: poolBatches }, (_, i) => targets.slice(i * batch, batch));
  const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), rng);
  let engineStep = 0;
  const engineRound = async (steps: number) => {
    const t0 = performance.now();
    let sum = tf.scalar(0);
    for (let s = 0; s < steps; s++, engineStep++) {
      const b = engineStep % poolBatches;
      const next = thiefTrainStep(model, optimizer, x, targets, order.subarray(b * batch, (b + 1) * batch), shift, 1000 + engineStep, softCrossEntropy, sum);
      sum.dispose();
      sum = next;
      await yieldNow();
    }
    await sum.data();
    sum.dispose();
    return performance.now() - t0;
  };
  let bareStep = 0;
  const bareRound = async (steps: number) => {
    const t0 = performance.now();
    let last: tf.Scalar | null = null;
    for (let s = 0; s < steps; s++, bareStep++) {
      const b = bareStep % poolBatches;
      const cost = optimizer.minimize(() => softCrossEntropy(model.apply(xBatches[b], { training: true }) as tf.Tensor2D, yBatches[b] as tf.Tensor2D), true, vars);
      last?.dispose();
      last = cost;
    }
    if (last) {
      await last.data();
      last.dispose();
    }
    return performance.now() - t0;
  };
  try {
    // Warm-up: kernels compiled, Adam's slots made, on both paths.
    await bareRound(WARMUP_STEPS);
    const warmMs = (await engineRound(WARMUP_STEPS)) / WARMUP_STEPS;
    // Rounds of about maxMs / 16 per side (at least one step): many short alternating rounds.
    const roundSteps = Math.max(1, Math.min(Math.ceil(maxSteps / 8), Math.floor(maxMs / 16 / warmMs)));
    let engineMs = 0;
    let bareMs = 0;
    let steps = 0;
    const roundRatios: number[] = [];
    const started = performance.now();
    for (let round = 0; steps < maxSteps && (round < 2 || performance.now() - started < maxMs); round++) {
      let e: number;
      let b: number;
      if (round % 2 === 0) {
        b = await bareRound(roundSteps);
        e = await engineRound(roundSteps);
      } else {
        e = await engineRound(roundSteps);
        b = await bareRound(roundSteps);
      }
      engineMs += e;
      bareMs += b;
      roundRatios.push(b / e);
      steps += roundSteps;
      await yieldNow();
    }
    return {
      model: id,
      batch,
      shift,
      steps,
      engineMsPerStep: engineMs / steps,
      bareMsPerStep: bareMs / steps,
      ratio: bareMs / engineMs,
      roundRatios: { count: roundRatios.length, min: Math.min(...roundRatios), median: medianOf(roundRatios), max: Math.max(...roundRatios) },
      flopsPerStep: trainStepFlops(id, batch).trainStepFlops,
    };
  } finally {
    for (const t of [x, targets, ...xBatches, ...yBatches]) t.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Overhead against the limit, part 2: what the backend itself can do, as GFLOP/s of an n×n by
 * n×n float32 matmul (one warm-up product, then timed products, each awaited by reading one
 * element back), at least 2 and at most `maxReps` of them or until `maxMs` has passed.
 */
export async function benchMatmul(n: number, maxReps: number, maxMs: number): Promise<MatmulResult> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2) as tf.Tensor2D;
  const product = async () => {
    const corner = tf.tidy(() => tf.matMul(a, b).slice([0, 0], [1, 1]));
    await corner.data();
    corner.dispose();
  };
  try {
    await product();
    let reps = 0;
    const t0 = performance.now();
    while (reps < 2 || (reps < maxReps && performance.now() - t0 < maxMs)) {
      await product();
      reps++;
    }
    const msPerMatmul = (performance.now() - t0) / reps;
    return { n, reps, msPerMatmul, gflops: matmulFlops(n) / msPerMatmul / 1e6 };
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** The limits benchmark's parts, in one page and one worker (the 'limits' command): throughput, matmul, and K thieves at once when asked. */
export async function benchLimits(
  cases: { model: string; shift: number }[],
  batch: number,
  maxSteps: number,
  maxMs: number,
  matmulSize: number,
  yieldNow: () => Promise<void>,
  stack?: { model: string; k: number; shift: number },
): Promise<{ throughput: ThroughputResult[]; matmul: MatmulResult; stack: StackResult | null }> {
  const throughput: ThroughputResult[] = [];
  for (const c of cases) throughput.push(await benchThroughput(c.model, batch, c.shift, maxSteps, maxMs, yieldNow));
  const matmul = await benchMatmul(matmulSize, 10, Math.max(2000, maxMs / 4));
  const stacked = stack ? await benchStack(stack.model, stack.k, batch, stack.shift, maxSteps, maxMs, yieldNow) : null;
  return { throughput, matmul, stack: stacked };
}
