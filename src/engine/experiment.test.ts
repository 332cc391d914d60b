import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { sliceDataset } from '../data/testing';
import type { Dataset } from '../data/load';
import { DEFAULT_PARAMS, PARAMS } from '../params/schema';
import { budgetSchedule } from '../math/schedule';
import { memoryStore } from './defenderProvider';
import { useWasmBackendInNode } from '../models/testing';
import { buildModel } from '../models/registry';
import {
  CancelledError,
  createThiefOptimizer,
  runExperiment,
  THIEF_BATCH,
  THIEF_OPTIMIZER_SETTINGS,
  thiefSeed,
  type LiveModels,
  type RunContext,
  type ThiefTrainingEvent,
} from './experiment';
import { cleanAnswers } from './queries';
import { createPauseGate, pausableYield } from './pauseGate';
import type { EngineEvent, ExperimentConfig } from './protocol';
import { loadMnistSlice, MNIST_SLICE_CONFIG, recordingRunContext, pointsOf as points } from './testContext';

const CONFIG = MNIST_SLICE_CONFIG;

let data: Dataset;
const store = memoryStore();

beforeAll(async () => {
  await useWasmBackendInNode();
  data = await loadMnistSlice();
});

const context = (over: Partial<RunContext> = {}) => recordingRunContext(data, over, store);


