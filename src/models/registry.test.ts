import * as tf from '@tensorflow/tfjs';
import { SUBSTITUTES } from '../params/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALLCONV_WIDTHS,
  buildModel,
  convLayers,
  isModelId,
  layerSeed,
  MODEL_IDS,
  MODEL_SPECS,
  parameterCount,
  SUBSTITUTE_IDS,
  type ModelId,
} from './registry';
// Aliased: the name starts with "use", which the React-hooks lint rule takes for a hook.
import { expectNoLeak, useWasmBackendInNode as startWasmBackendInNode } from './testing';
import { softCrossEntropy } from './training';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

afterAll(() => {
  tf.disposeVariables();
});

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

describe('specs', () => {
  it('has one spec per id, substitutes are Table 1 plus Simple, AllConv and the 2-D MLP', () => {
    expect(Object.keys(MODEL_SPECS).sort()).toEqual([...MODEL_IDS].sort());
    for (const id of MODEL_IDS) {
      const spec = MODEL_SPECS[id];
      expect(spec.id).toBe(id);
      expect(spec.label.length).toBeGreaterThan(0);
      expect(spec.description.length).toBeGreaterThan(0);
      expect(spec.source.length).toBeGreaterThan(0);
    }
    expect([...SUBSTITUTE_IDS].sort()).toEqual(['A', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'X', 'Y', 'allconv', 'simple', 'mlp'].sort());
    expect(SUBSTITUTE_IDS).not.toContain('defender');
    // The params schema lists the same choices (params may not import models, so it keeps its own copy).
    expect([...SUBSTITUTE_IDS]).toEqual([...SUBSTITUTES]);
    expect(isModelId('X')).toBe(true);
    expect(isModelId('Z')).toBe(false);
    expect(isModelId('toString')).toBe(false);
  });

  it('matches Table 1 of the counter-attack paper', () => {
    const table: Record<string, [number[], number[]]> = {
      X: [[64, 128], []],
      Y: [[64, 128, 128], []],
      A: [[32, 64], [200, 200]],
      F: [[32, 64], [200]],
      G: [[32, 64], []],
      H: [[32], [200, 200]],
      I: [[], [200, 200, 200]],
      J: [[], [1000, 200]],
      K: [[], [1000, 500, 200]],
      L: [[32], [1000, 200]],
    };
    for (const [id, [conv, dense]] of Object.entries(table)) {
      expect(MODEL_SPECS[id as ModelId].conv).toEqual(conv);
      expect(MODEL_SPECS[id as ModelId].dense).toEqual(dense);
      expect(MODEL_SPECS[id as ModelId].convsPerPool).toBe(1);
    }
    expect(MODEL_SPECS.simple.conv).toEqual([64, 64, 128, 128]);
    expect(MODEL_SPECS.simple.dense).toEqual([256, 256]);
    expect(MODEL_SPECS.simple.convsPerPool).toBe(2);
  });

  it('AllConv keeps All-CNN-C\'s layout: convs only, stride 2 in place of pooling, 1×1 convs, global average', () => {
    const { narrow, wide } = ALLCONV_WIDTHS;
    // Springenberg et al.'s 96 / 192 channels, narrowed by the same factor (1 : 2 kept).
    expect(wide).toBe(2 * narrow);
    const layers = convLayers(MODEL_SPECS.allconv).map(({ filters, kernel, stride, padding, poolAfter }) => [filters, kernel, stride, padding, poolAfter]);
    expect(layers).toEqual([
      [narrow, 3, 1, 'same', false],
      [narrow, 3, 1, 'same', false],
      [narrow, 3, 2, 'same', false],
      [wide, 3, 1, 'same', false],
      [wide, 3, 1, 'same', false],
      [wide, 3, 2, 'same', false],
      [wide, 3, 1, 'valid', false],
      [wide, 1, 1, 'valid', false],
    ]);
    expect(MODEL_SPECS.allconv.dense).toEqual([]);
    expect(MODEL_SPECS.allconv.head).toBe('global-average');
    // Every other spec: 3×3, stride 1, its own padding, a dense head.
    for (const id of MODEL_IDS.filter((m) => m !== 'allconv')) {
      expect(MODEL_SPECS[id].head).toBe('dense');
      for (const l of convLayers(MODEL_SPECS[id])) expect([l.kernel, l.stride, l.padding]).toEqual([3, 1, MODEL_SPECS[id].padding]);
    }
  });
});

