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
 * - 'allconv': the reverse-sigmoid paper's AllConv thief, All-CNN-C of Springenberg et al. (2015),
 *   "Striving for Simplicity: The All Convolutional Net", adapted (below).
 * - 'mlp': a plain ReLU MLP whose hidden widths the caller sets (BuildOptions.dense): the 2-D
 *   playground's defender and thieves, where a convnet has no image to slide over.
 *
 * Table 1 gives only filter counts and widths, so the remaining choices are ours and apply to
 * every substitute but AllConv (its own section follows):
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
 * AllConv. All-CNN-C is for 32×32 CIFAR: conv96 3×3, conv96 3×3, conv96 3×3 stride 2, conv192
 * 3×3 ×2, conv192 3×3 stride 2, conv192 3×3 ('valid'), conv192 1×1, conv10 1×1, global average
 * pooling, softmax. Kept: only convolutions, strided convs where a net would pool, 1×1 convs,
 * global average pooling straight to the logits, no dense layer. Changed:
 * - 28×28×1 input: 'same' padding keeps 28 → 28 → 28, the strided convs halve it (→ 14, → 7), the
 *   'valid' 3×3 conv gives 5×5 (the original's 8 → 6), so the average is over 5×5 maps.
 * - Widths 96 / 192 narrowed six-fold to 16 / 32 (ALLCONV_WIDTHS; the 1 : 2 ratio kept):
 *   38,570 parameters, 5.8 M multiply-adds per image (flops.ts). At full width a 28×28 image
 *   costs ~205 M multiply-adds, ~79 GFLOP per batch-64 training step: seconds per step on a
 *   2-core CPU. Measured (WASM in Node, Adam, batch 64, ±2 px shifts, thiefTrainStep, median of
 *   6–12 steps after 2 warm-up steps, on a 2-core machine shared with other jobs (load 2.5–5.7),
 *   so absolute times run ~2× the idle bench's; the same runs measured thief I at 57–169 ms/step
 *   (idle bench: 22–29) and the defender at 224–527 (idle: ~120)): AllConv 16/32 383–634 ms/step
 *   (best single steps 300–590), 24/48 753–788, 32/64 1,243–1,265. 16/32 is the affordable one:
 *   ~1.4–1.7× the defender's step in the same runs, so ~170–200 ms/step on an idle machine; on
 *   MNIST (4,000 training images, true labels, Adam) it reached 89% test accuracy after 300
 *   steps (24/48: 92%).
 * - The classifier 1×1 conv is linear, not ReLU: its outputs are the logits (after the average),
 *   which must be free to go negative; a ReLU there can leave a class stuck at logit 0.
 * - No dropout (as for every substitute here; All-CNN-C drops 20% of the inputs and 50% after
 *   each strided conv).
 * Stride 2 on WASM: the filter gradient (wasmKernels.ts) handles any stride and our fast input
 * gradient only stride 1, so the two stride-2 convs' input gradients run tfjs-backend-wasm's
 * stock scalar loop. They are correct (registry.test.ts compares every gradient with the CPU
 * backend) but slow: in a profiled step they took ~140 of ~480 kernel-ms (29%) for ~1/6 of the
 * multiply-adds, ~14× slower per multiply-add than the stride-1 fast path.
 *
 * Every model outputs LOGITS (no softmax layer): training.ts applies softmax / logSoftmax itself,
 * which keeps cross-entropy numerically stable and gives the ε counter-attack clean per-class
 * log-probability gradients.
 */
import * as tf from '@tensorflow/tfjs';

/** Every architecture id, in the order the UI lists them (defender first, then substitutes). */
export const MODEL_IDS = ['defender', 'simple', 'X', 'Y', 'A', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'allconv', 'mlp'] as const;

/** One architecture id. */
export type ModelId = (typeof MODEL_IDS)[number];

/**
 * The ids a thief may pick for its substitute: Table 1's ten, in table order, plus the
 * reverse-sigmoid "Simple" and the AllConv thief (the same order as params/schema's SUBSTITUTES;
 * a test checks it).
 */
export const SUBSTITUTE_IDS = ['X', 'Y', 'A', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'simple', 'allconv', 'mlp'] as const satisfies readonly ModelId[];

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
  /** Filters per conv layer, in order (each ReLU; 3×3, stride 1, `padding` unless `convShapes` says otherwise). */
  conv: readonly number[];
  /** Hidden fully connected widths, in order (each ReLU); the numClasses output layer is extra. */
  dense: readonly number[];
  /**
   * A 2×2 max-pool (stride 2) follows every `convsPerPool`-th conv: 1 for Table 1, 2 for Simple,
   * 0 for none (AllConv downsamples with strided convs instead).
   */
  convsPerPool: number;
  /** Conv padding; 'valid' everywhere but AllConv (see the module comment for why). */
  padding: 'valid' | 'same';
  /** Per-conv kernel, stride and padding, one per entry of `conv` (AllConv); absent: 3×3, stride 1, `padding`. */
  convShapes?: readonly ConvShape[];
  /**
   * What turns the features into the numClasses logits: 'dense' = flatten, the `dense` layers,
   * then a linear dense layer; 'global-average' = a linear 1×1 conv to numClasses channels, then
   * global average pooling (AllConv; no dense layer at all, `dense` must be empty).
   */
  head: 'dense' | 'global-average';
}

