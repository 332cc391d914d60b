/**
 * The model architectures of the lab, keyed by id: the defender (the classifier under attack) and
 * the thieves' substitute models.
 *
 * Sources:
 * - 'defender': the counter-attack paper (Sec 3.1) defends "a simple 3-layer CNN" reaching
 *   roughly 99% on MNIST. We use conv32 → pool → conv64 → pool → dense128 → output (the TF.js
 *   MNIST-tutorial CNN, no dropout): three learned feature layers before the output, small
 *   enough that WASM trains it on CPU at ~120 ms per batch of 64. Measured (WASM in Node, Adam
 *   1e-3, batch 64, 40k training images scaled to [0, 1], no augmentation, 10k test images,
 *   single runs): MNIST 98.0% after 1 epoch, 98.5% after 2; Fashion-MNIST 86.4% after 1,
 *   87.6% / 89.0% after 2 (two seeds). So 2–3 epochs are needed for ≥ 98.5% / ≥ 88%.
 *   The same net with 'same' padding (7×7×64 features, 421,642 parameters) measured MNIST
 *   97.9% / 98.7% and Fashion-MNIST 87.7% / 89.7–90.0% after 1 / 2 epochs, i.e. about +1 point
 *   on Fashion-MNIST for ~1.5× the step time; 'valid' is kept for speed and for uniformity with
 *   the substitutes, and switching is the one-line `padding` change below.
 * - 'X' … 'L': Table 1 of the counter-attack paper, which in turn follows Papernot et al. (2016b),
 *   "Practical Black-Box Attacks", whose substitutes were built with CleverHans.
 * - 'simple': the "Simple" net of the reverse-sigmoid paper (Sec IV-A), used there both as the
 *   base model and as the stolen model.
 *
 * Table 1 gives only filter counts and widths, so the remaining choices are ours and apply to
 * every substitute:
 * - 3×3 kernels, 'valid' padding, ReLU: the CleverHans/Papernot-style small MNIST convnets.
 * - A 2×2 max-pool after EVERY conv (X: 28→26→13→11→5; Y: …→3→1). Without pooling the flattened
 *   feature map feeding the first dense layer is huge (L: 26·26·32 = 21,632 inputs × 1000 units =
 *   21.6 M weights; X: 24·24·128 = 73,728 inputs to the output layer), which would not train at
 *   an interactive pace in a browser. With pooling every substitute stays between 35 k and 5.6 M
 *   parameters (L is the largest, and the most expensive to train).
 * - ReLU hidden dense layers, no dropout: the attacker trains on a few thousand queries for a
 *   few epochs, where dropout mainly slows convergence; it also keeps forward passes
 *   deterministic, which the ε counter-attack's gradients rely on.
 * - 'simple' pools after every SECOND conv, as the paper lists. With 'valid' padding a 28×28
 *   input goes 28→26→24→12→10→8→4, so the 4·4·128 = 2,048 features are far from shrinking "too
 *   far"; 'same' padding would instead triple the first dense layer (7·7·128·256 = 1.6 M
 *   weights) and the conv cost, so 'valid' is kept for consistency with Table 1.
 *
 * Every model outputs LOGITS (no softmax layer): training.ts applies softmax / logSoftmax itself,
 * which keeps cross-entropy numerically stable and gives the ε counter-attack clean per-class
 * log-probability gradients.
 */
import * as tf from '@tensorflow/tfjs';

/** Every architecture id, in the order the UI lists them (defender first, then substitutes). */
export const MODEL_IDS = ['defender', 'simple', 'X', 'Y', 'A', 'F', 'G', 'H', 'I', 'J', 'K', 'L'] as const;

/** One architecture id. */
export type ModelId = (typeof MODEL_IDS)[number];

/**
 * The ids a thief may pick for its substitute: Table 1's ten, in table order, plus the
 * reverse-sigmoid "Simple" (the same order as params/schema's SUBSTITUTES; a test checks it).
 */
export const SUBSTITUTE_IDS = ['X', 'Y', 'A', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'simple'] as const satisfies readonly ModelId[];

/** One substitute id. */
export type SubstituteId = (typeof SUBSTITUTE_IDS)[number];

/** Kernel size of every conv (Table 1 gives none; 3×3 as in the Simple net and CleverHans). */
export const KERNEL_SIZE = 3;

/**
 * Plain-data description of one architecture (no tf objects, so the UI can show it and
 * parameterCount can work without tfjs).
 */
