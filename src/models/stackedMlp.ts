/**
 * K thieves of one MLP architecture (thief I, the playground's MLPs) trained as one model.
 *
 * The grid search, the presets' demos and every run train several thieves of one architecture on
 * the same queries; only their targets (the answers each was given) and their seeds differ. Trained
 * one by one, K thieves cost K times every kernel launch, every optimizer update and every
 * read-back of a step, and a small MLP's step is mostly those. Stacked, a step is one product per
 * layer, one softmax, one optimizer update per layer:
 * - the first layer sees the same inputs for every thief, so its K weight matrices sit side by side
 *   in one [in, K·out] variable (bias [K·out]) and the layer is one wide product, forward and for
 *   its weight gradient (measured on WASM, K = 8, batch 64: 14 ms as eight products, 5 ms wide);
 * - every later layer's K matrices are one [K, out_prev, out] variable, a batched product
 *   (wasmMatMul.ts runs it as K fast ones), and its K biases one flat [K·out] variable, viewed as
 *   [K, 1, out]. Flat because a model handed thief k's weights (writeTo) takes over the very
 *   buffer it is given, and the wasm fused product refuses a bias whose buffer was made with more
 *   than one dimension, whatever the tensor's own shape says.
 *
 * Each thief gets exactly the numbers it would get alone: its weights start as the model its seed
 * builds (buildModel), every product, bias add, activation and loss is computed per thief by the
 * same kernels on the same values, the loss the optimizer minimises is the plain sum of the K
 * losses (so thief k's gradient is its own loss's), and the optimizer's update is element-wise.
 * stackedMlp.test.ts checks it value for value against K separate runs.
 *
 * The caller owns the stack (dispose()) and its optimizer.
 */
import * as tf from '@tensorflow/tfjs';

/** The layers a stack can take over: an optional flatten, then dense layers, ReLU but the last, which is linear. */
function denseLayersOf(model: tf.LayersModel): tf.layers.Layer[] {
  const dense: tf.layers.Layer[] = [];
  model.layers.forEach((layer, i) => {
    const kind = layer.getClassName();
    if (kind === 'Flatten' && i === 0) return;
    if (kind !== 'Dense') throw new Error(`StackedMlp: takes flatten + dense layers only, got a ${kind} layer (${layer.name})`);
    dense.push(layer);
  });
  if (dense.length === 0) throw new Error('StackedMlp: the model has no dense layer');
  dense.forEach((layer, i) => {
    const config = layer.getConfig();
    const want = i === dense.length - 1 ? 'linear' : 'relu';
    if (config.activation !== want || config.useBias === false) {
      throw new Error(`StackedMlp: layer ${layer.name} must be ${want} with a bias, as the registry builds MLPs`);
    }
  });
  return dense;
}

export class StackedMlp {
  /** How many thieves the stack holds. */
  readonly k: number;
  /** Per layer: the K kernels and biases (layer 0 side by side: [in, K·out] and [K·out]; then [K, in, out] and [K·out]). */
  private readonly kernels: tf.Variable[];
  private readonly biases: tf.Variable[];
  private readonly inputSize: number;
  /** Units of the first layer (per thief). */
  private readonly firstUnits: number;

  private constructor(k: number, kernels: tf.Variable[], biases: tf.Variable[]) {
    this.kernels = kernels;
    this.biases = biases;
    this.k = k;
    this.inputSize = kernels[0].shape[0];
    this.firstUnits = kernels[0].shape[1]! / k;
  }

  /**
   * A stack whose thief k starts from `models[k]`'s current weights (copied: the models stay the
   * caller's). All models must have the same dense architecture.
   */
  static fromModels(models: readonly tf.LayersModel[]): StackedMlp {
    if (models.length === 0) throw new Error('StackedMlp: no models to stack');
    const layers = models.map(denseLayersOf);
    const shapes = layers[0].map((l) => l.getWeights()[0].shape.join('×'));
    layers.forEach((ls, k) => {
      const these = ls.map((l) => l.getWeights()[0].shape.join('×'));
      if (these.join(',') !== shapes.join(',')) throw new Error(`StackedMlp: model ${k} has layers ${these.join(', ')}, model 0 ${shapes.join(', ')}`);
    });
    const kernels: tf.Variable[] = [];
    const biases: tf.Variable[] = [];
    kernels.push(tf.tidy(() => tf.variable(tf.concat(layers.map((ls) => ls[0].getWeights()[0]), 1), true)));
    biases.push(tf.tidy(() => tf.variable(tf.concat(layers.map((ls) => ls[0].getWeights()[1])), true)));
    for (let l = 1; l < shapes.length; l++) {
      kernels.push(tf.tidy(() => tf.variable(tf.stack(layers.map((ls) => ls[l].getWeights()[0])), true)));
      biases.push(tf.tidy(() => tf.variable(tf.concat(layers.map((ls) => ls[l].getWeights()[1])), true)));
    }
    return new StackedMlp(models.length, kernels, biases);
  }

