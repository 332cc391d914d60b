import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { toyDataset, TOY_TRAIN_COUNT } from '../data/toyDataset';
import type { Dataset } from '../data/load';
import { reverseSigmoidBatch } from '../math/defenses';
import { budgetSchedule } from '../math/schedule';
import { gridPoints, REGION_SIDE } from '../math/regionGrid';
import { DEFAULT_PARAMS } from '../params/schema';
import { enterPlayground } from '../params/playground';
import { useWasmBackendInNode } from '../models/testing';
import { defendedPlane } from '../store/playground';
import { trainDefender } from './defenderProvider';
import { imagesToFloat } from '../data/load';
import { runExperiment, type RunContext } from './experiment';
import { createRegionPainter, dataSample } from './regions';
import type { EngineEvent, ExperimentConfig, RegionsFrame } from './protocol';
import { recordingRunContext, pointsOf } from './testContext';

// The playground runs the lab's engine on 2-D points: the same runExperiment, oracle, attacks and
// thieves, only the data set and the models' input shape differ.
const CONFIG: ExperimentConfig = { ...enterPlayground({ ...DEFAULT_PARAMS, seed: 3 }), dataset: 'moons', toyClasses: 2, toyNoise: 0.1, evalSize: 1000 };

let data: Dataset;
beforeAll(async () => {
  await useWasmBackendInNode();
  data = toyDataset(CONFIG as Parameters<typeof toyDataset>[0] & ExperimentConfig);
});

const context = (over: Partial<RunContext> = {}) => recordingRunContext(data, over);


