import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadRealDataset, sliceDataset } from '../data/testing';
import type { Dataset } from '../data/load';
import { DEFAULT_PARAMS } from '../params/schema';
import { buildModel } from '../models/registry';
import { predictProbabilities } from '../models/training';
import { expectNoLeak, loadLayersModelFromDisk, useWasmBackendInNode } from '../models/testing';
import { defenderKey, memoryStore } from './defenderProvider';
import { Oracle } from './oracle';
import { runExperiment, type LiveModels, type RunContext } from './experiment';
import { NoDefenderError, PadClassifier, snapshotThieves, testImage, type ThiefSnapshot } from './classify';
import type { ExperimentConfig } from './protocol';

// The shipped MNIST defender (seed 1, 3 epochs) on the WASM backend in Node, real test images.
const MODEL = resolve(import.meta.dirname, '../../public/models', defenderKey(DEFAULT_PARAMS), 'model.json');
const loader = async (config: ExperimentConfig) => (defenderKey(config) === defenderKey(DEFAULT_PARAMS) ? loadLayersModelFromDisk(MODEL) : null);

let data: Dataset;

beforeAll(async () => {
  await useWasmBackendInNode();
  data = sliceDataset(await loadRealDataset('mnist'), 1200, 50);
});

/** What a thief's oracle answers for the same image, straight from Oracle.answer. */
async function oracleAnswer(config: ExperimentConfig, pixels: Float32Array) {
  const defender = await loadLayersModelFromDisk(MODEL);
  const x = tf.tensor4d(pixels, [1, 28, 28, 1]);
  try {
    return await new Oracle(defender, config, 10).answer(x);
  } finally {
    x.dispose();
    defender.dispose();
  }
}

/** A quiet run on the shipped defender (no events kept, no yielding, a still clock). */
const runContext = (runId: number): RunContext => ({
  runId,
  dataset: data,
  backend: 'wasm',
  store: memoryStore(),
  shippedDefender: loader,
  emit: () => undefined,
  isCancelled: () => false,
  yieldNow: () => Promise.resolve(),
  now: () => 0,
});

const expectSameVector = (actual: number[], expected: ArrayLike<number>) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, j) => expect(v).toBe(expected[j]));
};