export interface ModelSpec {
  id: ModelId;
  /** Short name for menus, e.g. "X · 2 conv". */
  label: string;
  /** One-line description for the UI. */
  description: string;
  /** Where the architecture comes from: paper + table/section. */
  source: string;
  /** Filters per conv layer, in order (each 3×3, ReLU). */
  conv: readonly number[];
  /** Hidden fully connected widths, in order (each ReLU); the numClasses output layer is extra. */
  dense: readonly number[];
  /** A 2×2 max-pool (stride 2) follows every `convsPerPool`-th conv: 1 for Table 1, 2 for Simple. */
  convsPerPool: number;
  /** Conv padding; 'valid' everywhere (see the module comment for why). */
  padding: 'valid' | 'same';
}

const TABLE1 = 'Counter-attack ε paper, Sec 3.1, Table 1 (after Papernot et al. 2016b)';

function table1(id: ModelId, conv: number[], dense: number[]): ModelSpec {
  const parts = [
    ...(conv.length ? [`conv ${conv.join('-')}`] : []),
    ...(dense.length ? [`FC ${dense.join('-')}`] : []),
  ];
  const kind = conv.length === 0 ? 'Fully connected net' : dense.length === 0 ? 'Convnet without hidden FC layers' : 'Convnet';
  return {
    id,
    label: `${id} · ${parts.join(' · ')}`,
    description: `${kind}: ${conv.map((c) => `${c} 3×3 conv + 2×2 pool`).concat(dense.map((d) => `${d} dense`)).join(', ')}, then the output layer.`,
    source: TABLE1,
    conv,
    dense,
    convsPerPool: 1,
    padding: 'valid',
  };
}

/** All architectures by id. */
export const MODEL_SPECS: Record<ModelId, ModelSpec> = {
  defender: {
    id: 'defender',
    label: 'Defender · conv 32-64 · FC 128',
    description: 'The defended classifier: 32 and 64 3×3 convs, each followed by a 2×2 pool, a 128-unit dense layer, then the output.',
    source: 'Counter-attack ε paper, Sec 3.1 ("a simple 3-layer CNN", ~99% on MNIST)',
    conv: [32, 64],
    dense: [128],
    convsPerPool: 1,
    padding: 'valid',
  },
  simple: {
    id: 'simple',
    label: 'Simple · conv 64-64-128-128 · FC 256-256',
    description: 'The reverse-sigmoid paper\'s "Simple" net: two pairs of 3×3 convs (64, 128) each pair followed by a 2×2 pool, two 256-unit dense layers, then the output.',
    source: 'Reverse-sigmoid paper, Sec IV-A ("Simple")',
    conv: [64, 64, 128, 128],
    dense: [256, 256],
    convsPerPool: 2,
    padding: 'valid',
  },
  X: table1('X', [64, 128], []),
  Y: table1('Y', [64, 128, 128], []),
  A: table1('A', [32, 64], [200, 200]),
  F: table1('F', [32, 64], [200]),
  G: table1('G', [32, 64], []),
  H: table1('H', [32], [200, 200]),
  I: table1('I', [], [200, 200, 200]),
  J: table1('J', [], [1000, 200]),
  K: table1('K', [], [1000, 500, 200]),
  L: table1('L', [32], [1000, 200]),
};

/** True when `id` names a registered architecture (for validating ids from URLs or messages). */
export function isModelId(id: string): id is ModelId {
  return (MODEL_IDS as readonly string[]).includes(id);
}

/** Side of a conv output: 'valid' loses kernel−1 pixels, 'same' keeps the size (stride 1). */
function convOut(n: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? n : n - KERNEL_SIZE + 1;
}

/**
 * Walks the spec's spatial sizes, throwing a readable error if the input is too small for it
 * (e.g. Y needs at least 22×22: a 1×1 map cannot be pooled again). Shared by buildModel and
 * parameterCount so both reject the same shapes.
 */
function featureShape(spec: ModelSpec, inputShape: readonly [number, number, number]): [number, number, number] {
  let [h, w, c] = inputShape;
  spec.conv.forEach((filters, i) => {
    h = convOut(h, spec.padding);
    w = convOut(w, spec.padding);
    if ((i + 1) % spec.convsPerPool === 0) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
    if (h < 1 || w < 1) {
      throw new RangeError(`model ${spec.id}: input ${inputShape.join('×')} is too small (feature map vanishes after conv ${i + 1})`);
    }
    c = filters;
  });
  return [h, w, c];
}