describe('the playground on two moons (WASM backend, Node)', () => {
  let plain: { events: EngineEvent[]; summary: Awaited<ReturnType<typeof runExperiment>> };
  const frames: RegionsFrame[] = [];

  it('is the lab’s settings made fit for 2-D points', () => {
    expect(CONFIG.substitute).toBe('mlp');
    expect(CONFIG.shift).toBe(0);
    expect(CONFIG.budget).toBe(1200);
    expect(data.shape).toEqual([1, 2, 1]);
    expect(data.train.count).toBe(TOY_TRAIN_COUNT);
  });

  it('runs the whole theft through runExperiment and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const ctx = context();
    const summary = await runExperiment(CONFIG, ctx);
    plain = { events: ctx.events, summary };
    expect(tf.memory().numTensors).toBe(before);
    expect(summary.numTensorsAfter).toBe(summary.numTensorsBefore);
    // Two moons at noise 0.1 are separable: the MLP defender gets nearly all of them.
    expect(summary.defenderAccuracy).toBeGreaterThan(0.95);
    const pts = pointsOf(ctx.events);
    expect(pts.map((p) => p.queries)).toEqual(budgetSchedule(1200));
    // 1,200 honest answers copy most of the defender's regions (0.905 measured at seed 3 with 20
    // epochs per step at Adam 1e-2), and more answers copy more; the reverse sigmoid's flattened
    // answers copy less (0.705).
    expect(pts.at(-1)!.undefended.agreement).toBeGreaterThan(0.85);
    expect(pts.at(-1)!.undefended.agreement).toBeGreaterThan(pts[0]!.undefended.agreement);
    expect(pts.at(-1)!.defended.agreement).toBeLessThan(pts.at(-1)!.undefended.agreement - 0.1);
    expect(summary.defenderSource).toBe('trained');
  });

  it('fits the hardest shape: a 3-arm spiral at noise 0.1 (one nearest neighbour: 100%)', async () => {
    // At the image defender's Adam rate (1e-3) the same 1,008 steps left it at 59% here.
    const spiral = toyDataset({ dataset: 'spiral', toyClasses: 3, toyNoise: 0.1, toySeed: 1 });
    const model = await trainDefender(spiral, CONFIG, { onProgress: () => {}, checkpoint: () => Promise.resolve() });
    try {
      const x = tf.tensor4d(imagesToFloat(spiral.test.images, undefined, 2), [spiral.test.count, 1, 2, 1]);
      const predicted = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(-1).dataSync());
      x.dispose();
      let right = 0;
      for (let i = 0; i < spiral.test.count; i++) if (predicted[i] === spiral.test.labels[i]) right++;
      expect(right / spiral.test.count).toBeGreaterThan(0.97);
    } finally {
      model.dispose();
    }
  });

  it('paints the plane after every budget step without changing a number of the run', async () => {
    const before = tf.memory().numTensors;
    const ctx = context({
      onBudgetStep: async (live) => {
        frames.push(await painter.frame(live));
      },
    });
    const painter = createRegionPainter(data, () => Promise.resolve());
    const summary = await runExperiment(CONFIG, ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(pointsOf(ctx.events)).toEqual(pointsOf(plain.events));
    expect(summary.final).toEqual(plain.summary.final);
    expect(frames.map((f) => f.queries)).toEqual(budgetSchedule(1200));
    const f = frames.at(-1)!;
    expect(f.side).toBe(REGION_SIDE);
    expect(f.defender).toHaveLength(REGION_SIDE * REGION_SIDE * 2);
    // Sample attack: both thieves asked the same points; one point per query.
    expect(f.undefendedPoints).toEqual(f.defendedPoints);
    expect(f.undefendedPointClasses).toHaveLength(1200);
    for (const v of f.undefendedPoints) expect(v >= 0 && v <= 1).toBe(true);
    const sample = dataSample(data);
    expect(f.dataPoints).toEqual(sample.xy);
  });

  it('draws the defended answers the oracle hands out, and the page redraws them at any β with the same function', () => {
    const f = frames.at(-1)!;
    // The worker's defended plane is the reverse sigmoid of its honest plane at the run's β, γ …
    expect(f.defended).toEqual(reverseSigmoidBatch(f.defender, 2, CONFIG.beta, CONFIG.gamma));
    // … so the page's live picture at the run's settings is bit for bit the oracle's …
    expect(defendedPlane(f, CONFIG).probs).toEqual(f.defended);
    // … and another β gives another picture, with no retraining.
    const other = defendedPlane(f, { ...CONFIG, beta: 0.2 }).probs;
    expect(other).not.toEqual(f.defended);
    expect(other).toEqual(reverseSigmoidBatch(f.defender, 2, 0.2, CONFIG.gamma));
  });

  it('the grid covers the unit square cell by cell, top row first', () => {
    const g = gridPoints(2);
    expect(Array.from(g)).toEqual([0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25]);
  });

  it('a Jacobian thief’s query points double every round, and its new points are its own', async () => {
    const seen: RegionsFrame[] = [];
    const painter = createRegionPainter(data, () => Promise.resolve());
    const config: ExperimentConfig = { ...CONFIG, attack: 'jacobian', budget: 600 };
    await runExperiment(config, context({ onBudgetStep: async (live) => void seen.push(await painter.frame(live)) }));
    expect(seen.map((f) => f.undefendedPointClasses.length)).toEqual([150, 300, 600]);
    expect(seen.map((f) => f.defendedPointClasses.length)).toEqual([150, 300, 600]);
    // Round 0 is shared; from round 1 on each thief augments with its own gradients.
    const last = seen.at(-1)!;
    expect(Array.from(last.undefendedPoints.subarray(0, 300))).toEqual(Array.from(last.defendedPoints.subarray(0, 300)));
    expect(Array.from(last.undefendedPoints.subarray(300))).not.toEqual(Array.from(last.defendedPoints.subarray(300)));
    // Each augmented point is a seed point moved by λ = 0.1 along each axis (or clipped at the square's edge).
    const first = last.undefendedPoints;
    for (let i = 150; i < 300; i++) {
      for (let d = 0; d < 2; d++) {
        const moved = Math.abs(first[2 * i + d] - first[2 * (i - 150) + d]);
        expect(moved <= 0.1 + 1e-6).toBe(true);
      }
    }
  });
});
