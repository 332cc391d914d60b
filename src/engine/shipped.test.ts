import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadRealDataset } from '../data/testing';
import { imagesToFloat } from '../data/load';
import type { DatasetId } from '../data/manifest';
import { argmaxRows } from '../math/metrics';
import { loadLayersModelFromDisk, useWasmBackendInNode } from '../models/testing';
import { predictProbabilities } from '../models/training';
import { DEFAULT_PARAMS } from '../params/schema';
import { defenderKey } from './defenderProvider';
import { sha256Hex, shippedDefenderLoader } from './shipped';
import { checkSliceAccuracy, recordedCheckAccuracy } from './defenderCheck';

const MODELS = resolve(import.meta.dirname, '../../public/models');
const manifest = JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8')) as {
  models: { key: string; path: string; dataset: DatasetId; testAccuracy: number; testImages: number; checkAccuracy: number; sha256: Record<string, string> }[];
};
/** The targets for the default defender. */
const TARGET: Record<DatasetId, number> = { mnist: 0.985, 'fashion-mnist': 0.88 };


describe('shipped pretrained defenders', () => {
  beforeAll(useWasmBackendInNode);

  it('ships one for each data set with the default settings', () => {
    for (const dataset of ['mnist', 'fashion-mnist'] as const) {
      expect(manifest.models.map((m) => m.key)).toContain(defenderKey({ ...DEFAULT_PARAMS, dataset }));
    }
  });

  for (const entry of manifest.models) {
    it(`${entry.key} loads and reaches its stated accuracy on the full test set`, async () => {
      const before = tf.memory().numTensors;
      const data = await loadRealDataset(entry.dataset);
      const model = await loadLayersModelFromDisk(join(MODELS, entry.path));
      // The figure the app's defender check holds these weights to is theirs.
      expect(await checkSliceAccuracy(model, data)).toBe(entry.checkAccuracy);
      const [h, w, c] = data.shape;
      const x = tf.tensor4d(imagesToFloat(data.test.images), [data.test.count, h, w, c]);
      const pred = argmaxRows(await predictProbabilities(model, x), data.numClasses);
      x.dispose();
      model.dispose();
      let correct = 0;
      for (let i = 0; i < pred.length; i++) if (pred[i] === data.test.labels[i]) correct++;
      const accuracy = correct / pred.length;
      expect(pred.length).toBe(entry.testImages);
      // The same weights on the same backend: identical up to float rounding at a tie or two.
      expect(Math.abs(accuracy - entry.testAccuracy)).toBeLessThanOrEqual(0.0005);
      expect(accuracy).toBeGreaterThanOrEqual(TARGET[entry.dataset]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('the site’s loader stamps each shipped model with its manifest’s check accuracy', async () => {
    // The site's files, served from disk: the loader fetches manifest.json, model.json and weights.bin.
    vi.stubGlobal('fetch', async (url: URL) => {
      const path = join(MODELS, decodeURIComponent(url.pathname.replace(/^\/models\//, '')));
      const bytes = readFileSync(path);
      return new Response(new Uint8Array(bytes));
    });
    try {
      const load = shippedDefenderLoader('http://site.test/');
      for (const dataset of ['mnist', 'fashion-mnist'] as const) {
        const model = (await load({ ...DEFAULT_PARAMS, dataset }))!;
        const entry = manifest.models.find((m) => m.key === defenderKey({ ...DEFAULT_PARAMS, dataset }))!;
        expect(recordedCheckAccuracy(model)).toBe(entry.checkAccuracy);
        model.dispose();
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('hashes with SHA-256 (the FIPS 180-2 example "abc"), and the manifest holds the hash of every shipped file', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const entry of manifest.models) {
      const dir = entry.path.slice(0, entry.path.lastIndexOf('/') + 1);
      expect(Object.keys(entry.sha256).sort(), entry.key).toEqual(['model.json', 'weights.bin']);
      for (const [file, hash] of Object.entries(entry.sha256)) {
        const bytes = readFileSync(join(MODELS, dir, file));
        expect(await sha256Hex(new Uint8Array(bytes)), `${dir}${file}`).toBe(hash);
      }
    }
  });
});
