/**
 * Speed of the ε counter-attack oracle (models/counterAttack) on the shipped MNIST defender:
 *
 *   npx tsx scripts/bench-epsilon.ts [--batches 64,256] [--runs 5] [--backend wasm|cpu] [--check N]
 *
 * For each batch size B it times `logitGradientGram` (the K×K logit-gradient Gram matrices, fast
 * path) and `epsilonCounterAttack` (Gram + the float64 direction on the CPU) on the first B MNIST
 * test images, `--runs` times after one warm-up, and prints the median ms per image and the
 * median per-stage breakdown (setFastGramStageTimer: logits forward, fast-path forward, backward
 * δ, conv Gram, dense Gram, read-back). `--check N` (default 4, 0 = off) also compares the fast
 * path with the reference path (tf.variableGrads) on N images and prints the relative error.
 *
 * Every time is given twice: wall clock, and the CPU time of this process (process.cpuUsage),
 * which the other jobs on a shared machine disturb much less (the WASM backend runs in this
 * single thread). Stages are in CPU time. Compare medians.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadRealDataset } from '../src/data/testing';
import { epsilonCounterAttack, logitGradientGram } from '../src/models/counterAttack';
import { setFastGramStageTimer, type FastGramStage } from '../src/models/gramFast';
import { loadLayersModelFromDisk, useWasmBackendInNode } from '../src/models/testing';

const MODELS = resolve(import.meta.dirname, '../public/models');
const KEY = 'mtl-v2-mnist-defender-s1-e3';
const STAGES: FastGramStage[] = ['logits', 'forward', 'backward', 'convGram', 'denseGram', 'readback'];

function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

/** CPU time of this process so far, ms (user + system, all threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
  const batches = option('batches', '64,256').split(',').map(Number);
  const runs = Number(option('runs', '5'));
  const backend = option('backend', 'wasm');
  const check = Number(option('check', '4'));
  if (backend === 'wasm') await useWasmBackendInNode();
  else if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  await tf.ready();

  const manifest = JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8')) as { models: { key: string; path: string }[] };
  const entry = manifest.models.find((m) => m.key === KEY);
  if (!entry) throw new Error(`${KEY} is not in public/models/manifest.json`);
  const model = await loadLayersModelFromDisk(join(MODELS, entry.path));
  const ds = await loadRealDataset('mnist');
  const px = 28 * 28;
  const maxB = Math.max(...batches, check);
  const pixels = new Float32Array(maxB * px);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ds.test.images[i % (ds.test.count * px)] / 255;
  const all = tf.tensor4d(pixels, [maxB, 28, 28, 1]);
  console.log(`backend ${tf.getBackend()}, defender ${KEY}, ${runs} runs per batch after 1 warm-up, median ms per image`);

  const tensorsBefore = tf.memory().numTensors;
  for (const b of batches) {
    const x = tf.slice(all, [0, 0, 0, 0], [b, -1, -1, -1]);
    await logitGradientGram(model, x, { method: 'fast' }); // warm-up: kernel setup, first allocations
    const gram = { wall: [] as number[], cpu: [] as number[] };
    const eps = { wall: [] as number[], cpu: [] as number[] };
    const stageMs = new Map<FastGramStage, number[]>(STAGES.map((s) => [s, []]));
    const timeIt = async (into: typeof gram, f: () => Promise<unknown>) => {
      const w0 = performance.now();
      const c0 = cpuMs();
      await f();
      into.cpu.push((cpuMs() - c0) / b);
      into.wall.push((performance.now() - w0) / b);
    };
    for (let run = 0; run < runs; run++) {
      const acc = new Map<FastGramStage, number>();
      setFastGramStageTimer((stage, ms) => acc.set(stage, (acc.get(stage) ?? 0) + ms), cpuMs);
      await timeIt(gram, () => logitGradientGram(model, x, { method: 'fast' }));
      setFastGramStageTimer(null);
      for (const s of STAGES) stageMs.get(s)?.push((acc.get(s) ?? 0) / b);
      await timeIt(eps, () => epsilonCounterAttack(model, x, { epsilon: 0.01, direction: 'onehot', renorm: 'none' }));
    }
    const fmt = (t: typeof gram) =>
      `wall ${median(t.wall).toFixed(2)} / cpu ${median(t.cpu).toFixed(2)} ms/img (cpu runs ${t.cpu.map((v) => v.toFixed(1)).join(' ')})`;
    const stages = STAGES.map((s) => `${s} ${median(stageMs.get(s) ?? []).toFixed(2)}`).join(', ');
    console.log(`B = ${String(b).padStart(4)}: logitGradientGram ${fmt(gram)}`);
    console.log(`          epsilonCounterAttack ${fmt(eps)}`);
    console.log(`          stages (cpu ms/img): ${stages}`);
    x.dispose();
  }
  console.log(`tensors left behind by the timed calls: ${tf.memory().numTensors - tensorsBefore}`);

  if (check > 0) {
    const x = tf.slice(all, [0, 0, 0, 0], [check, -1, -1, -1]);
    const fast = await logitGradientGram(model, x, { method: 'fast' });
    const ref = await logitGradientGram(model, x, { method: 'reference' });
    const kk = fast.numClasses * fast.numClasses;
    let worst = 0;
    for (let s = 0; s < ref.gram.length; s += kk) {
      let scale = 0;
      let diff = 0;
      for (let i = s; i < s + kk; i++) {
        scale = Math.max(scale, Math.abs(ref.gram[i]));
        diff = Math.max(diff, Math.abs(fast.gram[i] - ref.gram[i]));
      }
      worst = Math.max(worst, diff / scale);
    }
    console.log(`check: fast vs reference logit Gram on ${check} images, max rel. err per K×K block ${worst.toExponential(2)}`);
    x.dispose();
  }
  all.dispose();
  model.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
