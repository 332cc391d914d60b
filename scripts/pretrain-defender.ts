/**
 * Makes the pretrained defender weights shipped in public/models/, with the same code the app
 * trains with (engine/defenderProvider.trainDefender) on the WASM backend in Node, so a class
 * can start at once on a machine without a GPU. Usage:
 *
 *   npx tsx scripts/pretrain-defender.ts [mnist|fashion-mnist ...]
 *
 * It trains with the default parameters (seed, defender epochs), evaluates on the full test set,
 * writes public/models/<key>/model.json + weights, and records key, accuracy, backend and time in
 * public/models/manifest.json. The app loads an entry only when the run's cache key matches.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadRealDataset } from '../src/data/testing';
import { imagesToFloat } from '../src/data/load';
import type { DatasetId } from '../src/data/manifest';
import { argmaxRows } from '../src/math/metrics';
import { useWasmBackendInNode } from '../src/models/testing';
import { predictProbabilities } from '../src/models/training';
import { DEFENDER_ARCH, defenderKey, trainDefender } from '../src/engine/defenderProvider';
import { checkSliceAccuracy } from '../src/engine/defenderCheck';
import { DEFAULT_PARAMS } from '../src/params/schema';

const MODELS_DIR = resolve(import.meta.dirname, '../public/models');

export interface ShippedEntry {
  key: string;
  path: string;
  dataset: DatasetId;
  architecture: string;
  seed: number;
  defenderEpochs: number;
  testAccuracy: number;
  /** Accuracy on the defender check's slice, which a loaded copy must match within its tolerance. */
  checkAccuracy: number;
  testImages: number;
  trainedOn: string;
  trainSeconds: number;
  /** SHA-256 (hex) of each file, checked by the app before tfjs reads the bytes. */
  sha256: Record<string, string>;
}

async function main() {
  const ids = (process.argv.slice(2).length ? process.argv.slice(2) : ['mnist', 'fashion-mnist']) as DatasetId[];
  await useWasmBackendInNode();
  const manifestPath = join(MODELS_DIR, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: ShippedEntry[] };
  for (const id of ids) {
    const config = { ...DEFAULT_PARAMS, dataset: id };
    const data = await loadRealDataset(id);
    const key = defenderKey(config);
    console.log(`${key}: training on ${id} (defender split), ${config.defenderEpochs} epochs, backend ${tf.getBackend()}`);
    const t0 = performance.now();
    let lastLog = 0;
    const model = await trainDefender(data, config, {
      onProgress: (done, total) => {
        if (performance.now() - lastLog > 15_000 || done === total) {
          lastLog = performance.now();
          console.log(`  step ${done}/${total} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
        }
      },
      checkpoint: async () => {},
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const [h, w, c] = data.shape;
    const x = tf.tensor4d(imagesToFloat(data.test.images), [data.test.count, h, w, c]);
    const pred = argmaxRows(await predictProbabilities(model, x), data.numClasses);
    x.dispose();
    let correct = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === data.test.labels[i]) correct++;
    const testAccuracy = correct / pred.length;
    // What the app's defender check holds these weights to (the first 1,000 test images).
    const checkAccuracy = await checkSliceAccuracy(model, data);
    const dir = join(MODELS_DIR, key);
    mkdirSync(dir, { recursive: true });
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weightsFile = 'weights.bin';
        writeFileSync(join(dir, weightsFile), Buffer.from(artifacts.weightData as ArrayBuffer));
        writeFileSync(
          join(dir, 'model.json'),
          JSON.stringify({
            format: 'layers-model',
            generatedBy: 'scripts/pretrain-defender.ts',
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
          }),
        );
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    model.dispose();
    const entry: ShippedEntry = {
      key,
      path: `${key}/model.json`,
      dataset: id,
      architecture: DEFENDER_ARCH,
      seed: config.seed,
      defenderEpochs: config.defenderEpochs,
      testAccuracy,
      testImages: pred.length,
      checkAccuracy,
      trainedOn: `tfjs ${tf.version.tfjs} ${tf.getBackend()} in Node ${process.version}`,
      trainSeconds: Math.round(trainSeconds),
      sha256: Object.fromEntries(['model.json', 'weights.bin'].map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')])),
    };
    manifest.models = [...manifest.models.filter((m) => m.key !== key), entry].sort((a, b) => a.key.localeCompare(b.key));
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`  ${key}: test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${pred.length} images, ${trainSeconds.toFixed(0)} s`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
