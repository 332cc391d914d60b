/**
 * Times the WASM training step with tfjs-backend-wasm's own Conv2DBackpropInput ("stock") against
 * ours (src/models/wasmKernels.ts registerWasmConv2DBackpropInput, "fast"), in Node.
 *
 *   npx tsx scripts/bench-conv-grad.ts                  # defender, X, A, Y at batch 64
 *   MODELS=defender,Y ROUNDS=7 STEPS=5 BATCH=64 npx tsx scripts/bench-conv-grad.ts
 *
 * Per model: one model + Adam optimizer, 2 warm-up steps per variant, then ROUNDS rounds that each
 * time STEPS steps with one kernel and STEPS with the other (the order alternates per round), so
 * both variants see the same machine load. Every step awaits the loss. Reports the median ms/step
 * over all timed steps of each variant, and the median of per-round ratios.
 * Then times the bare kernel on the models' backprop-input shapes (KERNEL=0 skips it).
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelId } from '../src/models/registry';
import { useWasmBackendInNode } from '../src/models/testing';
import { createOptimizer, trainStep } from '../src/models/training';
import { registerWasmConv2DBackpropInput, unregisterWasmConv2DBackpropInput } from '../src/models/wasmKernels';

const MODELS = (process.env.MODELS ?? 'defender,X,A,Y').split(',') as ModelId[];
const BATCH = Number(process.env.BATCH ?? 64);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const STEPS = Number(process.env.STEPS ?? 5);
const WARMUP = 2;

type Variant = 'stock' | 'fast';

function use(v: Variant): void {
  if (v === 'fast') registerWasmConv2DBackpropInput();
  else unregisterWasmConv2DBackpropInput();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function randomBatch(batch: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const xv = new Float32Array(batch * 28 * 28);
  for (let i = 0; i < xv.length; i++) xv[i] = next();
  const yv = new Float32Array(batch * 10);
  for (let r = 0; r < batch; r++) yv[r * 10 + Math.floor(next() * 10)] = 1;
  return { x: tf.tensor4d(xv, [batch, 28, 28, 1]), y: tf.tensor2d(yv, [batch, 10]) };
}

async function benchModel(id: ModelId): Promise<void> {
  const model = buildModel(id, { seed: 1 });
  const optimizer = createOptimizer('adam', 1e-3);
  const { x, y } = randomBatch(BATCH, 7);
  const step = async (): Promise<number> => {
    const t0 = performance.now();
    const loss = trainStep(model, optimizer, x, y, 'cross-entropy');
    await loss.data();
    loss.dispose();
    return performance.now() - t0;
  };
  const times: Record<Variant, number[]> = { stock: [], fast: [] };
  const ratios: number[] = [];
  for (const v of ['stock', 'fast'] as const) {
    use(v);
    for (let i = 0; i < WARMUP; i++) await step();
  }
  for (let r = 0; r < ROUNDS; r++) {
    const order: Variant[] = r % 2 === 0 ? ['stock', 'fast'] : ['fast', 'stock'];
    const roundMs: Record<Variant, number[]> = { stock: [], fast: [] };
    for (const v of order) {
      use(v);
      for (let i = 0; i < STEPS; i++) roundMs[v].push(await step());
    }
    times.stock.push(...roundMs.stock);
    times.fast.push(...roundMs.fast);
    ratios.push(median(roundMs.stock) / median(roundMs.fast));
  }
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  const s = median(times.stock);
  const f = median(times.fast);
  console.log(
    `${id.padEnd(8)} stock ${s.toFixed(1).padStart(7)} ms/step   fast ${f.toFixed(1).padStart(7)} ms/step   ` +
      `speed-up ${(s / f).toFixed(2)}× (per-round ratios ${ratios.map((q) => q.toFixed(2)).join(' ')})`,
  );
}

/** The bare kernel, dx of a 3×3 'valid'/'same' conv: stock vs fast, median of 9 runs. */
async function benchKernel(): Promise<void> {
  const shapes: { x: [number, number, number, number]; cout: number; pad: 'valid' | 'same' }[] = [
    { x: [BATCH, 28, 28, 1], cout: 32, pad: 'valid' }, // conv1: only for input gradients
    { x: [BATCH, 13, 13, 32], cout: 64, pad: 'valid' }, // defender / A conv2
    { x: [BATCH, 13, 13, 64], cout: 128, pad: 'valid' }, // X / Y conv2
    { x: [BATCH, 5, 5, 128], cout: 128, pad: 'valid' }, // Y conv3
    { x: [BATCH, 26, 26, 64], cout: 128, pad: 'valid' },
    { x: [BATCH, 13, 13, 32], cout: 64, pad: 'same' },
  ];
  for (const c of shapes) {
    const info = tf.backend_util.computeConv2DInfo(c.x, [3, 3, c.x[3], c.cout], 1, 1, c.pad);
    const dy = tf.randomNormal([BATCH, info.outHeight, info.outWidth, c.cout], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, c.x[3], c.cout], 0, 1, 'float32', 2) as tf.Tensor4D;
    const ms: Record<Variant, number[]> = { stock: [], fast: [] };
    for (let r = 0; r < 10; r++) {
      for (const v of ['stock', 'fast'] as const) {
        use(v);
        const t0 = performance.now();
        const dx = tf.conv2dTranspose(dy, w, c.x, 1, c.pad);
        await dx.data();
        const t = performance.now() - t0;
        dx.dispose();
        if (r > 0) ms[v].push(t);
      }
    }
    tf.dispose([dy, w]);
    const s = median(ms.stock);
    const f = median(ms.fast);
    console.log(
      `  dx [${c.x.join(',')}] ←${c.cout} ${c.pad.padEnd(5)}: stock ${s.toFixed(2).padStart(7)} ms   fast ${f.toFixed(2).padStart(7)} ms   ${(s / f).toFixed(1)}×`,
    );
  }
}

await useWasmBackendInNode();
console.log(`tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, batch ${BATCH}, ${ROUNDS} rounds × ${STEPS} steps per variant`);
for (const id of MODELS) await benchModel(id);
if (process.env.KERNEL !== '0') {
  console.log('Conv2DBackpropInput alone (median of 9):');
  await benchKernel();
}
registerWasmConv2DBackpropInput();
