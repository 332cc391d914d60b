/**
 * Thieves trained together (engine/thiefPack.ts, engine/experiment.ts runExperimentGroup) against
 * the same thieves trained alone: a stack of a run's two MLP thieves, and a group of β, γ settings
 * sharing one defender, one set of queries and one undefended thief, must give every setting
 * exactly the numbers of its own run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/load';
import { useWasmBackendInNode } from '../models/testing';
import { memoryStore } from './defenderProvider';
import { runExperiment, runExperimentGroup, type RunContext } from './experiment';
import type { ExperimentConfig, RunSummary } from './protocol';
import { loadMnistSlice, MNIST_SLICE_CONFIG, recordingRunContext, pointsOf as points } from './testContext';

const CONFIG = MNIST_SLICE_CONFIG;

let data: Dataset;
const store = memoryStore();

beforeAll(async () => {
  await useWasmBackendInNode();
  data = await loadMnistSlice();
});

const context = (over: Partial<RunContext> = {}) => recordingRunContext(data, over, store);


/**
 * A summary without what depends on how the run was scheduled: wall time, group size, tensor
 * counts, and whether the defender was trained or came from the cache (the same weights: the
 * first run of the file trains it, the others load it).
 */
function numbers(s: RunSummary) {
  const { wallMs: _w, group: _g, numTensorsBefore: _b, numTensorsAfter: _a, defenderSource: _d, ...rest } = s;
  return rest;
}

describe('thieves trained together (WASM backend, Node)', () => {
  it("a run's two MLP thieves train as one stack, with exactly the numbers of training them one by one", async () => {
    for (const config of [CONFIG, { ...CONFIG, thiefProtocol: 'fresh', thiefSteps: 7 } as ExperimentConfig, { ...CONFIG, attack: 'argmax' } as ExperimentConfig]) {
      const stackedOptimizers: boolean[] = [];
      const stacked = context({ onThiefTraining: (e) => void stackedOptimizers.push(e.undefended.optimizer === e.defended.optimizer) });
      const alone = context({ stackThieves: false, onThiefTraining: (e) => void stackedOptimizers.push(e.undefended.optimizer === e.defended.optimizer) });
      const before = tf.memory().numTensors;
      const a = await runExperiment(config, stacked);
      const b = await runExperiment(config, alone);
      expect(tf.memory().numTensors).toBe(before);
      // One optimizer for both thieves means one stack; two, one by one (2 budget steps × start/end each).
      expect(stackedOptimizers).toEqual([true, true, true, true, false, false, false, false]);
      expect(numbers(a)).toEqual(numbers(b));
      expect(points(stacked.events)).toEqual(points(alone.events));
      expect(points(stacked.events)).toHaveLength(2);
    }
  });

  it('a group of β, γ settings gives each setting exactly its own run’s summary and curve, trained in one pass', async () => {
    const configs: ExperimentConfig[] = [
      { ...CONFIG, beta: 0.8, gamma: 0.5 },
      { ...CONFIG, beta: 0.9, gamma: 0.2 },
      { ...CONFIG, beta: 1.0, gamma: 1 },
    ];
    const group = context();
    const before = tf.memory().numTensors;
    const runs = await runExperimentGroup(configs, group);
    expect(tf.memory().numTensors).toBe(before);
    expect(runs.map((r) => r.config)).toEqual(configs);
    for (const [i, config] of configs.entries()) {
      const alone = context();
      const summary = await runExperiment(config, alone);
      expect(numbers(runs[i].summary), `β ${config.beta}, γ ${config.gamma}`).toEqual(numbers(summary));
      expect(runs[i].points).toEqual(points(alone.events));
      expect(runs[i].summary.group).toBe(3);
      // The events speak for the first setting, as if it ran alone.
      if (i === 0) expect(points(group.events)).toEqual(points(alone.events));
    }
    // The settings differ where the defense does, and share what it does not.
    const finals = runs.map((r) => r.summary.final);
    expect(new Set(finals.map((f) => f.cost.cosine)).size).toBe(3);
    expect(new Set(finals.map((f) => JSON.stringify(f.undefended))).size).toBe(1);
    expect(runs[2].summary.protectedAgreement).toBeLessThanOrEqual(runs[0].summary.protectedAgreement);
  });

  it('refuses a group whose runs cannot share a pass (params/runGroups.ts says which)', () => {
    const rs = { ...CONFIG, defense: 'reverse-sigmoid' } as ExperimentConfig;
    return expect(runExperimentGroup([rs, { ...rs, budget: 600 }], context())).rejects.toThrow(/more than β and γ/);
  });
});
