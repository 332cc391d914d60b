/**
 * The wasm Sum over leading axes (wasmSum.ts) against tfjs-backend-wasm's own, bit for bit, and
 * the reductions it leaves to the stock kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../math/random';
import { useWasmBackendInNode } from './testing';
import { registerWasmFastSum, unregisterWasmFastSum } from './wasmSum';

beforeAll(async () => {
  await useWasmBackendInNode();
});

afterAll(() => {
  registerWasmFastSum();
});

async function sumOf(values: Float32Array | Int32Array, shape: number[], axis: number | number[], keepDims: boolean) {
  const before = tf.findBackend('wasm').numDataIds();
  const out = tf.tidy(() => tf.sum(tf.tensor(values, shape), axis, keepDims));
  const result = { shape: out.shape, values: Array.from(await out.data()) };
  out.dispose();
  expect(tf.findBackend('wasm').numDataIds()).toBe(before);
  return result;
}

describe('registerWasmFastSum', () => {
  it('sums each channel down the rows: a hand case', async () => {
    // Rows [1, 2], [3, 4], [5, 6] of shape [3, 1, 2]: channel sums 9 and 12.
    expect(await sumOf(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 1, 2], [0, 1], false)).toEqual({ shape: [2], values: [9, 12] });
    expect(await sumOf(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 1, 2], [0, 1], true)).toEqual({ shape: [1, 1, 2], values: [9, 12] });
  });

  it('is the stock kernel bit for bit, on a conv bias gradient and on what it hands on', async () => {
    const rng = createRng(3);
    const big = Float32Array.from({ length: 8 * 26 * 26 * 32 }, () => rng.normal() * 10 ** Math.floor(rng.next() * 6 - 3));
    const ints = Int32Array.from({ length: 24 }, (_, i) => i - 7);
    const cases: [Float32Array | Int32Array, number[], number | number[], boolean][] = [
      [big, [8, 26, 26, 32], [0, 1, 2], false],
      [big, [8, 26, 26, 32], [0, 1, 2], true],
      [big, [8, 26, 26, 32], [2, 0, 1], false], // out of order: stock (it adds in that order)
      [big.subarray(0, 64 * 128), [64, 128], 0, false],
      [big.subarray(0, 64 * 128), [64, 128], -2, true],
      [big, [8, 26, 26, 32], [1, 2], false], // not the leading axes: stock
      [big, [8, 26, 26, 32], [0, 1, 2, 3], false], // everything: stock
      [big.subarray(0, 64 * 128), [64, 128], 1, false], // the last axis: stock
      [ints, [4, 6], 0, false], // int32: stock
    ];
    for (const [values, shape, axis, keep] of cases) {
      const ours = await sumOf(values, shape, axis, keep);
      unregisterWasmFastSum();
      const stock = await sumOf(values, shape, axis, keep);
      registerWasmFastSum();
      expect(ours, `[${shape}] over ${String(axis)}`).toEqual(stock);
    }
  });
});
