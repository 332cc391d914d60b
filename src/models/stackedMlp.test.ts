/**
 * K thieves trained as one stack against the same K trained one by one (the engine's
 * trainStepWithLoss with softCrossEntropy), on the cpu and the wasm backend: the same losses, the
 * same weights and the same predictions, value for value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../math/random';
import { trainStepWithLoss } from './defenseAware';
import { buildModel } from './registry';
import { StackedMlp } from './stackedMlp';
import { expectNoLeak, useWasmBackendInNode } from './testing';
import { createOptimizer, predictProbabilities, softCrossEntropy } from './training';

const B = 32;
const STEPS = 8;

/** K random probability rows per image: each thief's own answers. */
function softTargets(k: number, rows: number, classes: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(k * rows * classes);
  for (let r = 0; r < k * rows; r++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += out[r * classes + c] = rng.next() ** 3;
    for (let c = 0; c < classes; c++) out[r * classes + c] /= total;
  }
  return out;
}

interface Outcome {
  losses: number[][];
  weights: Float32Array[][];
  probs: Float32Array[];
}

async function separately(models: tf.LayersModel[], xs: tf.Tensor4D[], targets: Float32Array[], classes: number): Promise<Outcome> {
  const losses: number[][] = models.map(() => []);
  for (const [k, model] of models.entries()) {
    const optimizer = createOptimizer('adam', 1e-3);
    for (let s = 0; s < STEPS; s++) {
      const y = tf.tensor2d(targets[s].subarray(k * B * classes, (k + 1) * B * classes), [B, classes]);
      const loss = trainStepWithLoss(model, optimizer, xs[s], y, softCrossEntropy);
      losses[k].push((await loss.data())[0]);
      tf.dispose([y, loss]);
    }
    optimizer.dispose();
  }
  const weights = await Promise.all(models.map((m) => Promise.all(m.getWeights().map(async (w) => (await w.data()) as Float32Array))));
  const probs = await Promise.all(models.map((m) => predictProbabilities(m, xs[0], 20)));
  return { losses, weights, probs };
}

async function stacked(models: tf.LayersModel[], xs: tf.Tensor4D[], targets: Float32Array[], classes: number): Promise<Outcome> {
  const stack = StackedMlp.fromModels(models);
  const optimizer = createOptimizer('adam', 1e-3);
  const losses: number[][] = models.map(() => []);
  try {
    for (let s = 0; s < STEPS; s++) {
      const y = tf.tensor3d(targets[s], [models.length, B, classes]);
      const perThief = stack.trainStep(optimizer, xs[s], y);
      const values = await perThief.data();
      values.forEach((v, k) => losses[k].push(v));
      tf.dispose([y, perThief]);
    }
    const probs = await stack.predictProbabilities(xs[0], 20);
    stack.writeTo(models);
    const weights = await Promise.all(models.map((m) => Promise.all(m.getWeights().map(async (w) => (await w.data()) as Float32Array))));
    return { losses, weights, probs };
  } finally {
    optimizer.dispose();
    stack.dispose();
  }
}

/** Builds the K models, runs `how`, frees everything. */
async function outcome(how: typeof stacked, id: 'I' | 'mlp', seeds: number[], dense?: number[]): Promise<Outcome> {
  const shape: [number, number, number] = id === 'I' ? [28, 28, 1] : [1, 1, 2];
  const classes = id === 'I' ? 10 : 3;
  const models = seeds.map((seed) => buildModel(id, { seed, inputShape: shape, numClasses: classes, dense }));
  const rng = createRng(11);
  const xs = Array.from({ length: STEPS }, () => tf.tensor4d(Float32Array.from({ length: B * shape[0] * shape[1] * shape[2] }, () => rng.next()), [B, ...shape]));
  const targets = Array.from({ length: STEPS }, (_, s) => softTargets(seeds.length, B, classes, 100 + s));
  try {
    return await how(models, xs, targets, classes);
  } finally {
    tf.dispose(xs);
    models.forEach((m) => m.dispose());
  }
}

function expectSame(a: Outcome, b: Outcome) {
  expect(a.losses).toEqual(b.losses);
  a.weights.forEach((ws, k) => ws.forEach((w, i) => expect(w, `thief ${k} weight ${i}`).toEqual(b.weights[k][i])));
  a.probs.forEach((p, k) => expect(p, `thief ${k} predictions`).toEqual(b.probs[k]));
}

describe('StackedMlp', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(`on ${backend}`, () => {
      beforeAll(async () => {
        if (backend === 'wasm') await useWasmBackendInNode();
        else await tf.setBackend('cpu');
      });

      it(`trains 3 thieves I ${STEPS} Adam steps to exactly the losses, weights and predictions of 3 separate runs, leaking nothing`, async () => {
        const seeds = [1, 2, 77];
        const alone = await outcome(separately, 'I', seeds);
        await expectNoLeak(async () => {
          expectSame(await outcome(stacked, 'I', seeds), alone);
        });
        // Different seeds and targets: the thieves really differ, and they learn.
        expect(alone.losses[0]).not.toEqual(alone.losses[1]);
        for (const l of alone.losses) expect(l[STEPS - 1]).toBeLessThan(l[0]);
      });

      it('does the same for a playground MLP on 2-D points (2 × 16 hidden units)', async () => {
        const seeds = [5, 6];
        expectSame(await outcome(stacked, 'mlp', seeds, [16, 16]), await outcome(separately, 'mlp', seeds, [16, 16]));
      });
    });
  }

  it('refuses a convnet, mismatched architectures and the wrong number of target sets', () => {
    const conv = buildModel('X', { seed: 1 });
    const a = buildModel('mlp', { seed: 1, inputShape: [1, 1, 2], numClasses: 3, dense: [8] });
    const b = buildModel('mlp', { seed: 2, inputShape: [1, 1, 2], numClasses: 3, dense: [9] });
    try {
      expect(() => StackedMlp.fromModels([conv])).toThrow(/flatten \+ dense layers only, got a Conv2D/);
      expect(() => StackedMlp.fromModels([a, b])).toThrow(/model 1 has layers/);
      const stack = StackedMlp.fromModels([a, a]);
      const opt = createOptimizer('adam', 1e-3);
      expect(() => stack.trainStep(opt, tf.zeros([4, 1, 1, 2]), tf.zeros([3, 4, 3]) as tf.Tensor3D)).toThrow(/3 target sets for 2 thieves/);
      opt.dispose();
      stack.dispose();
    } finally {
      [conv, a, b].forEach((m) => m.dispose());
    }
  });
});