function checkArgs(id: ModelId, inputShape: readonly number[], numClasses: number): void {
  if (!isModelId(id)) throw new RangeError(`unknown model id ${JSON.stringify(id)}`);
  if (inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`inputShape must be three positive integers [height, width, channels], got [${inputShape.join(', ')}]`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`numClasses must be an integer >= 2, got ${String(numClasses)}`);
  }
}

/**
 * Number of trainable parameters of architecture `id`, computed arithmetically from its spec
 * (no tfjs), so the UI can show sizes without building anything. Conv: (k·k·cIn + 1)·filters;
 * dense: (in + 1)·out. Throws RangeError on an input too small for the architecture.
 */
export function parameterCount(
  id: ModelId,
  inputShape: readonly [number, number, number] = [28, 28, 1],
  numClasses = 10,
): number {
  checkArgs(id, inputShape, numClasses);
  const spec = MODEL_SPECS[id];
  let total = 0;
  let channels = inputShape[2];
  for (const filters of spec.conv) {
    total += (KERNEL_SIZE * KERNEL_SIZE * channels + 1) * filters;
    channels = filters;
  }
  const [h, w, c] = featureShape(spec, inputShape);
  let width = h * w * c;
  for (const units of [...spec.dense, numClasses]) {
    total += (width + 1) * units;
    width = units;
  }
  return total;
}

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Seed of layer `layerIndex` derived from the build seed (any safe integer ≥ 0; both 32-bit
 * halves are mixed in, so seed 2^32 does not alias seed 0 — callers derive seeds like
 * `seed + 1` from a uint32 setting). Hash-mixed, so each layer gets an unrelated stream (tfjs
 * seeds an Alea generator with the seed's decimal string) and nearby build seeds (1, 2, 3…)
 * still give unrelated weights. Returns a uint32.
 */
export function layerSeed(seed: number, layerIndex: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return fmix32(fmix32(lo ^ Math.imul(hi, 0x9e3779b1)) ^ Math.imul(layerIndex + 1, 0x85ebca6b));
}

/** Options of buildModel. */
export interface BuildOptions {
  /** Integer seed (0 ≤ seed ≤ 2^53 − 1) of the initial weights: the same seed builds identical weights. */
  seed: number;
  /** [height, width, channels]; default [28, 28, 1] (MNIST / Fashion-MNIST). */
  inputShape?: [number, number, number];
  /** Output width; default 10. */
  numClasses?: number;
}

/**
 * Builds architecture `id` as an uncompiled tf.Sequential whose output is LOGITS [batch,
 * numClasses] (no softmax; see training.ts). Weights are Glorot-uniform with a per-layer seed
 * derived from `opts.seed` (tfjs draws seeded initial values on the CPU, so the weights are the
 * same on every backend), biases zero. Layers are named `${id}_conv1`, `${id}_pool1`,
 * `${id}_dense1`, …, `${id}_logits`; tfjs makes the underlying variable names unique, so any
 * number of models may coexist. The CALLER owns the model and must call `model.dispose()`.
 */
export function buildModel(id: ModelId, opts: BuildOptions): tf.Sequential {
  const inputShape = opts.inputShape ?? [28, 28, 1];
  const numClasses = opts.numClasses ?? 10;
  checkArgs(id, inputShape, numClasses);
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${String(opts.seed)}`);
  }
  const spec = MODEL_SPECS[id];
  featureShape(spec, inputShape); // fail early with a readable message
  let layerIndex = 0;
  const init = () => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(opts.seed, layerIndex++) }),
    biasInitializer: 'zeros' as const,
  });

  const model = tf.sequential({ name: `${id}_model` });
  spec.conv.forEach((filters, i) => {
    model.add(
      tf.layers.conv2d({
        name: `${id}_conv${i + 1}`,
        ...(i === 0 ? { inputShape } : {}),
        filters,
        kernelSize: KERNEL_SIZE,
        padding: spec.padding,
        activation: 'relu',
        ...init(),
      }),
    );
    if ((i + 1) % spec.convsPerPool === 0) {
      model.add(tf.layers.maxPooling2d({ name: `${id}_pool${Math.floor(i / spec.convsPerPool) + 1}`, poolSize: 2, strides: 2 }));
    }
  });
  model.add(tf.layers.flatten({ name: `${id}_flatten`, ...(spec.conv.length === 0 ? { inputShape } : {}) }));
  spec.dense.forEach((units, i) => {
    model.add(tf.layers.dense({ name: `${id}_dense${i + 1}`, units, activation: 'relu', ...init() }));
  });
  model.add(tf.layers.dense({ name: `${id}_logits`, units: numClasses, activation: 'linear', ...init() }));
  return model;
}