describe('PadClassifier: the drawing pad’s answers', () => {
  it('the defended answer is exactly Oracle.answer’s, for every kind of defense, and nothing leaks', async () => {
    const image = testImage(data, 3);
    expect(image.label).toBe(data.test.labels[3]);
    const configs: ExperimentConfig[] = [
      DEFAULT_PARAMS,
      { ...DEFAULT_PARAMS, beta: 1.5, gamma: 2 },
      { ...DEFAULT_PARAMS, defense: 'epsilon', epsilon: 0.05 },
      { ...DEFAULT_PARAMS, defense: 'epsilon', epsilon: 0.05, renorm: 'centering' },
      { ...DEFAULT_PARAMS, defense: 'uniform', noise: 0.3 },
      { ...DEFAULT_PARAMS, defense: 'sine', noise: 0.3 },
    ];
    await expectNoLeak(async () => {
      const pad = new PadClassifier(loader);
      for (const [i, config] of configs.entries()) {
        const r = await pad.classify(image.pixels, config, i + 1, { keep: true });
        const direct = await oracleAnswer(config, image.pixels);
        expect(r.classifyId).toBe(i + 1);
        expectSameVector(r.defender, direct.original);
        expectSameVector(r.defended, direct.defended);
        expect(r.thiefUndefended).toBeNull();
        expect(r.thiefDefended).toBeNull();
        expect(r.thiefRunId).toBeNull();
      }
      // The shipped defender knows this test digit; the defenses keep the top class here.
      const r = await pad.classify(image.pixels, DEFAULT_PARAMS, 9, { keep: true });
      expect(r.defender.indexOf(Math.max(...r.defender))).toBe(image.label);
      expect(r.defended.indexOf(Math.max(...r.defended))).toBe(image.label);
      pad.dispose();
    });
  });

  it('caches the defender between calls (no tensors come or go), and keep: false leaves nothing behind', async () => {
    const pixels = testImage(data, 0).pixels;
    const pad = new PadClassifier(loader);
    const before = tf.memory().numTensors;
    await pad.classify(pixels, DEFAULT_PARAMS, 1, { keep: true });
    const cached = tf.memory().numTensors;
    expect(cached).toBeGreaterThan(before);
    await expectNoLeak(() => pad.classify(pixels, { ...DEFAULT_PARAMS, beta: 0.3 }, 2, { keep: true }));
    pad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const fresh = new PadClassifier(loader);
    await expectNoLeak(() => fresh.classify(pixels, DEFAULT_PARAMS, 3, { keep: false }));
  });

  it('never trains: without a cached or shipped defender it says so', async () => {
    const pad = new PadClassifier(loader);
    await expect(pad.classify(new Float32Array(784), { ...DEFAULT_PARAMS, seed: 5 }, 1, { keep: true })).rejects.toBeInstanceOf(NoDefenderError);
    await expect(pad.classify(new Float32Array(10), DEFAULT_PARAMS, 2, { keep: true })).rejects.toThrow(/10 pixels/);
    pad.dispose();
  });

  it('rebuilds the thieves from copied weights: the same answers as the originals, freed when a new run starts', async () => {
    const config: ExperimentConfig = { ...DEFAULT_PARAMS, substitute: 'I', seed: 1 };
    const undefended = buildModel('I', { seed: 11, inputShape: [28, 28, 1], numClasses: 10 });
    const defended = buildModel('I', { seed: 12, inputShape: [28, 28, 1], numClasses: 10 });
    const pixels = testImage(data, 5).pixels;
    const x = tf.tensor4d(pixels, [1, 28, 28, 1]);
    const expectedU = await predictProbabilities(undefended, x);
    const expectedD = await predictProbabilities(defended, x);
    x.dispose();
    const snapshot = await expectNoLeak(() => snapshotThieves(4, { undefended, defended, config }));
    undefended.dispose();
    defended.dispose();
    expect(snapshot.inputShape).toEqual([28, 28, 1]);
    expect(snapshot.numClasses).toBe(10);

    const before = tf.memory().numTensors;
    // Any settings get the MNIST defender here, so the data-set switch below reaches the thieves.
    const pad = new PadClassifier(() => loadLayersModelFromDisk(MODEL));
    pad.setThieves(snapshot);
    const r = await pad.classify(pixels, DEFAULT_PARAMS, 1, { keep: true });
    expect(r.thiefRunId).toBe(4);
    r.thiefUndefended!.forEach((v, j) => expect(v).toBeCloseTo(expectedU[j], 6));
    r.thiefDefended!.forEach((v, j) => expect(v).toBeCloseTo(expectedD[j], 6));
    // Cached: a second call builds nothing.
    await expectNoLeak(() => pad.classify(pixels, DEFAULT_PARAMS, 2, { keep: true }));
    // Another data set: these thieves do not answer (and their models are freed); back again, they do.
    const other = await pad.classify(pixels, { ...DEFAULT_PARAMS, dataset: 'fashion-mnist' }, 3, { keep: true });
    expect(other.thiefUndefended).toBeNull();
    expect(other.thiefRunId).toBeNull();
    const back = await pad.classify(pixels, DEFAULT_PARAMS, 3, { keep: true });
    back.thiefDefended!.forEach((v, j) => expect(v).toBeCloseTo(expectedD[j], 6));
    // A new run starts: the thieves go.
    pad.setThieves(null);
    const after = await pad.classify(pixels, DEFAULT_PARAMS, 4, { keep: true });
    expect(after.thiefUndefended).toBeNull();
    expect(after.thiefRunId).toBeNull();
    pad.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a running experiment lends its models: at a checkpoint the pad answers with the thieves as trained so far', async () => {
    const config: ExperimentConfig = { ...DEFAULT_PARAMS, substitute: 'I', budget: 300, thiefEpochs: 1, evalSize: 100 };
    const pixels = testImage(data, 2).pixels;
    const pad = new PadClassifier(loader);
    const expectedDefender = (await oracleAnswer(config, pixels)).original;
    let live: (LiveModels & { runId: number }) | null = null;
    const lentCalls: (number | null)[] = [];
    const answers: { r: Awaited<ReturnType<PadClassifier['classify']>>; u: Float32Array; d: Float32Array }[] = [];
    let asked = 0;
    const summary = await runExperiment(config, {
      ...runContext(8),
      // The worker answers the pad inside the run's checkpoints: so does this test, once per budget step.
      yieldNow: async () => {
        if (!live || asked === live.queries) return;
        asked = live.queries;
        const x = tf.tensor4d(pixels, [1, 28, 28, 1]);
        const u = await predictProbabilities(live.undefended, x);
        const d = await predictProbabilities(live.defended, x);
        x.dispose();
        answers.push({ r: await pad.classify(pixels, config, asked, { keep: false, live }), u, d });
      },
      now: () => 0,
      onLiveModels: (m) => {
        lentCalls.push(m ? m.queries : null);
        live = m && { ...m, runId: 8 };
      },
    });
    // Lent after each budget step, taken back before the models are freed.
    expect(lentCalls).toEqual([150, 300, null]);
    expect(answers.map((a) => [a.r.thiefLive, a.r.thiefQueries, a.r.thiefRunId])).toEqual([
      [true, 150, 8],
      [true, 300, 8],
    ]);
    for (const { r, u, d } of answers) {
      // Exactly the lent thieves' predictions at that moment, and the run's own defender.
      expectSameVector(r.thiefUndefended!, u);
      expectSameVector(r.thiefDefended!, d);
      expectSameVector(r.defender, expectedDefender);
    }
    // The thieves learned between the two steps: their answers moved.
    expect(answers[1].r.thiefUndefended).not.toEqual(answers[0].r.thiefUndefended);
    // The pad borrowed, never kept: the run's tensor count is back where it began.
    expect(summary.numTensorsAfter).toBe(summary.numTensorsBefore);
    pad.dispose();
  });

  it('a real run hands its thieves over through onThieves, and its tensor count still returns to baseline', async () => {
    const config: ExperimentConfig = { ...DEFAULT_PARAMS, substitute: 'I', budget: 150, thiefEpochs: 1, evalSize: 100, fgsmEps: 0.3 };
    let snapshot: ThiefSnapshot | null = null;
    const pad = new PadClassifier(loader);
    const baseline = tf.memory().numTensors;
    // A defender cached before the run stays cached across it.
    await pad.classify(testImage(data, 1).pixels, config, 1, { keep: true });
    const before = tf.memory().numTensors;
    const summary = await runExperiment(config, {
      ...runContext(7),
      onThieves: async (thieves) => {
        snapshot = await snapshotThieves(7, thieves);
      },
    });
    expect(summary.numTensorsAfter).toBe(summary.numTensorsBefore);
    expect(tf.memory().numTensors).toBe(before);
    expect(snapshot).not.toBeNull();
    pad.setThieves(snapshot);
    const r = await pad.classify(testImage(data, 1).pixels, config, 2, { keep: true });
    expect(r.thiefRunId).toBe(7);
    for (const answer of [r.thiefUndefended!, r.thiefDefended!]) {
      expect(answer).toHaveLength(10);
      expect(answer.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    pad.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