describe('runExperiment on real MNIST slices (WASM backend, Node)', () => {
  let first: Awaited<ReturnType<typeof runExperiment>>;
  let firstEvents: EngineEvent[];

  it('trains the defender, streams one point per budget step, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const ctx = context();
    first = await runExperiment(CONFIG, ctx);
    firstEvents = ctx.events;
    expect(tf.memory().numTensors).toBe(before);
    expect(first.numTensorsAfter).toBe(first.numTensorsBefore);

    expect(points(ctx.events).map((p) => p.queries)).toEqual(budgetSchedule(300));
    expect(first.defenderSource).toBe('trained');
    expect(store.keys()).toHaveLength(1);
    // One epoch on 804 images: far from 99%, but clearly learning (chance is 10%).
    expect(first.defenderAccuracy).toBeGreaterThan(0.5);
    expect(first.queries).toBe(300);
    for (const p of points(ctx.events)) {
      for (const v of [p.undefended.accuracy, p.undefended.agreement, p.defended.accuracy, p.defended.agreement]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      // Reverse sigmoid keeps the top class for confident answers; MAE and KL are positive.
      expect(p.cost.argmaxUnchanged).toBeGreaterThan(0.9);
      expect(p.cost.mae).toBeGreaterThan(0);
      expect(p.cost.kl).toBeGreaterThan(0);
      expect(p.cost.meanSum).toBeCloseTo(1, 5);
    }
    // The thief trained on honest probabilities learns something from 300 queries.
    expect(first.final.undefended.agreement).toBeGreaterThan(0.3);
    // Phases in order, progress with an ETA, a strip of sample answers.
    const phases = ctx.events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(phases).toEqual(['defender', 'attack', 'fgsm']);
    expect(ctx.events.some((e) => e.type === 'progress' && e.etaMs !== null && e.done < e.total)).toBe(true);
    const samples = ctx.events.find((e) => e.type === 'samples');
    expect(samples?.type === 'samples' && samples.samples.length).toBe(8);
  });

  it('same config and seed → the same numbers (defender now from the cache), waiting for the page after each result it shows', async () => {
    // What the engine had just posted each time it waited for the page to draw.
    const waitedAfter: string[] = [];
    const ctx = context({
      waitForPage: () => {
        waitedAfter.push(ctx.events.at(-1)!.type);
        return Promise.resolve();
      },
    });
    const again = await runExperiment(CONFIG, ctx);
    expect(waitedAfter).toEqual(['phase', 'defender', 'samples', ...budgetSchedule(300).map(() => 'point')]);
    expect(again.defenderSource).toBe('cache');
    expect(again.defenderAccuracy).toBe(first.defenderAccuracy);
    expect(points(ctx.events)).toEqual(points(firstEvents));
    expect(again.fgsm).toEqual(first.fgsm);
  });

  it('a pause holds the run between steps; resumed, it ends with the same numbers and a wall time without the pause', async () => {
    const gate = createPauseGate();
    let clock = 0; // ms; only the run's own calls move it
    let pausedTicks = 0;
    const base = context();
    const ctx = context({
      now: () => gate.activeMs((clock += 10)),
      yieldNow: pausableYield(gate, () => false, () => new Promise((r) => setTimeout(r, 0))),
      emit: (e) => {
        base.events.push(e);
        // Pause right after the first curve point, as a student would mid-run.
        if (e.type === 'point' && e.point.queries === 150) gate.pause(clock);
      },
    });
    const running = runExperiment(CONFIG, ctx);
    // While paused: the run makes no progress (no events) over many turns of the event loop.
    await vi.waitFor(() => expect(gate.paused).toBe(true), { timeout: 60_000 });
    // The pause takes hold at the next checkpoint (within one step); from then on nothing moves.
    await new Promise((r) => setTimeout(r, 50));
    const heldAt = base.events.length;
    for (; pausedTicks < 20; pausedTicks++) await new Promise((r) => setTimeout(r, 5));
    expect(base.events.length).toBe(heldAt);
    expect(points(base.events)).toHaveLength(1);
    clock += 60_000; // a minute on the wall clock while paused
    gate.resume(clock);
    const summary = await running;
    expect(points(base.events)).toEqual(points(firstEvents));
    expect(summary.fgsm).toEqual(first.fgsm);
    // The paused minute is not in the run's time.
    expect(summary.wallMs).toBeLessThan(60_000);
    expect(gate.pausedMs(clock)).toBe(60_000);
  });

  it('a stop while paused ends the run at once and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const gate = createPauseGate();
    let cancelled = false;
    const ctx = context({
      isCancelled: () => cancelled,
      yieldNow: pausableYield(gate, () => cancelled, () => new Promise((r) => setTimeout(r, 0))),
      emit: (e) => {
        if (e.type === 'point') gate.pause(0);
      },
    });
    const running = runExperiment(CONFIG, ctx);
    await vi.waitFor(() => expect(gate.paused).toBe(true), { timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 20));
    cancelled = true;
    gate.wake();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('"retrain" ignores the cached defender and trains a fresh one', async () => {
    const ctx = context({ retrainDefender: true });
    const summary = await runExperiment({ ...CONFIG, budget: 150, thiefEpochs: 1 }, ctx);
    expect(summary.defenderSource).toBe('trained');
    const defenderEvent = ctx.events.find((e) => e.type === 'defender');
    expect(defenderEvent?.type === 'defender' && defenderEvent.source).toBe('trained');
  });

  it('a stop is honoured at the next step, and the cancelled run leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    let yields = 0;
    let cancelledAt = -1;
    const ctx = context({
      yieldNow: async () => {
        yields++;
      },
      isCancelled: () => {
        // Ask to stop in the middle of the thieves' training (after a few steps).
        if (cancelledAt < 0 && ctx.events.some((e) => e.type === 'progress' && e.phase === 'attack')) cancelledAt = yields;
        return cancelledAt >= 0;
      },
    });
    await expect(runExperiment(CONFIG, ctx)).rejects.toBeInstanceOf(CancelledError);
    // The flag was seen at the very checkpoint after it was raised: no further step ran.
    expect(yields).toBe(cancelledAt);
    expect(points(ctx.events)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an error mid-run (a budget beyond the attacker pool) is reported and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    // The attacker holds about 33% of 600 images (196 after per-class rounding), so 300 queries of real images cannot be served.
    const small = context({ dataset: sliceDataset(data, 600, 200) });
    await expect(runExperiment({ ...CONFIG, budget: 450 }, small)).rejects.toThrow(/pool has \d+ images; a budget of 300/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Jacobian augmentation doubles each thief’s set every round', async () => {
    const before = tf.memory().numTensors;
    const ctx = context();
    const summary = await runExperiment({ ...CONFIG, attack: 'jacobian', budget: 600, thiefEpochs: 1 }, ctx);
    expect(points(ctx.events).map((p) => p.queries)).toEqual([150, 300, 600]);
    // Round 0: 150 shared seed queries; then each thief asks about its own 150, then 300 new points.
    expect(summary.queries).toBe(150 + 2 * 150 + 2 * 300);
    expect(points(ctx.events).map((p) => p.oracleQueries)).toEqual([150, 450, 1050]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['mse', 'rs-layer', 'inversion', 'argmax', 'random'] as const)('the %s attack runs end to end and leaks nothing', async (attack) => {
    const before = tf.memory().numTensors;
    const ctx = context();
    const summary = await runExperiment({ ...CONFIG, attack, budget: 150, thiefEpochs: 1 }, ctx);
    expect(points(ctx.events)).toHaveLength(1);
    const p = summary.final;
    for (const v of [p.undefended.accuracy, p.defended.accuracy, summary.fgsm.undefended, summary.fgsm.defended]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    if (attack === 'inversion') {
      expect(ctx.events.some((e) => e.type === 'phase' && /inversion MLP on \d+ answer pairs/.test(e.detail))).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cleanAnswers clips to [0, 1] and renormalises (hand values)', () => {
    const out = cleanAnswers(new Float32Array([1.1, -0.1, 0, 0.5, 0.6, -0.1, -1, -1, -1]), 3);
    const want = [1, 0, 0, 0.5 / 1.1, 0.6 / 1.1, 0, 1 / 3, 1 / 3, 1 / 3];
    want.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
  });

  it('raw ε answers leave [0, 1] (reported), and a cleaning thief still trains on finite losses', async () => {
    const before = tf.memory().numTensors;
    const ctx = context();
    const summary = await runExperiment(
      { ...CONFIG, defense: 'epsilon', epsilon: 0.1, renorm: 'none', cleaning: 'clean', budget: 150, thiefEpochs: 1, evalSize: 100 },
      ctx,
    );
    // ε = 0.1 pushes the smallest probabilities below 0: the cost table shows it.
    expect(summary.final.cost.minEntry).toBeLessThan(0);
    expect(summary.final.cost.minEntry).toBeGreaterThanOrEqual(-0.1 - 1e-6);
    expect(summary.final.defended.loss).not.toBeNull();
    expect(Number.isFinite(summary.final.defended.loss!)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** All weights of a model, concatenated (reads only: no tensors are made). */
async function flatWeights(model: tf.LayersModel): Promise<Float32Array> {
  const parts = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface TrainingRecord {
  stage: ThiefTrainingEvent['stage'];
  stepIndex: number;
  budget: number;
  models: [tf.LayersModel, tf.LayersModel];
  optimizers: [tf.Optimizer, tf.Optimizer];
  iterations: [number, number];
  weights: [Float32Array, Float32Array];
}

/** A context that records every onThiefTraining call (weights read out, iterations) and every lending. */
function recordingContext(over: Partial<RunContext> = {}) {
  const training: TrainingRecord[] = [];
  const lent: (LiveModels | null)[] = [];
  const ctx = context({
    onThiefTraining: async (e) => {
      training.push({
        stage: e.stage,
        stepIndex: e.stepIndex,
        budget: e.budget,
        models: [e.undefended.model, e.defended.model],
        optimizers: [e.undefended.optimizer, e.defended.optimizer],
        iterations: [e.undefended.optimizer.iterations, e.defended.optimizer.iterations],
        weights: [await flatWeights(e.undefended.model), await flatWeights(e.defended.model)],
      });
    },
    onLiveModels: (m) => lent.push(m),
    ...over,
  });
  return { ctx, training, lent };
}

const at = (records: TrainingRecord[], stage: TrainingRecord['stage'], stepIndex: number) =>
  records.find((r) => r.stage === stage && r.stepIndex === stepIndex)!;

describe('thief protocols and optimizers (WASM backend, Node)', () => {
  // Far fewer steps than the slider allows (min 100), to keep the test fast; 7 is no multiple of
  // a pass (3 batches at 150 answers, 5 at 300), so the chunked read-back is exercised too.
  const FRESH: ExperimentConfig = { ...CONFIG, thiefProtocol: 'fresh', thiefSteps: 7 };

  it("'continue' (the default) trains the same two networks on: Σ ceil(b / 64) · E optimizer steps, numbers unchanged by the hooks", async () => {
    expect(DEFAULT_PARAMS.thiefProtocol).toBe('continue');
    expect(DEFAULT_PARAMS.thiefOptimizer).toBe('adam');
    const { ctx, training, lent } = recordingContext();
    await runExperiment(CONFIG, ctx);
    const schedule = budgetSchedule(CONFIG.budget);
    let cumulative = 0;
    schedule.forEach((b, i) => {
      const start = at(training, 'start', i);
      const end = at(training, 'end', i);
      expect(start.iterations).toEqual([cumulative, cumulative]);
      cumulative += Math.ceil(b / THIEF_BATCH) * CONFIG.thiefEpochs;
      expect(end.iterations).toEqual([cumulative, cumulative]);
      // The same networks and optimizers throughout.
      expect(start.models).toEqual(at(training, 'start', 0).models);
      expect(start.optimizers[0]).toBe(at(training, 'start', 0).optimizers[0]);
      expect(start.optimizers[0]).toBeInstanceOf(tf.AdamOptimizer);
      if (i > 0) expect(start.weights[0]).toEqual(at(training, 'end', i - 1).weights[0]);
    });
    expect(cumulative).toBe(3 * 2 + 5 * 2);
    // Both start from the same weights (thiefSeed(seed, 0) = seed + 1, as before the option).
    expect(at(training, 'start', 0).weights[1]).toEqual(at(training, 'start', 0).weights[0]);
    expect(thiefSeed(CONFIG.seed, 0)).toBe(CONFIG.seed + 1);
    expect(lent.map((m) => m?.undefended ?? null)).toEqual([at(training, 'end', 0).models[0], at(training, 'end', 1).models[0], null]);
    const attackProgress = ctx.events.flatMap((e) => (e.type === 'progress' && e.phase === 'attack' ? [e] : []));
    expect(attackProgress.at(-1)).toMatchObject({ done: cumulative, total: cumulative });
    // Bit for bit a run without the hooks (same config and seed).
    const plain = context();
    await runExperiment(CONFIG, plain);
    expect(points(ctx.events)).toEqual(points(plain.events));
  });

  it("'fresh' rebuilds both thieves at every budget step from the step's seed, trains exactly N steps, re-lends them and leaks nothing", async () => {
    const before = tf.memory().numTensors;
    let padChecks = 0;
    const rec = recordingContext({
      // The drawing pad predicts with the lent models at checkpoints: they must never be disposed then.
      yieldNow: async () => {
        const live = rec.lent.at(-1);
        if (!live) return;
        tf.tidy(() => {
          const x = tf.zeros([1, 28, 28, 1]);
          live.undefended.predict(x);
          live.defended.predict(x);
        });
        padChecks++;
      },
    });
    const { ctx, training, lent } = rec;
    const summary = await runExperiment(FRESH, ctx);
    expect(summary.numTensorsAfter).toBe(summary.numTensorsBefore);
    expect(tf.memory().numTensors).toBe(before);
    expect(padChecks).toBeGreaterThan(FRESH.thiefSteps); // the pad was served during step 2's training

    const schedule = budgetSchedule(FRESH.budget);
    expect(schedule).toEqual([150, 300]);
    expect(training.map((r) => `${r.stage}${r.stepIndex}`)).toEqual(['start0', 'end0', 'start1', 'end1']);
    for (let i = 0; i < schedule.length; i++) {
      const start = at(training, 'start', i);
      const end = at(training, 'end', i);
      // Both thieves start each step from identical weights, on fresh optimizers, and take N steps.
      expect(start.weights[1]).toEqual(start.weights[0]);
      expect(start.iterations).toEqual([0, 0]);
      expect(end.iterations).toEqual([FRESH.thiefSteps, FRESH.thiefSteps]);
      expect(end.models).toEqual(start.models);
      expect(start.models[0]).not.toBe(start.models[1]);
      // Trained: the weights moved, and the two thieves (different answers) apart.
      expect(end.weights[0]).not.toEqual(start.weights[0]);
      expect(end.weights[1]).not.toEqual(end.weights[0]);
    }
    // Step 2 starts from NEW networks and optimizers, not from where step 1 ended.
    const [s0, e0, s1] = [at(training, 'start', 0), at(training, 'end', 0), at(training, 'start', 1)];
    expect(s1.models[0]).not.toBe(e0.models[0]);
    expect(s1.models[1]).not.toBe(e0.models[1]);
    expect(s1.optimizers[0]).not.toBe(e0.optimizers[0]);
    expect(s1.weights[0]).not.toEqual(e0.weights[0]);
    expect(s1.weights[0]).not.toEqual(s0.weights[0]);
    // … and each step's start is exactly a fresh build with that step's seed.
    for (const r of [s0, s1]) {
      const fresh = buildModel(FRESH.substitute, { seed: thiefSeed(FRESH.seed, r.stepIndex) });
      try {
        expect(r.weights[0]).toEqual(await flatWeights(fresh));
      } finally {
        fresh.dispose();
      }
    }
    // The lending follows the rebuild: step 1's models, then step 2's, then nothing.
    expect(lent.map((m) => (m ? [m.undefended, m.defended, m.queries] : null))).toEqual([
      [e0.models[0], e0.models[1], 150],
      [at(training, 'end', 1).models[0], at(training, 'end', 1).models[1], 300],
      null,
    ]);
    // Progress totals: N steps per budget step.
    const attackProgress = ctx.events.flatMap((e) => (e.type === 'progress' && e.phase === 'attack' ? [e] : []));
    expect(attackProgress.every((e) => e.total === schedule.length * FRESH.thiefSteps)).toBe(true);
    expect(attackProgress.at(-1)).toMatchObject({ done: 14, total: 14 });
    expect(points(ctx.events).map((p) => p.queries)).toEqual([150, 300]);
    for (const name of ['undefended', 'defended'] as const) expect(Number.isFinite(summary.final[name].loss!)).toBe(true);
  });

  it('sgdm: SGD with momentum 0.9 at 0.01 (the declared constants, quoted by the option label), in a fresh Jacobian run that leaks nothing', async () => {
    const opt = createThiefOptimizer('sgdm');
    try {
      expect(opt).toBeInstanceOf(tf.MomentumOptimizer);
      expect(opt.getConfig()).toEqual({ learningRate: 0.01, momentum: 0.9, useNesterov: false });
    } finally {
      opt.dispose();
    }
    expect(THIEF_OPTIMIZER_SETTINGS.sgdm).toEqual({ kind: 'momentum', learningRate: 0.01, momentum: 0.9 });
    const adam = createThiefOptimizer('adam');
    expect(adam).toBeInstanceOf(tf.AdamOptimizer);
    expect(adam.getConfig()).toMatchObject({ learningRate: 1e-3 });
    adam.dispose();
    const onPoints = createThiefOptimizer('adam', 'points');
    expect(onPoints.getConfig()).toMatchObject({ learningRate: 1e-2 });
    onPoints.dispose();
    const { sgdm, adam: adamSettings } = THIEF_OPTIMIZER_SETTINGS;
    expect(PARAMS.thiefOptimizer.optionLabels.sgdm).toContain(`momentum ${sgdm.momentum}`);
    expect(PARAMS.thiefOptimizer.optionLabels.sgdm).toContain(`learning rate ${sgdm.learningRate}`);
    expect(PARAMS.thiefOptimizer.optionLabels.adam).toContain(`learning rate ${adamSettings.learningRate.toFixed(3)}`);
    expect(PARAMS.thiefOptimizer.optionLabels.adam).toContain(`${adamSettings.pointsLearningRate} on 2-D points`);

    const before = tf.memory().numTensors;
    const { ctx, training } = recordingContext();
    const config: ExperimentConfig = { ...FRESH, thiefOptimizer: 'sgdm', attack: 'jacobian', budget: 600 };
    const summary = await runExperiment(config, ctx);
    expect(training.filter((r) => r.stage === 'start')).toHaveLength(3);
    for (const r of training) {
      expect(r.optimizers[0]).toBeInstanceOf(tf.MomentumOptimizer);
      expect(r.optimizers[0].getConfig()).toEqual({ learningRate: 0.01, momentum: 0.9, useNesterov: false });
      expect(r.iterations).toEqual(r.stage === 'start' ? [0, 0] : [7, 7]);
    }
    // The Jacobian rounds query as before (each thief's own points from the latest trained thief).
    expect(summary.queries).toBe(150 + 2 * 150 + 2 * 300);
    expect(summary.numTensorsAfter).toBe(summary.numTensorsBefore);
    expect(tf.memory().numTensors).toBe(before);
    // Deterministic: the same config and seed give the same numbers (and the hooks change none).
    const again = context();
    await runExperiment(config, again);
    expect(points(again.events)).toEqual(points(ctx.events));
  });

  it("a stop during a 'fresh' run's second budget step leaves no tensors behind (old and new thieves freed)", async () => {
    const before = tf.memory().numTensors;
    let cancelled = false;
    const ctx = context({
      isCancelled: () => cancelled,
      onThiefTraining: (e) => {
        if (e.stage === 'start' && e.stepIndex === 1) cancelled = true;
      },
    });
    await expect(runExperiment(FRESH, ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(points(ctx.events)).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
