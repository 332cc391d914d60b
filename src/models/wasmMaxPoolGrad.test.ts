/**
 * The one-pass wasm MaxPoolGrad (wasmMaxPoolGrad.ts) against tfjs-backend-wasm's own, bit for bit:
 * ReLU-like inputs full of ties and zeros, negatives, 'valid' and 'same' pools of odd sizes,
 * non-finite gradients, and the overlapping pool it leaves to the stock kernel; and a hand case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../math/random';
import { useWasmBackendInNode } from './testing';
import { registerWasmFastMaxPoolGrad, unregisterWasmFastMaxPoolGrad } from './wasmMaxPoolGrad';

beforeAll(async () => {
  await useWasmBackendInNode();
});

afterAll(() => {
  registerWasmFastMaxPoolGrad();
});

/** x's gradient through maxPool(x) · w for a fixed w (so dy = w), on the registered kernel. */
async function poolGrad(x: Float32Array, shape: [number, number, number, number], dy: Float32Array, size: number, stride: number, pad: 'valid' | 'same'): Promise<Float32Array> {
  const before = tf.findBackend('wasm').numDataIds();
  const out = tf.tidy(() => {
    const xt = tf.tensor4d(x, shape);
    const y = tf.maxPool(xt, size, stride, pad);
    const w = tf.tensor(dy.subarray(0, y.size), y.shape);
    return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, stride, pad), w)))(xt);
  });
  const values = (await out.data()) as Float32Array;
  out.dispose();
  expect(tf.findBackend('wasm').numDataIds()).toBe(before);
  return values;
}

async function both(...args: Parameters<typeof poolGrad>) {
  const ours = await poolGrad(...args);
  unregisterWasmFastMaxPoolGrad();
  try {
    return { ours, stock: await poolGrad(...args) };
  } finally {
    registerWasmFastMaxPoolGrad();
  }
}

/** ReLU-like values: a third exactly zero, the rest from a handful of levels (many ties). */
function reluish(n: number, seed: number, negatives = false): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() < 0.33 ? 0 : (negatives ? -1 : 1) * Math.floor(rng.next() * 4) * 0.25 + (negatives ? 0.3 : 0)));
}

describe('registerWasmFastMaxPoolGrad', () => {
  it('routes each window’s gradient to its maximum: a hand case with a tie (the last equal maximum wins, as the stock kernel)', async () => {
    // One 2×4 image, two 2×2 windows: [1 3 | 5 5] / [2 3 | 0 1]. Maxima: 3 (the later, row 2) and 5 (the later, row 1).
    const got = await poolGrad(Float32Array.of(1, 3, 5, 5, 2, 3, 0, 1), [1, 2, 4, 1], Float32Array.of(10, 20), 2, 2, 'valid');
    expect(Array.from(got)).toEqual([0, 0, 0, 20, 0, 10, 0, 0]);
  });

  const cases: [string, [number, number, number, number], number, number, 'valid' | 'same'][] = [
    ['the defender’s first pool (batch 8)', [8, 26, 26, 32], 2, 2, 'valid'],
    ['the defender’s second pool (odd size: the last row and column dropped)', [16, 11, 11, 64], 2, 2, 'valid'],
    ["'same' on an odd size (padded)", [3, 7, 9, 5], 2, 2, 'same'],
    ['3×3 windows, stride 3', [2, 9, 10, 3], 3, 3, 'valid'],
    ['overlapping 3×3, stride 2 (the stock kernel)', [2, 9, 9, 3], 3, 2, 'valid'],
  ];
  for (const [name, shape, size, stride, pad] of cases) {
    it(`is the stock kernel bit for bit: ${name}`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const rng = createRng(9);
      const dy = Float32Array.from({ length: n }, () => rng.normal());
      for (const negatives of [false, true]) {
        const { ours, stock } = await both(reluish(n, 4, negatives), shape, dy, size, stride, pad);
        expect(ours).toEqual(stock);
      }
    });
  }

  it('spreads a non-finite gradient over its window as the stock kernel does (NaN × 0 is NaN)', async () => {
    const shape: [number, number, number, number] = [2, 4, 4, 2];
    const dy = Float32Array.from({ length: 16 }, (_, i) => (i === 3 ? Number.NaN : i === 6 ? Number.POSITIVE_INFINITY : i - 5));
    const { ours, stock } = await both(reluish(64, 2), shape, dy, 2, 2, 'valid');
    expect(ours).toEqual(stock);
    expect(ours.some(Number.isNaN)).toBe(true);
  });
});
