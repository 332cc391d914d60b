import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadRealDataset } from '../data/testing';
import { buildModel } from '../models/registry';
import { loadLayersModelFromDisk, useWasmBackendInNode } from '../models/testing';
import { DEFAULT_PARAMS } from '../params/schema';
import { checkDefender, checkSliceAccuracy, CHECK_IMAGES, CHECK_TOLERANCE, recordedCheckAccuracy, stampCheckAccuracy } from './defenderCheck';
import { DEFENDER_ARCH, defenderKey, getDefender, memoryStore } from './defenderProvider';

const SHIPPED = resolve(import.meta.dirname, '../../public/models', `${defenderKey(DEFAULT_PARAMS)}/model.json`);
const noTraining = {
  onProgress: () => undefined,
  checkpoint: () => Promise.reject(new Error('the test does not let the defender train')),
};

describe('defenders prove themselves before a run uses them', () => {
  beforeAll(useWasmBackendInNode);

  it('the shipped MNIST defender passes; the same net untrained, or with one NaN weight, does not', async () => {
    const data = await loadRealDataset('mnist');
    const before = tf.memory().numTensors;
    const good = await loadLayersModelFromDisk(SHIPPED);
    const ok = await checkDefender(good, data);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.accuracy).toBeGreaterThan(0.98);

    const untrained = buildModel(DEFENDER_ARCH, { seed: 1, inputShape: [28, 28, 1], numClasses: 10 });
    const bad = await checkDefender(untrained, data);
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(new RegExp(`^it labels only \\d+\\.\\d% of ${CHECK_IMAGES.toLocaleString('en-US')} test images right`)) });

    // Flip one weight to NaN, as a damaged file would.
    const buf = good.weights[0].read().bufferSync();
    buf.set(Number.NaN, ...buf.indexToLoc(0));
    const damaged = buf.toTensor();
    good.weights[0].write(damaged);
    damaged.dispose();
    expect(await checkDefender(good, data)).toMatchObject({ ok: false, reason: expect.stringContaining('NaN or infinite') });
    good.dispose();
    untrained.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a model stamped with its slice accuracy must still score it: a damaged one above the 50% floor is refused, a cached one keeps its stamp', async () => {
    const data = await loadRealDataset('mnist');
    const model = await loadLayersModelFromDisk(SHIPPED);
    // The manifest records 0.99 for these weights; the same figure measured here passes.
    const shipped = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/models/manifest.json'), 'utf8')) as { models: { key: string; checkAccuracy: number }[] };
    const recorded = shipped.models.find((m) => m.key === defenderKey(DEFAULT_PARAMS))!.checkAccuracy;
    expect(await checkSliceAccuracy(model, data)).toBe(recorded);
    stampCheckAccuracy(model, recorded);
    expect(await checkDefender(model, data)).toMatchObject({ ok: true, accuracy: recorded });
    // Damage that keeps it over the floor: the first conv layer's kernel shrunk to a tenth.
    const kernel = model.weights[0].read();
    const shrunk = tf.mul(kernel, 0.1);
    model.weights[0].write(shrunk);
    shrunk.dispose();
    const damaged = await checkSliceAccuracy(model, data);
    expect(damaged).toBeGreaterThan(0.5);
    expect(Math.abs(damaged - recorded)).toBeGreaterThan(CHECK_TOLERANCE);
    expect(await checkDefender(model, data)).toMatchObject({
      ok: false,
      reason: `it labels ${(100 * damaged).toFixed(1)}% of 1,000 test images right, but 99.0% when it was made: the model has changed since`,
    });
    // Without a stamp the floor alone decides.
    model.setUserDefinedMetadata({});
    expect((await checkDefender(model, data)).ok).toBe(true);
    // The stamp survives the cache: saved with the model, read back with it.
    stampCheckAccuracy(model, 0.5);
    const store = memoryStore();
    await store.save('k', model);
    const back = (await store.load('k'))!;
    expect(recordedCheckAccuracy(back)).toBe(0.5);
    model.dispose();
    back.dispose();
  });

  it('a broken cached model is discarded and the shipped one used, and the run is told why', async () => {
    const data = await loadRealDataset('mnist');
    const store = memoryStore();
    const key = defenderKey(DEFAULT_PARAMS);
    const broken = buildModel(DEFENDER_ARCH, { seed: 3, inputShape: [28, 28, 1], numClasses: 10 });
    await store.save(key, broken);
    broken.dispose();
    const got = await getDefender(data, DEFAULT_PARAMS, store, () => loadLayersModelFromDisk(SHIPPED), noTraining);
    expect(got.source).toBe('shipped');
    expect(got.notes).toHaveLength(1);
    expect(got.notes[0]).toMatch(/^The defender cached in this browser failed its check: it labels only .*It was discarded\.$/);
    expect(store.keys()).toEqual([]);
    got.model.dispose();
  });

  it('shipped weights that fail to load are named, and the page hears before training that the defender trains live', async () => {
    const data = await loadRealDataset('mnist');
    const failing = () => Promise.reject(new Error('models/x/model.json: HTTP 404'));
    const heard: string[] = [];
    const hooks = { ...noTraining, onNote: (t: string) => heard.push(t) };
    await expect(getDefender(data, DEFAULT_PARAMS, memoryStore(), failing, hooks)).rejects.toThrow('the test does not let the defender train');
    expect(heard).toEqual([
      'The shipped weights could not be loaded (models/x/model.json: HTTP 404).',
      'So the defender is trained here, live (1,887 steps; Stop cancels it).',
    ]);
  });
});