  /** Every trainable variable, for an optimizer. */
  get variables(): tf.Variable[] {
    return this.kernels.flatMap((w, l) => [w, this.biases[l]]);
  }

  /** The K thieves' logits [K, batch, classes] for inputs of any shape whose rows flatten to the input size. */
  logits(x: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const n = x.shape[0];
      const last = this.kernels.length - 1;
      // What a dense layer runs: tfjs fuses the bias and activation outside training and keeps
      // them apart while recording gradients, for each thief alike.
      const wide = tf.fused.matMul({ a: tf.reshape(x, [n, this.inputSize]), b: this.kernels[0], bias: this.biases[0], activation: last === 0 ? 'linear' : 'relu' });
      // [n, K·units] → [K, n, units]: thief k's block of columns becomes its own matrix.
      let h: tf.Tensor = tf.transpose(tf.reshape(wide, [n, this.k, this.firstUnits]), [1, 0, 2]);
      for (let l = 1; l <= last; l++) {
        const units = this.kernels[l].shape[2]!;
        h = tf.fused.matMul({ a: h, b: this.kernels[l], bias: tf.reshape(this.biases[l], [this.k, 1, units]), activation: l === last ? 'linear' : 'relu' });
      }
      return h as tf.Tensor3D;
    });
  }

  /**
   * One optimizer step of every thief on the same inputs `x`, thief k against `targets[k]`
   * ([K, batch, classes], probabilities): soft-label cross-entropy, as softCrossEntropy. Returns
   * the K losses before the step (the caller disposes them).
   */
  trainStep(optimizer: tf.Optimizer, x: tf.Tensor, targets: tf.Tensor3D): tf.Tensor1D {
    if (targets.shape[0] !== this.k) throw new Error(`StackedMlp: ${targets.shape[0]} target sets for ${this.k} thieves`);
    return tf.tidy(() => {
      let losses: tf.Tensor1D | null = null;
      const cost = optimizer.minimize(
        () => {
          const perThief = tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(this.logits(x))), 2), 1)) as tf.Tensor1D;
          losses = tf.keep(perThief);
          return tf.sum(perThief) as tf.Scalar;
        },
        true,
        this.variables,
      );
      cost?.dispose();
      const kept = losses as tf.Tensor1D | null;
      if (kept == null) throw new Error('StackedMlp: the optimizer did not evaluate the loss');
      // A kept tensor escapes every tidy, the caller's too: hand back an ordinary one instead.
      const out = tf.clone(kept);
      kept.dispose();
      return out;
    });
  }

  /** Each thief's softmax over `x` (row-major [n, classes] per thief), `batchSize` rows at a time. */
  async predictProbabilities(x: tf.Tensor, batchSize = 256): Promise<Float32Array[]> {
    const n = x.shape[0];
    const classes = this.kernels.length === 1 ? this.firstUnits : this.kernels[this.kernels.length - 1].shape[2]!;
    const out = Array.from({ length: this.k }, () => new Float32Array(n * classes));
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const probs = tf.tidy(() => tf.softmax(this.logits(tf.slice(x, start, rows))));
      try {
        const values = (await probs.data()) as Float32Array;
        for (let k = 0; k < this.k; k++) out[k].set(values.subarray(k * rows * classes, (k + 1) * rows * classes), start * classes);
      } finally {
        probs.dispose();
      }
    }
    return out;
  }

  /** Writes thief k's current weights into `models[k]` (same architecture), e.g. to hand one thief to code that takes a LayersModel. */
  writeTo(models: readonly tf.LayersModel[]): void {
    if (models.length !== this.k) throw new Error(`StackedMlp: ${models.length} models for ${this.k} thieves`);
    models.forEach((model, k) => {
      const layers = denseLayersOf(model);
      if (layers.length !== this.kernels.length) throw new Error(`StackedMlp: model ${k} has ${layers.length} dense layers, the stack ${this.kernels.length}`);
      layers.forEach((layer, l) => {
        const u = this.firstUnits;
        const [w, b] = tf.tidy(() =>
          l === 0
            ? [tf.slice(this.kernels[0], [0, k * u], [-1, u]), tf.slice(this.biases[0], k * u, u)]
            : [tf.squeeze(tf.slice(this.kernels[l], k, 1), [0]), tf.slice(this.biases[l], k * this.kernels[l].shape[2]!, this.kernels[l].shape[2]!)],
        );
        try {
          layer.setWeights([w, b]);
        } finally {
          tf.dispose([w, b]);
        }
      });
    });
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