describe('parameterCount', () => {
  it('matches hand-derived counts (28×28×1 input, 10 classes)', () => {
    // conv: (3·3·cIn + 1)·filters; dense: (in + 1)·out; every conv 'valid' then 2×2 pool.
    // defender: conv32 (9·1+1)·32 = 320; 28→26→13; conv64 (9·32+1)·64 = 18,496; 13→11→5;
    //   flatten 5·5·64 = 1,600; dense128 1,601·128 = 204,928; out 129·10 = 1,290 → 225,034.
    expect(parameterCount('defender')).toBe(320 + 18_496 + 204_928 + 1_290);
    expect(parameterCount('defender')).toBe(225_034);
    // X: conv64 (9+1)·64 = 640; 28→26→13; conv128 (9·64+1)·128 = 73,856; 13→11→5;
    //   flatten 5·5·128 = 3,200; out 3,201·10 = 32,010 → 106,506.
    expect(parameterCount('X')).toBe(640 + 73_856 + 32_010);
    expect(parameterCount('X')).toBe(106_506);
    // I: 784 inputs; 785·200 = 157,000; 201·200 = 40,200 (twice); 201·10 = 2,010 → 239,410.
    expect(parameterCount('I')).toBe(157_000 + 40_200 + 40_200 + 2_010);
    expect(parameterCount('I')).toBe(239_410);
    // A: defender's convs 320 + 18,496; flatten 1,600; 1,601·200 = 320,200; 201·200 = 40,200;
    //   201·10 = 2,010 → 381,226.
    expect(parameterCount('A')).toBe(320 + 18_496 + 320_200 + 40_200 + 2_010);
    expect(parameterCount('A')).toBe(381_226);
    // L: conv32 320; 28→26→13; flatten 13·13·32 = 5,408; 5,409·1000 = 5,409,000;
    //   1,001·200 = 200,200; 2,010 → 5,611,530 (the largest).
    expect(parameterCount('L')).toBe(320 + 5_409_000 + 200_200 + 2_010);
    // AllConv (16 / 32): conv16 (9·1+1)·16 = 160; two conv16 (9·16+1)·16 = 2,320 each;
    //   conv32 (9·16+1)·32 = 4,640; three 3×3 conv32 (9·32+1)·32 = 9,248 each; 1×1 conv32
    //   (32+1)·32 = 1,056; 1×1 conv10 (32+1)·10 = 330; the global average has none → 38,570.
    expect(ALLCONV_WIDTHS).toEqual({ narrow: 16, wide: 32 });
    expect(parameterCount('allconv')).toBe(160 + 2 * 2_320 + 4_640 + 3 * 9_248 + 1_056 + 330);
    expect(parameterCount('allconv')).toBe(38_570);
  });

  it('rejects inputs too small for the architecture and bad arguments', () => {
    // Y: 21→19→9→7→3→1→0 vanishes; 22→20→10→8→4→2→1 survives.
    expect(() => parameterCount('Y', [21, 21, 1])).toThrow(/too small/);
    expect(() => parameterCount('Y', [22, 22, 1])).not.toThrow();
    // AllConv: 8→8→8→4→4→4→2, and the 'valid' 3×3 conv7 leaves nothing; 9→…→5→5→5→3→1 survives.
    expect(() => parameterCount('allconv', [8, 8, 1])).toThrow(/too small \(feature map vanishes after conv 7\)/);
    expect(() => parameterCount('allconv', [9, 9, 1])).not.toThrow();
    expect(() => parameterCount('I', [28, 28, 0])).toThrow(RangeError);
    expect(() => parameterCount('I', [28, 28, 1], 1)).toThrow(RangeError);
    expect(() => parameterCount('nope' as ModelId)).toThrow(/unknown model/);
  });
});

