import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadRealDataset } from '../data/testing';
import { buildModel } from '../models/registry';
import { loadLayersModelFromDisk, useWasmBackendInNode } from '../models/testing';
import { DEFAULT_PARAMS } from '../params/schema';
import { checkDefender, CHECK_IMAGES } from './defenderCheck';
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
