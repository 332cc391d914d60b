/**
 * The fused Adam against tfjs's Adam: the same variables, moments and step counts, bit for bit, on
 * the wasm backend (where the one-pass kernel runs) and on cpu (where it is tfjs's Adam itself).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../math/random';
import { FUSED_ADAM_KERNEL, FusedAdamOptimizer, fusedAdam, registerWasmFusedAdam } from './fusedAdam';
import { expectNoLeak, useWasmBackendInNode } from './testing';
import { adamModuleBytes } from './wasmAdamModule';

/** Sizes that exercise the four-lane loop, its JavaScript tail (n mod 4 = 1, 2, 3) and both together. */
const SIZES = [1, 2, 3, 4, 7, 64, 1003];

/** Values over many magnitudes and signs, some exact zeros and some subnormal, so rounding differences would show. */
function values(n: number, rng: ReturnType<typeof createRng>): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => {
    if (i % 17 === 5) return 0;
    if (i % 23 === 7) return (rng.next() - 0.5) * 1e-39;
    return (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 12 - 8);
  });
}

interface Trace {
  weights: Float32Array[];
  moments: Float32Array[];
  iterations: number;
}

/** Five steps of `optimizer` on variables and gradients made from `seed`; everything read back, everything freed. */
async function fiveSteps(optimizer: tf.Optimizer, seed: number): Promise<Trace> {
  const rng = createRng(seed);
  const vars = SIZES.map((n, i) => tf.tidy(() => tf.variable(tf.tensor1d(values(n, rng)), true, `fused-adam-test-${seed}-${i}-${Math.random()}`)));
  try {
    for (let step = 0; step < 5; step++) {
      const grads = vars.map((v) => ({ name: v.name, tensor: tf.tensor1d(values(v.size, rng)) }));
      optimizer.applyGradients(grads);
      tf.dispose(grads.map((g) => g.tensor));
    }
    const weights = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
    // The first is the step count, a tensor made for the caller; the rest are the moments themselves.
    const [count, ...saved] = await optimizer.getWeights();
    count.tensor.dispose();
    const moments = await Promise.all(saved.map(async (w) => (await w.tensor.data()) as Float32Array));
    return { weights, moments, iterations: optimizer.iterations };
  } finally {
    optimizer.dispose();
    tf.dispose(vars);
  }
}

describe('the Adam pass module', () => {
  it('is valid WebAssembly for an unshared and a shared heap', () => {
    expect(WebAssembly.validate(adamModuleBytes(false))).toBe(true);
    expect(WebAssembly.validate(adamModuleBytes(true))).toBe(true);
  });
});

describe('FusedAdamOptimizer', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`on ${backend}: five steps give exactly tfjs's Adam's variables and moments, leaking nothing`, async () => {
      if (backend === 'wasm') await useWasmBackendInNode();
      else await tf.setBackend('cpu');
      registerWasmFusedAdam();
      const reference = await fiveSteps(tf.train.adam(0.01), 4);
      const fused = await expectNoLeak(() => fiveSteps(fusedAdam(0.01), 4));
      expect(fused.iterations).toBe(5);
      expect(fused.moments.length).toBe(reference.moments.length);
      fused.weights.forEach((w, i) => expect(w, `variable ${i}`).toEqual(reference.weights[i]));
      fused.moments.forEach((m, i) => expect(m, `optimizer weight ${i}`).toEqual(reference.moments[i]));
      // The variables really moved.
      const rng = createRng(4);
      expect(fused.weights[6]).not.toEqual(values(SIZES[6], rng));
    });
  }

  it('on wasm the update runs as the one-pass kernel, once per variable per step', async () => {
    await useWasmBackendInNode();
    registerWasmFusedAdam();
    const optimizer = new FusedAdamOptimizer(0.01, 0.9, 0.999);
    const v = tf.variable(tf.tensor1d([1, 2, 3, 4, 5]));
    const g = tf.tensor1d([0.5, -0.5, 1, -1, 2]);
    try {
      const info = await tf.profile(() => optimizer.applyGradients([{ name: v.name, tensor: g }]));
      expect(info.kernelNames.filter((k) => k === FUSED_ADAM_KERNEL)).toHaveLength(1);
      expect(info.kernelNames).not.toContain('Sqrt');
    } finally {
      optimizer.dispose();
      tf.dispose([v, g]);
    }
  });

  it('takes the first step by hand: w = 1, g = 2, lr = 0.1 → m = 0.2, v = 0.004, w = 1 − 0.1 · (m / (1 − β1)) / (√(v / (1 − β2)) + ε)', async () => {
    await useWasmBackendInNode();
    registerWasmFusedAdam();
    const optimizer = fusedAdam(0.1);
    // Five elements: four in the vector loop, one in the tail.
    const v = tf.variable(tf.fill([5], 1));
    const g = tf.fill([5], 2);
    try {
      optimizer.applyGradients([{ name: v.name, tensor: g }]);
      const w = await v.data();
      const [count, ...moments] = await optimizer.getWeights();
      count.tensor.dispose();
      const [m, s] = await Promise.all(moments.map((x) => x.tensor.data()));
      // β1 = 0.9 and β2 = 0.999 are float32 tensors, so 1 − β1ᵗ is 0.100000024, not 0.1 (and
      // 1 − β2ᵗ 0.0009999871): w is 0.90000067, where exact β's would give 0.900000005.
      const f = Math.fround;
      const c1 = 1 - f(0.9);
      const c2 = 1 - f(0.999);
      const expected = 1 - (0.1 * ((2 * f(1 - 0.9)) / c1)) / (Math.sqrt((4 * f(1 - 0.999)) / c2) + 1e-7);
      expect(expected).toBeCloseTo(0.90000067, 8);
      for (let i = 0; i < 5; i++) {
        expect(m[i]).toBeCloseTo(0.2, 6);
        expect(s[i]).toBeCloseTo(0.004, 8);
        expect(w[i]).toBeCloseTo(expected, 7);
      }
    } finally {
      optimizer.dispose();
      tf.dispose([v, g]);
    }
  });
});
