/**
 * The thieves of a run, trained side by side: the undefended one and one per defense setting,
 * each on its own answers. Two ways to train them, with the same numbers:
 * - one by one ('separate'): each thief its own model and optimizer, thiefTrainStep each;
 * - as one stack ('stacked', models/stackedMlp.ts): when every thief is the same MLP, learns with
 *   the plain cross-entropy and asks the same queries, all of them step in one batched pass.
 *   stackedMlp.test.ts and experiment.test.ts check that a thief's numbers do not depend on which.
 *
 * Either way the pack keeps each thief's loss summed on the device over an epoch and reads it back
 * once (readMeans), and hands out one LayersModel per thief (models, current after sync()) for
 * what takes a model: scoring by layers, FGSM, the drawing pad, the playground's pictures.
 */
import * as tf from '@tensorflow/tfjs';
import { StackedMlp } from '../models/stackedMlp';
import { gatherShifted, predictProbabilities } from '../models/training';
import { thiefTrainStep, type ThiefLoss } from './thiefStep';

/** What a thief trains on: its queries (shared between thieves where they asked the same) and its targets. */
export interface ThiefData {
  x: tf.Tensor4D;
  targets: tf.Tensor2D;
}

export interface ThiefPack {
  readonly kind: 'separate' | 'stacked';
  /** One network per thief, current after sync(). */
  readonly models: readonly tf.LayersModel[];
  /** Each thief's optimizer (a stack's one optimizer, once per thief). */
  readonly optimizers: readonly tf.Optimizer[];
  /** One optimizer step of every thief on rows `rows` of its data, shifted as thiefTrainStep does; losses summed on the device. */
  step(data: readonly ThiefData[], rows: Int32Array, shift: number, shiftSeed: number): void;
  /** Each thief's loss summed since the last read, divided by `rows`; the sums start again from zero. */
  readMeans(rows: number): Promise<number[]>;
  /** Brings `models` up to date with what was trained. */
  sync(): void;
  /** Each thief's softmax over `x` (row-major [n, classes]). */
  predict(x: tf.Tensor4D): Promise<Float32Array[]>;
  /** Frees the models, optimizers, sums and any stack. */
  dispose(): void;
}

/** Thieves one by one: `models[i]` trains with `optimizers[i]` under `loss`. The pack owns both. */
export function separatePack(models: tf.LayersModel[], optimizers: tf.Optimizer[], loss: ThiefLoss): ThiefPack {
  let sums: tf.Scalar[] = models.map(() => tf.scalar(0));
  return {
    kind: 'separate',
    models,
    optimizers,
    step(data, rows, shift, shiftSeed) {
      sums = sums.map((sum, i) => {
        const next = thiefTrainStep(models[i], optimizers[i], data[i].x, data[i].targets, rows, shift, shiftSeed, loss, sum);
        sum.dispose();
        return next;
      });
    },
    async readMeans(rows) {
      const values = await Promise.all(sums.map(async (s) => (await s.data())[0] / rows));
      tf.dispose(sums);
      sums = models.map(() => tf.scalar(0));
      return values;
    },
    sync() {},
    predict: (x) => Promise.all(models.map((m) => predictProbabilities(m, x))),
    dispose() {
      tf.dispose(sums);
      sums = [];
      models.forEach((m) => m.dispose());
      optimizers.forEach((o) => o.dispose());
    },
  };
}

/**
 * Thieves as one stack: starts from `models`' weights and trains them with `optimizer` (plain
 * soft-label cross-entropy, every thief on the same queries). The pack owns the models (kept as
 * views of the stack, written by sync()) and the optimizer, and frees them even when the stack
 * refuses the models (not an MLP, or not all alike).
 */
export function stackedPack(models: tf.LayersModel[], optimizer: tf.Optimizer): ThiefPack {
  let stack: StackedMlp;
  try {
    stack = StackedMlp.fromModels(models);
  } catch (e) {
    models.forEach((m) => m.dispose());
    optimizer.dispose();
    throw e;
  }
  let sums: tf.Tensor1D = tf.zeros([models.length]);
  return {
    kind: 'stacked',
    models,
    optimizers: models.map(() => optimizer),
    step(data, rows, shift, shiftSeed) {
      const x = data[0].x;
      if (data.some((d) => d.x !== x)) throw new Error('stackedPack: every thief must train on the same queries');
      const next = tf.tidy(() => {
        // The batch's rows, shifted, once for all thieves: the same images thiefTrainStep would gather for each.
        const xb = gatherShifted(x, rows, shift, shiftSeed);
        const picks = tf.tensor1d(rows, 'int32');
        const targets = tf.stack(data.map((d) => tf.gather(d.targets, picks))) as tf.Tensor3D;
        const losses = stack.trainStep(optimizer, xb, targets);
        return tf.add(sums, tf.mul(losses, rows.length)) as tf.Tensor1D;
      });
      sums.dispose();
      sums = next;
    },
    async readMeans(rows) {
      const values = Array.from(await sums.data(), (v) => v / rows);
      sums.dispose();
      sums = tf.zeros([models.length]);
      return values;
    },
    sync() {
      stack.writeTo(models);
    },
    predict: (x) => stack.predictProbabilities(x),
    dispose() {
      sums.dispose();
      stack.dispose();
      models.forEach((m) => m.dispose());
      optimizer.dispose();
    },
  };
}