/** Kernel side, stride and padding of one conv layer. */
export interface ConvShape {
  kernel: number;
  stride: number;
  padding: 'valid' | 'same';
}

/** One conv layer as built: its filters, shape, and whether a 2×2 max-pool follows it. */
export interface ConvLayer extends ConvShape {
  filters: number;
  poolAfter: boolean;
}

/** The conv layers of `spec`, in order, with every default filled in (shared by buildModel, parameterCount and flops.ts). */
export function convLayers(spec: ModelSpec): ConvLayer[] {
  return spec.conv.map((filters, i) => ({
    filters,
    ...(spec.convShapes?.[i] ?? { kernel: KERNEL_SIZE, stride: 1, padding: spec.padding }),
    poolAfter: spec.convsPerPool > 0 && (i + 1) % spec.convsPerPool === 0,
  }));
}

/** Output side of a conv along one axis, as tfjs computes it: 'same' ⌈n / s⌉, 'valid' ⌊(n − k) / s⌋ + 1. */
export function convOutSide(n: number, shape: ConvShape): number {
  return shape.padding === 'same' ? Math.ceil(n / shape.stride) : Math.floor((n - shape.kernel) / shape.stride) + 1;
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
    head: 'dense',
  };
}

/**
 * AllConv's widths: All-CNN-C's 96 and 192 channels narrowed to a WASM-trainable size (see the
 * module comment for the measurements behind the choice).
 */
export const ALLCONV_WIDTHS = { narrow: 16, wide: 32 } as const;

/**
 * All-CNN-C (Springenberg et al. 2015, Table 2, model C) for 28×28 inputs: three 3×3 convs at
 * `narrow` width, the third with stride 2 (instead of a max-pool), three 3×3 convs at `wide`
 * width, again the third with stride 2, a 'valid' 3×3 and a 1×1 conv at `wide`, then the head
 * (a 1×1 conv to numClasses, global average pooling). 28 → 28 → 28 → 14 → 14 → 14 → 7 → 5 → 5.
 */