describe('buildModel', () => {
  // One test per id keeps a slow build visible in the report; B = 2 keeps the CPU forward cheap.
  for (const id of MODEL_IDS) {
    it(`${id}: builds, outputs [2, 10] logits, parameter count matches`, async () => {
      await expectNoLeak(async () => {
        const model = buildModel(id, { seed: 7 });
        try {
          expect(model.countParams()).toBe(parameterCount(id));
          expect(model.outputs[0].shape).toEqual([null, 10]);
          // Logits, not probabilities: the last layer is linear, and nothing is a softmax.
          for (const layer of model.layers) {
            const activation = (layer.getConfig() as { activation?: string }).activation;
            expect(activation === undefined || activation === 'relu' || activation === 'linear').toBe(true);
          }
          expect(model.layers[0].name).toBe(MODEL_SPECS[id].conv.length ? `${id}_conv1` : `${id}_flatten`);
          expect(model.layers[model.layers.length - 1].name).toBe(`${id}_logits`);
          const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
          const y = model.predict(x) as tf.Tensor;
          expect(y.shape).toEqual([2, 10]);
          const values = await y.data();
          expect(values.every(Number.isFinite)).toBe(true);
          tf.dispose([x, y]);
        } finally {
          model.dispose();
        }
      });
    });
  }

  it('honours inputShape and numClasses (32×32×3, 5 classes)', async () => {
    for (const id of ['defender', 'simple', 'H', 'K', 'allconv'] as const) {
      const model = buildModel(id, { seed: 1, inputShape: [32, 32, 3], numClasses: 5 });
      expect(model.outputs[0].shape).toEqual([null, 5]);
      expect(model.countParams()).toBe(parameterCount(id, [32, 32, 3], 5));
      model.dispose();
    }
  });

  it('AllConv: 28×28×1 → 10 logits through convs only, downsampling by stride 2, a global average last', async () => {
    const model = buildModel('allconv', { seed: 7 });
    try {
      const classes = model.layers.map((l) => l.getClassName());
      expect(classes).not.toContain('Dense');
      expect(classes).not.toContain('MaxPooling2D');
      expect(classes).not.toContain('Flatten');
      expect(classes).toEqual([...Array(9).fill('Conv2D'), 'GlobalAveragePooling2D']);
      // Spatial sizes: 28 28 28 14 14 14 7 5 5, then one map per class, averaged.
      expect(model.layers.map((l) => (l.outputShape as number[]).slice(1))).toEqual([
        [28, 28, 16], [28, 28, 16], [14, 14, 16], [14, 14, 32], [14, 14, 32], [7, 7, 32], [5, 5, 32], [5, 5, 32], [5, 5, 10], [10],
      ]);
      const strides = model.layers.slice(0, 9).map((l) => (l.getConfig() as { strides: number[] }).strides);
      expect(strides.map((s) => s[0])).toEqual([1, 1, 2, 1, 1, 2, 1, 1, 1]);
      // The classifier conv is linear (logits may be negative), the others ReLU.
      expect(model.layers.slice(0, 9).map((l) => (l.getConfig() as { activation: string }).activation)).toEqual([...Array(8).fill('relu'), 'linear']);
      expect(model.layers[8].name).toBe('allconv_conv9');
      expect(model.countParams()).toBe(38_570);
    } finally {
      model.dispose();
    }
  });

  it('AllConv trains on WASM: its gradients (stride-2 convs included) match the CPU backend on a tiny batch', async () => {
    /** Loss gradients w.r.t. every weight and w.r.t. the images, on `backend`, as plain arrays. */
    const gradients = async (backend: 'cpu' | 'wasm') => {
      if (backend === 'wasm') await startWasmBackendInNode();
      else await tf.setBackend('cpu');
      // Seeded initial values are drawn on the CPU: both backends start from the same weights.
      const model = buildModel('allconv', { seed: 11 });
      const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
      const y = tf.tidy(() => tf.softmax(tf.randomNormal([2, 10], 0, 2, 'float32', 6))) as tf.Tensor2D;
      try {
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => softCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y), vars);
        const dx = tf.grad((input: tf.Tensor) => softCrossEntropy(model.apply(input, { training: true }) as tf.Tensor2D, y))(x);
        const out = {
          loss: (await value.data())[0],
          grads: await Promise.all(vars.map(async (v) => (await grads[v.name].data()) as Float32Array)),
          dx: (await dx.data()) as Float32Array,
        };
        tf.dispose([value, dx, ...Object.values(grads)]);
        return out;
      } finally {
        tf.dispose([x, y]);
        model.dispose();
      }
    };
    try {
      const cpu = await expectNoLeak(() => gradients('cpu'));
      const wasm = await expectNoLeak(() => gradients('wasm'));
      expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
      const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(wasm.grads).toHaveLength(18); // 9 convs × (kernel, bias)
      cpu.grads.forEach((g, i) => {
        expect(maxAbs(g), `weight ${i}`).toBeGreaterThan(0);
        expect(maxDiff(wasm.grads[i], g), `weight ${i}`).toBeLessThanOrEqual(1e-4 * maxAbs(g) + 1e-7);
      });
      expect(maxDiff(wasm.dx, cpu.dx)).toBeLessThanOrEqual(1e-4 * maxAbs(cpu.dx) + 1e-7);
    } finally {
      await tf.setBackend('cpu');
    }
  }, 60_000);

  it('same seed gives identical weights, another seed different ones; biases start at zero', async () => {
    const a = buildModel('defender', { seed: 42 });
    const b = buildModel('defender', { seed: 42 });
    const c = buildModel('defender', { seed: 43 });
    try {
      const [wa, wb, wc] = await Promise.all([weightsOf(a), weightsOf(b), weightsOf(c)]);
      expect(wa.length).toBe(8); // 4 layers with weights × (kernel, bias)
      for (let i = 0; i < wa.length; i++) expect(wb[i]).toEqual(wa[i]);
      for (let i = 0; i < wa.length; i += 2) {
        expect(wc[i]).not.toEqual(wa[i]); // kernels differ
        expect(wa[i + 1].every((v) => v === 0)).toBe(true); // biases zero
      }
      // Each layer gets its own stream: no two kernels start with the same values.
      const firsts = new Set(wa.filter((_, i) => i % 2 === 0).map((k) => k[0]));
      expect(firsts.size).toBe(4);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('Glorot-uniform kernels stay within ±sqrt(6 / (fanIn + fanOut))', async () => {
    const model = buildModel('I', { seed: 5 });
    try {
      const kernel = (await model.getWeights()[0].data()) as Float32Array; // 784 × 200
      const limit = Math.sqrt(6 / (784 + 200));
      const maxAbs = kernel.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(maxAbs).toBeLessThanOrEqual(limit);
      expect(maxAbs).toBeGreaterThan(0.9 * limit);
    } finally {
      model.dispose();
    }
  });

  it('many models of the same id coexist, and building + disposing leaks no tensors', async () => {
    await expectNoLeak(() => {
      const models = [buildModel('G', { seed: 1 }), buildModel('G', { seed: 1 }), buildModel('G', { seed: 2 })];
      const names = models.flatMap((m) => m.weights.map((w) => w.name));
      expect(new Set(names).size).toBe(names.length);
      for (const m of models) m.dispose();
    });
  });

  it('rejects bad seeds and too-small inputs', () => {
    expect(() => buildModel('I', { seed: -1 })).toThrow(RangeError);
    expect(() => buildModel('I', { seed: 1.5 })).toThrow(RangeError);
    expect(() => buildModel('I', { seed: 2 ** 53 })).toThrow(RangeError);
    buildModel('G', { seed: 2 ** 32 }).dispose(); // a uint32 seed + 1 is fine
    expect(() => buildModel('Y', { seed: 1, inputShape: [16, 16, 1] })).toThrow(/too small/);
    expect(() => buildModel('allconv', { seed: 1, inputShape: [8, 8, 1] })).toThrow(/too small/);
  });
});

describe('layerSeed', () => {
  it('is deterministic, differs across layers and across nearby seeds, and stays a uint32', () => {
    expect(layerSeed(1, 0)).toBe(layerSeed(1, 0));
    const seeds = new Set<number>();
    for (let s = 0; s < 20; s++) {
      for (let l = 0; l < 10; l++) {
        const v = layerSeed(s, l);
        expect(Number.isInteger(v) && v >= 0 && v <= 0xffffffff).toBe(true);
        seeds.add(v);
      }
    }
    expect(seeds.size).toBe(200);
    // Seeds past 2^32 (e.g. a uint32 setting + 1) do not wrap onto small ones.
    expect(layerSeed(2 ** 32, 0)).not.toBe(layerSeed(0, 0));
    expect(layerSeed(2 ** 32 + 1, 3)).not.toBe(layerSeed(1, 3));
  });
});
