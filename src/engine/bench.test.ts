import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { expectNoLeak, useWasmBackendInNode } from '../models/testing';
import { trainStepFlops } from '../models/flops';
import { buildModel } from '../models/registry';
import { createOptimizer, softCrossEntropy } from '../models/training';
import { benchLimits, benchMatmul, benchThroughput } from './bench';
import { benchStack } from './benchStack';
import { thiefTrainStep } from './thiefStep';
import { createYield } from './yieldNow';

// The limits benchmark's shape and hygiene on WASM in Node, at toy sizes. Speeds are measured by
// `npm run bench` in Chromium, never asserted here.
beforeAll(async () => {
  await useWasmBackendInNode();
});

describe('benchThroughput / benchMatmul', () => {
  it('times the engine loop and the bare loop on the same model, and leaks nothing', async () => {
    const r = await expectNoLeak(() => benchThroughput('I', 16, 2, 4, 50, createYield()));
    expect(r).toMatchObject({ model: 'I', batch: 16, shift: 2, flopsPerStep: trainStepFlops('I', 16).trainStepFlops });
    expect(r.steps).toBeGreaterThanOrEqual(2); // two rounds at least, then up to 4 steps or 50 ms
    expect(r.engineMsPerStep).toBeGreaterThan(0);
    expect(r.bareMsPerStep).toBeGreaterThan(0);
    expect(r.ratio).toBeCloseTo(r.bareMsPerStep / r.engineMsPerStep, 10);
    expect(r.roundRatios.count).toBeGreaterThanOrEqual(2);
    expect(r.roundRatios.min).toBeLessThanOrEqual(r.roundRatios.median);
    expect(r.roundRatios.median).toBeLessThanOrEqual(r.roundRatios.max);
  });

  it('measures a matmul in GFLOP/s from its time', async () => {
    const m = await expectNoLeak(() => benchMatmul(64, 3, 10));
    expect(m.n).toBe(64);
    expect(m.reps).toBeGreaterThanOrEqual(2);
    expect(m.gflops).toBeCloseTo((2 * 64 ** 3) / m.msPerMatmul / 1e6, 6);
  });

  it('times one thief, K as a stack and K one by one on the same batches, and leaks nothing; a convnet cannot stack', async () => {
    const r = await expectNoLeak(() => benchStack('I', 3, 16, 2, 4, 50, createYield()));
    expect(r).toMatchObject({ model: 'I', k: 3, batch: 16, shift: 2 });
    expect(r.steps).toBeGreaterThanOrEqual(2);
    for (const ms of [r.oneMsPerStep, r.stackedMsPerStep, r.separateMsPerStep]) expect(ms).toBeGreaterThan(0);
    expect(r.stackedVsOne).toBeCloseTo(r.stackedMsPerStep / r.oneMsPerStep, 10);
    expect(r.separateVsOne).toBeCloseTo(r.separateMsPerStep / r.oneMsPerStep, 10);
    await expectNoLeak(() => expect(benchStack('X', 2, 8, 0, 2, 10, createYield())).rejects.toThrow(/flatten \+ dense layers only/));
    await expect(benchStack('I', 0, 8, 0, 2, 10, createYield())).rejects.toThrow(/k must be an integer/);
  });

  it('runs both parts for each model', async () => {
    const r = await expectNoLeak(() => benchLimits([{ model: 'I', shift: 2 }, { model: 'I', shift: 0 }], 8, 1, 10, 32, createYield()));
    expect(r.throughput.map((t) => [t.model, t.shift])).toEqual([['I', 2], ['I', 0]]);
    expect(r.matmul.n).toBe(32);
    expect(r.stack).toBeNull();
    await expect(benchLimits([{ model: 'nope', shift: 0 }], 8, 1, 10, 32, createYield())).rejects.toThrow(/unknown model/);
  });
});

describe('thiefTrainStep', () => {
  it('is one optimizer step on the gathered rows, adding loss × rows to the running sum', async () => {
    const run = (useStep: boolean) =>
      expectNoLeak(async () => {
        const model = buildModel('I', { seed: 3 });
        const opt = createOptimizer('adam', 1e-3);
        const x = tf.tensor4d(Float32Array.from({ length: 6 * 784 }, (_, i) => (i % 17) / 17), [6, 28, 28, 1]);
        const t = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 10).toFloat() as tf.Tensor2D);
        const rows = Int32Array.from([4, 1, 5]);
        const start = tf.scalar(1);
        let sum: tf.Scalar;
        if (useStep) {
          sum = thiefTrainStep(model, opt, x, t, rows, 0, 0, softCrossEntropy, start);
        } else {
          // The same step written out by hand.
          const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
          sum = tf.tidy(() => {
            const idx = tf.tensor1d(rows, 'int32');
            const xb = tf.gather(x, idx) as tf.Tensor4D;
            const yb = tf.gather(t, idx) as tf.Tensor2D;
            const cost = opt.minimize(() => softCrossEntropy(model.apply(xb, { training: true }) as tf.Tensor2D, yb), true, vars)!;
            return tf.add(start, tf.mul(cost, 3)) as tf.Scalar;
          });
        }
        const value = (await sum.data())[0];
        const weights = await model.trainableWeights[0].read().data();
        for (const z of [sum, start, x, t]) z.dispose();
        opt.dispose();
        model.dispose();
        return { value, w: Array.from(weights.slice(0, 20)) };
      });
    const a = await run(true);
    const b = await run(false);
    expect(a.value).toBeGreaterThan(1);
    expect(a.value).toBeCloseTo(b.value, 5);
    expect(a.w).toEqual(b.w);
  });
});