function allConv(): ModelSpec {
  const { narrow, wide } = ALLCONV_WIDTHS;
  const same3 = (stride: number): ConvShape => ({ kernel: 3, stride, padding: 'same' });
  return {
    id: 'allconv',
    label: `AllConv · conv ${narrow}×3-${wide}×5 · no FC`,
    description: `All-convolutional net: 3×3 convs ${narrow}, ${narrow}, ${narrow}/2, ${wide}, ${wide}, ${wide}/2 (stride 2 instead of pooling), a 3×3 and a 1×1 conv ${wide}, a 1×1 conv to one map per class, then a global average: no dense layer.`,
    source: 'Reverse-sigmoid paper\'s thief; Springenberg et al. 2015, "Striving for Simplicity: The All Convolutional Net", All-CNN-C (narrowed)',
    conv: [narrow, narrow, narrow, wide, wide, wide, wide, wide],
    dense: [],
    convsPerPool: 0,
    padding: 'same',
    convShapes: [same3(1), same3(1), same3(2), same3(1), same3(1), same3(2), { kernel: 3, stride: 1, padding: 'valid' }, { kernel: 1, stride: 1, padding: 'valid' }],
    head: 'global-average',
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
    head: 'dense',
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
    head: 'dense',
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
  allconv: allConv(),
  mlp: {
    id: 'mlp',
    label: 'MLP · width × depth',
    description: 'A fully connected ReLU net whose hidden widths are chosen (the 2-D playground\'s models), then the output layer.',
    source: 'The 2-D playground (ours)',
    conv: [],
    dense: [32, 32],
    convsPerPool: 1,
    padding: 'valid',
    head: 'dense',
  },
};

/** `spec` with its hidden dense widths replaced (each a positive integer); convnets keep theirs. */
function withDense(spec: ModelSpec, dense: readonly number[] | undefined): ModelSpec {
  if (dense === undefined) return spec;
  if (spec.conv.length > 0 || spec.head !== 'dense') throw new RangeError(`model ${spec.id}: only a net without convs takes its dense widths from the caller`);
  if (!dense.every((d) => Number.isInteger(d) && d >= 1)) throw new RangeError(`dense widths must be positive integers, got [${dense.join(', ')}]`);
  return { ...spec, dense };
}

/** True when `id` names a registered architecture (for validating ids from URLs or messages). */
export function isModelId(id: string): id is ModelId {
  return (MODEL_IDS as readonly string[]).includes(id);
}

/**
 * Walks the spec's spatial sizes, throwing a readable error if the input is too small for it
 * (e.g. Y needs at least 22×22: a 1×1 map cannot be pooled again). Shared by buildModel and
 * parameterCount so both reject the same shapes.
 */
function featureShape(spec: ModelSpec, inputShape: readonly [number, number, number]): [number, number, number] {
  let [h, w, c] = inputShape;
  convLayers(spec).forEach((layer, i) => {
    h = convOutSide(h, layer);
    w = convOutSide(w, layer);
    if (layer.poolAfter) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
    if (h < 1 || w < 1) {
      throw new RangeError(`model ${spec.id}: input ${inputShape.join('×')} is too small (feature map vanishes after conv ${i + 1})`);
    }
    c = layer.filters;
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
 * dense: (in + 1)·out; AllConv's classifier: (cIn + 1)·numClasses. Throws RangeError on an input too small for the architecture.
 */
export function parameterCount(
  id: ModelId,
  inputShape: readonly [number, number, number] = [28, 28, 1],
  numClasses = 10,
  dense?: readonly number[],
): number {
  checkArgs(id, inputShape, numClasses);
  const spec = withDense(MODEL_SPECS[id], dense);
  let total = 0;
  let channels = inputShape[2];
  for (const { filters, kernel } of convLayers(spec)) {
    total += (kernel * kernel * channels + 1) * filters;
    channels = filters;
  }
  const [h, w, c] = featureShape(spec, inputShape);
  // AllConv: the 1×1 conv to numClasses channels (then a global average: no weights).
  if (spec.head === 'global-average') return total + (c + 1) * numClasses;
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
  /** Hidden dense widths instead of the spec's (the MLP's width × depth); only for a net without convs. */
  dense?: readonly number[];
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
  const spec = withDense(MODEL_SPECS[id], opts.dense);
  featureShape(spec, inputShape); // fail early with a readable message
  let layerIndex = 0;
  const init = () => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(opts.seed, layerIndex++) }),
    biasInitializer: 'zeros' as const,
  });

  const model = tf.sequential({ name: `${id}_model` });
  let pools = 0;
  convLayers(spec).forEach((layer, i) => {
    model.add(
      tf.layers.conv2d({
        name: `${id}_conv${i + 1}`,
        ...(i === 0 ? { inputShape } : {}),
        filters: layer.filters,
        kernelSize: layer.kernel,
        strides: layer.stride,
        padding: layer.padding,
        activation: 'relu',
        ...init(),
      }),
    );
    if (layer.poolAfter) {
      model.add(tf.layers.maxPooling2d({ name: `${id}_pool${++pools}`, poolSize: 2, strides: 2 }));
    }
  });
  if (spec.head === 'global-average') {
    // All-CNN-C's head: a 1×1 conv to one map per class, averaged over the map: the logits.
    // Linear, not ReLU as in the original (see the module comment).
    model.add(
      tf.layers.conv2d({ name: `${id}_conv${spec.conv.length + 1}`, filters: numClasses, kernelSize: 1, padding: 'valid', activation: 'linear', ...init() }),
    );
    model.add(tf.layers.globalAveragePooling2d({ name: `${id}_logits` }));
    return model;
  }
  model.add(tf.layers.flatten({ name: `${id}_flatten`, ...(spec.conv.length === 0 ? { inputShape } : {}) }));
  spec.dense.forEach((units, i) => {
    model.add(tf.layers.dense({ name: `${id}_dense${i + 1}`, units, activation: 'relu', ...init() }));
  });
  model.add(tf.layers.dense({ name: `${id}_logits`, units: numClasses, activation: 'linear', ...init() }));
  return model;
}
