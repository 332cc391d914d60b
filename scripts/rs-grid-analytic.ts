/**
 * `npx tsx scripts/rs-grid-analytic.ts`: the analytic pass of the reverse-sigmoid grid search.
 * For each data set, the shipped defender (seed 1) answers all 10,000 test images in Node on
 * WASM; every (β, γ) cell of the grid is applied to those answers (src/math/defenseGrid.ts) and
 * the figures are written to src/reproduction/rsGridAnalytic.json, which the reproduction plan
 * reads to decide which cells to train (only those that keep honest users' top class) and in
 * which order. No thief is trained; the whole pass takes seconds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadRealDataset } from '../src/data/testing';
import { imagesToFloat } from '../src/data/load';
import type { DatasetId } from '../src/data/manifest';
import { analyzeReverseSigmoidGrid, gridCells } from '../src/math/defenseGrid';
import { argmaxRows } from '../src/math/metrics';
import { loadLayersModelFromDisk, useWasmBackendInNode } from '../src/models/testing';
import { predictProbabilities } from '../src/models/training';
import { defenderKey } from '../src/engine/defenderProvider';
import { DEFAULT_PARAMS } from '../src/params/schema';
import { RS_GRID_BETAS, RS_GRID_GAMMAS, RS_GRID_MIN_TOP_UNCHANGED } from '../src/reproduction/rsGridCells';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'src/reproduction/rsGridAnalytic.json');

async function main() {
  await useWasmBackendInNode();
  const manifest = JSON.parse(readFileSync(join(ROOT, 'public/models/manifest.json'), 'utf8')) as { models: { key: string; path: string }[] };
  const datasets: Record<string, unknown> = {};
  for (const id of ['mnist', 'fashion-mnist'] as DatasetId[]) {
    const t0 = performance.now();
    const ds = await loadRealDataset(id);
    const key = defenderKey({ ...DEFAULT_PARAMS, dataset: id, seed: 1 });
    const entry = manifest.models.find((m) => m.key === key);
    if (!entry) throw new Error(`no shipped defender ${key}`);
    const model = await loadLayersModelFromDisk(join(ROOT, 'public/models', entry.path));
    const n = ds.test.count;
    const [h, w, c] = ds.shape;
    const x = tf.tensor4d(imagesToFloat(ds.test.images, Uint32Array.from({ length: n }, (_, i) => i)), [n, h, w, c]);
    const probs = await predictProbabilities(model, x);
    x.dispose();
    model.dispose();
    const k = ds.numClasses;
    const pred = argmaxRows(probs, k);
    const defenderAccuracy = pred.reduce((a, p, i) => a + (p === ds.test.labels[i] ? 1 : 0), 0) / n;
    const t1 = performance.now();
    const cells = analyzeReverseSigmoidGrid(probs, k, gridCells(RS_GRID_BETAS, RS_GRID_GAMMAS), ds.test.labels);
    const ms = performance.now() - t1;
    const round = (v: number | null) => (v === null ? null : Number(v.toFixed(5)));
    datasets[id] = {
      defender: key,
      testImages: n,
      defenderAccuracy: round(defenderAccuracy),
      msForGrid: Math.round(ms),
      cells: cells.map((cell) => Object.fromEntries(Object.entries(cell).map(([f, v]) => [f, f === 'beta' || f === 'gamma' ? v : round(v as number | null)]))),
    };
    const passing = cells.filter((cell) => cell.topUnchanged >= RS_GRID_MIN_TOP_UNCHANGED).length;
    console.log(`${id}: defender ${(defenderAccuracy * 100).toFixed(2)}% on ${n}; ${cells.length} cells in ${ms.toFixed(0)} ms (${((performance.now() - t0) / 1000).toFixed(1)} s with the predictions); ${passing} keep the top class for ≥ ${RS_GRID_MIN_TOP_UNCHANGED * 100}%`);
  }
  const out = { generated: 'npx tsx scripts/rs-grid-analytic.ts', betas: RS_GRID_BETAS, gammas: RS_GRID_GAMMAS, minTopUnchanged: RS_GRID_MIN_TOP_UNCHANGED, datasets };
  writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
  console.log(`wrote ${OUT}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
