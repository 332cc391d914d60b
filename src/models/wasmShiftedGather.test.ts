/**
 * The one-pass shifted batch gather on wasm (wasmShiftedGather.ts) against the gather-and-mask ops
 * it replaces in gatherShifted, bit for bit, and a hand case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../math/random';
import { useWasmBackendInNode } from './testing';
import { gatherShifted } from './training';
import { registerWasmShiftedGather, SHIFTED_GATHER, unregisterWasmShiftedGather } from './wasmShiftedGather';

beforeAll(async () => {
  await useWasmBackendInNode();
});

afterAll(() => {
  registerWasmShiftedGather();
});

async function batch(x: tf.Tensor4D, rows: Int32Array, maxShift: number, seed: number) {
  const before = tf.findBackend('wasm').numDataIds();
  const y = gatherShifted(x, rows, maxShift, seed);
  const out = { shape: y.shape, values: Array.from(await y.data()) };
  y.dispose();
  expect(tf.findBackend('wasm').numDataIds()).toBe(before);
  return out;
}

describe('the wasm shifted gather', () => {
  it('is registered with the other kernels and shifts a hand-made image', async () => {
    expect(tf.getKernel(SHIFTED_GATHER, 'wasm')).toBeDefined();
    // Image 1 of two 3×3 images (values 10…18); maxShift 1 with seed 8 draws the shift [dy, dx] the ops draw too.
    const x = tf.tensor4d(Float32Array.from({ length: 18 }, (_, i) => i), [2, 3, 3, 1]);
    const ours = await batch(x, Int32Array.of(1), 1, 8);
    unregisterWasmShiftedGather();
    const ops = await batch(x, Int32Array.of(1), 1, 8);
    registerWasmShiftedGather();
    expect(ours).toEqual(ops);
    expect(ours.values.some((v) => v === 0)).toBe(true); // something was shifted in from outside…
    expect(ours.values.filter((v) => v !== 0).every((v) => v >= 9)).toBe(true); // …and the rest is image 1's
    x.dispose();
  });

  it('gives the ops’ numbers bit for bit: MNIST-sized and 3-channel images, negative pixels, repeated rows, shifts up to 2', async () => {
    const rng = createRng(4);
    for (const shape of [[50, 28, 28, 1], [9, 7, 5, 3]] as [number, number, number, number][]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor4d(Float32Array.from({ length: size }, () => rng.normal()), shape);
      const rows = Int32Array.from({ length: 64 }, () => rng.int(shape[0]));
      for (const [maxShift, seed] of [[2, 11], [1, 12], [2, 13]]) {
        const ours = await batch(x, rows, maxShift, seed);
        unregisterWasmShiftedGather();
        const ops = await batch(x, rows, maxShift, seed);
        registerWasmShiftedGather();
        expect(ours.shape).toEqual([64, ...shape.slice(1)]);
        // toEqual tells −0 from +0: a negative pixel shifted out is −0 both ways.
        expect(ours.values).toEqual(ops.values);
      }
      x.dispose();
    }
  });

  it('refuses a row outside the queries, as the ops do', () => {
    const x = tf.zeros([3, 4, 4, 1]) as tf.Tensor4D;
    expect(() => gatherShifted(x, Int32Array.of(0, 3), 1, 1)).toThrow(/row 3 is outside 0…2/);
    x.dispose();
  });
});
