/**
 * The XNNPACK-only wasm BatchMatMul (wasmMatMul.ts) against the cpu backend and against the stock
 * wasm kernel: hand-checked products, every transpose / batch / broadcast case the models and the
 * stacked thieves use, gradients, and thief I trained 30 steps with each kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../math/random';
import { buildModel } from './registry';
import { createOptimizer, trainStep } from './training';
import { useWasmBackendInNode } from './testing';
import { registerWasmFastMatMul, unregisterWasmFastMatMul } from './wasmMatMul';

function normals(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The product on a backend, from the same plain arrays; the wasm run also checks that no buffer is left behind. */
async function productOn(backend: string, aShape: number[], bShape: number[], ta: boolean, tb: boolean): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const before = tf.findBackend(backend).numDataIds();
  const out = tf.tidy(() => tf.matMul(tf.tensor(normals(size(aShape), 1), aShape), tf.tensor(normals(size(bShape), 2), bShape), ta, tb));
  const values = (await out.data()) as Float32Array;
  const shape = out.shape;
  out.dispose();
  expect(tf.findBackend(backend).numDataIds(), `${backend} buffers`).toBe(before);
  return { shape, values };
}

function relErr(a: Float32Array, ref: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

beforeAll(async () => {
  await useWasmBackendInNode();
  expect(await tf.setBackend('cpu')).toBe(true);
});

afterAll(async () => {
  registerWasmFastMatMul();
  await tf.setBackend('cpu');
});

describe('registerWasmFastMatMul', () => {
  it('is registered with the other kernels (useWasmBackendInNode registers them all); unregister puts the stock kernel (and its setup) back', () => {
    const ours = tf.getKernel(tf.BatchMatMul, 'wasm');
    registerWasmFastMatMul();
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).toBe(ours);
    unregisterWasmFastMatMul();
    const stock = tf.getKernel(tf.BatchMatMul, 'wasm');
    expect(stock?.kernelFunc).not.toBe(ours?.kernelFunc);
    expect(ours?.setupFunc).toBe(stock?.setupFunc);
    registerWasmFastMatMul();
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc).toBe(ours?.kernelFunc);
  });

  it('gives hand-checked products with transposes and batches', async () => {
    await tf.setBackend('wasm');
    try {
      // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]].
      const A = tf.tensor2d([1, 2, 3, 4], [2, 2]);
      const B = tf.tensor2d([5, 6, 7, 8], [2, 2]);
      expect(Array.from(await tf.matMul(A, B, true, false).data())).toEqual([26, 30, 38, 44]); // AᵀB
      expect(Array.from(await tf.matMul(A, B, false, true).data())).toEqual([17, 23, 39, 53]); // ABᵀ
      expect(Array.from(await tf.matMul(A, B, true, true).data())).toEqual([23, 31, 34, 46]); // AᵀBᵀ
      // A batch of two right-hand matrices (B and 2B) against the one A: [AB, 2AB].
      const stacked = tf.stack([B, tf.mul(B, 2)]);
      const out = tf.matMul(A, stacked);
      expect(out.shape).toEqual([2, 2, 2]);
      expect(Array.from(await out.data())).toEqual([19, 22, 43, 50, 38, 44, 86, 100]);
      tf.dispose([A, B, stacked, out]);
    } finally {
      await tf.setBackend('cpu');
    }
  });

  // [a shape, b shape, transposeA, transposeB]: dense layers forward and backward (x·W, xᵀ·dy,
  // dy·Wᵀ), the stacked thieves' layers (a shared x against K weight matrices, K against K, and
  // their gradients), a 4-D batch, a broadcast of a single left matrix, and a mixed broadcast the
  // stock kernel keeps.
  const cases: [number[], number[], boolean, boolean][] = [
    [[64, 784], [784, 200], false, false],
    [[64, 784], [64, 200], true, false],
    [[64, 200], [784, 200], false, true],
    [[5, 17], [3, 5], true, true],
    [[64, 784], [8, 784, 200], false, false],
    [[8, 64, 200], [8, 200, 200], false, false],
    [[8, 64, 200], [8, 64, 10], true, false],
    [[8, 64, 10], [8, 200, 10], false, true],
    [[8, 64, 784], [784, 200], false, false],
    [[8, 784, 64], [784, 200], true, false],
    [[2, 3, 6, 5], [2, 3, 5, 4], false, false],
    [[1, 6, 5], [3, 5, 4], false, false],
    [[2, 1, 6, 5], [1, 3, 5, 4], false, false],
  ];
  it(`matches the cpu backend on ${cases.length} shapes (relative error ≤ 1e-5), leaving no buffer behind`, async () => {
    for (const [aShape, bShape, ta, tb] of cases) {
      const label = `[${aShape}]${ta ? 'ᵀ' : ''} · [${bShape}]${tb ? 'ᵀ' : ''}`;
      const ref = await productOn('cpu', aShape, bShape, ta, tb);
      const got = await productOn('wasm', aShape, bShape, ta, tb);
      expect(got.shape, label).toEqual(ref.shape);
      expect(relErr(got.values, ref.values), label).toBeLessThan(1e-5);
    }
    await tf.setBackend('cpu');
  });

  it('gives a dense layer the gradients the cpu backend gives', async () => {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor2d(normals(32 * 50, 3), [32, 50]);
      const w = tf.tensor2d(normals(50 * 20, 4), [50, 20]);
      const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, ww))));
      const [dx, dw] = g([x, w]);
      const out = [(await dx.data()) as Float32Array, (await dw.data()) as Float32Array];
      tf.dispose([x, w, dx, dw]);
      return out;
    };
    const ref = await grads('cpu');
    const got = await grads('wasm');
    expect(relErr(got[0], ref[0])).toBeLessThan(1e-5);
    expect(relErr(got[1], ref[1])).toBeLessThan(1e-5);
    await tf.setBackend('cpu');
  });

  it('trains thief I 30 Adam steps to the stock kernel\'s losses (within 1e-4)', async () => {
    const losses = async () => {
      await tf.setBackend('wasm');
      const model = buildModel('I', { seed: 5 });
      const optimizer = createOptimizer('adam', 1e-3);
      const rng = createRng(6);
      const x = tf.tensor4d(Float32Array.from({ length: 64 * 784 }, () => rng.next()), [64, 28, 28, 1]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from({ length: 64 }, () => rng.int(10)), 'int32'), 10).toFloat() as tf.Tensor2D);
      const out: number[] = [];
      for (let s = 0; s < 30; s++) {
        const loss = trainStep(model, optimizer, x, y, 'cross-entropy');
        out.push((await loss.data())[0]);
        loss.dispose();
      }
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
      return out;
    };
    const fast = await losses();
    unregisterWasmFastMatMul();
    try {
      const stock = await losses();
      // The loss falls (the steps train) and the two kernels agree step by step.
      expect(fast[29]).toBeLessThan(fast[0] * 0.5);
      for (let s = 0; s < 30; s++) expect(Math.abs(fast[s] - stock[s]), `step ${s}`).toBeLessThan(1e-4);
    } finally {
      registerWasmFastMatMul();
      await tf.setBackend('cpu');
    }
  });
});
