/**
 * K thieves of one MLP architecture (thief I, the playground's MLPs) trained as one model.
 *
 * The grid search, the presets' demos and every run train several thieves of one architecture on
 * the same queries; only their targets (the answers each was given) and their seeds differ. Trained
 * one by one, K thieves cost K times every kernel launch, every optimizer update and every
 * read-back of a step, and a small MLP's step is mostly those. Stacked, a step is one product per
 * layer, one softmax, one optimizer update per layer:
 * - the first layer sees the same inputs for every thief, so its K weight matrices sit one above
 *   the other in one [K·out, in] variable (bias [K·out]) and the layer is one wide product, forward
 *   and for its weight gradient (measured on WASM, K = 8, batch 64: 14 ms as eight products, 5 ms wide);
 * - every later hidden layer's K matrices are one [K, out, in] variable, a batched product
 *   (wasmMatMul.ts runs it as K fast ones), and its K biases one flat [K·out] variable; the output
 *   layer's are [K, in, out] and [K·out], viewed as [K, 1, out]. Flat because a model handed thief
 *   k's weights (writeTo) takes over the very buffer it is given, and the wasm fused product refuses
 *   a bias whose buffer was made with more than one dimension, whatever the tensor's own shape says.
 * - the hidden layers' weights are stored transposed and, while training, their activations too
 *   ([K, units, batch]): each product is then W·hᵀ, whose right operand is the small activation
 *   matrix, where x·W's is the weight matrix. XNNPACK, under the wasm backend's products, repacks its
 *   right operand on every call, and the weights are new tensors after every optimizer step:
 *   measured in Node, 64×784 by 784×1,600 took 4.5 ms with a right operand it had seen and 8.0 ms
 *   with a new one, 1,600×784 by 784×64 4.6 ms either way. The products multiply the same numbers in
 *   the same order, so the sums are the same to the bit (stackedMlp.test.ts checks every value). The
 *   output layer, whose bias XNNPACK adds inside its product, and predictions (which fuse bias and
 *   ReLU into the product the same way) run in the dense layers' own orientation; so does a
 *   first layer that is the output layer ([in, K·out], a playground MLP without hidden layers).
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
  /**
   * Per layer: the K kernels and biases. Hidden layers transposed: layer 0 [K·out, in], later ones
   * [K, out, in]; the output layer as dense layers hold it: [in, K·out] when it is layer 0, else
   * [K, in, out]. Biases flat, [K·out].
   */
  private readonly kernels: tf.Variable[];
  private readonly biases: tf.Variable[];
  private readonly inputSize: number;
  /** Units of the first layer (per thief). */
  private readonly firstUnits: number;

  private constructor(k: number, kernels: tf.Variable[], biases: tf.Variable[], inputSize: number) {
    this.kernels = kernels;
    this.biases = biases;
    this.k = k;
    this.inputSize = inputSize;
    this.firstUnits = biases[0].shape[0] / k;
  }

  private get last(): number {
    return this.kernels.length - 1;
  }

  /** Units of layer l (per thief). */
  private unitsOf(l: number): number {
    return this.biases[l].shape[0] / this.k;
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
    const last = shapes.length - 1;
    const kernelOf = (l: number) => (ls: tf.layers.Layer[]) => {
      const w = ls[l].getWeights()[0];
      return l < last ? tf.transpose(w) : w;
    };
    const kernels: tf.Variable[] = [];
    const biases: tf.Variable[] = [];
    kernels.push(tf.tidy(() => tf.variable(tf.concat(layers.map(kernelOf(0)), last === 0 ? 1 : 0), true)));
    biases.push(tf.tidy(() => tf.variable(tf.concat(layers.map((ls) => ls[0].getWeights()[1])), true)));
    for (let l = 1; l <= last; l++) {
      kernels.push(tf.tidy(() => tf.variable(tf.stack(layers.map(kernelOf(l))), true)));
      biases.push(tf.tidy(() => tf.variable(tf.concat(layers.map((ls) => ls[l].getWeights()[1])), true)));
    }
    const inputSize = layers[0][0].getWeights()[0].shape[0];
    return new StackedMlp(models.length, kernels, biases, inputSize);
  }

  /** Every trainable variable, for an optimizer. */
  get variables(): tf.Variable[] {
    return this.kernels.flatMap((w, l) => [w, this.biases[l]]);
  }

  /** The output layer's bias as [K, 1, out]. */
  private outputBias(): tf.Tensor {
    return tf.reshape(this.biases[this.last], [this.k, 1, this.unitsOf(this.last)]);
  }

  /** The kernels in the dense layers' orientation: layer 0 [in, K·out], later ones [K, in, out]. */
  private denseKernels(): tf.Tensor[] {
    return this.kernels.map((w, l) => (l === this.last ? w : tf.transpose(w, l === 0 ? [1, 0] : [0, 2, 1])));
  }

  /**
   * The K thieves' logits [K, batch, classes] for inputs of any shape whose rows flatten to the
   * input size, as dense layers compute them outside training: bias and ReLU fused into each
   * product, every layer in the dense layers' orientation (`kernels`: denseKernels()).
   */
  private logitsWith(kernels: tf.Tensor[], x: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const n = x.shape[0];
      const last = this.last;
      const wide = tf.fused.matMul({ a: tf.reshape(x, [n, this.inputSize]), b: kernels[0], bias: this.biases[0], activation: last === 0 ? 'linear' : 'relu' });
      // [n, K·units] → [K, n, units]: thief k's block of columns becomes its own matrix.
      let h: tf.Tensor = tf.transpose(tf.reshape(wide, [n, this.k, this.firstUnits]), [1, 0, 2]);
      for (let l = 1; l <= last; l++) {
        const units = this.unitsOf(l);
        h = tf.fused.matMul({ a: h, b: kernels[l], bias: tf.reshape(this.biases[l], [this.k, 1, units]), activation: l === last ? 'linear' : 'relu' });
      }
      return h as tf.Tensor3D;
    });
  }

  /**
   * The logits while recording gradients, where a dense layer does not fuse its bias and ReLU into
   * the product (tfjs fuses only outside training, or a linear layer): the hidden layers as W·hᵀ on
   * transposed activations ([K, units, n]), then the output layer as the dense layer computes it.
   */
  private trainingLogits(x: tf.Tensor): tf.Tensor3D {
    const n = x.shape[0];
    const last = this.last;
    const x2 = tf.reshape(x, [n, this.inputSize]);
    if (last === 0) return tf.reshape(tf.fused.matMul({ a: x2, b: this.kernels[0], bias: this.biases[0] }), [n, this.k, this.firstUnits]).transpose([1, 0, 2]) as tf.Tensor3D;
    const k = this.k;
    // Layer 0: [K·units, in] · xᵀ, thief k's rows a block of its own.
    let hT: tf.Tensor = tf.relu(tf.add(tf.matMul(this.kernels[0], x2, false, true), tf.reshape(this.biases[0], [k * this.firstUnits, 1])));
    hT = tf.reshape(hT, [k, this.firstUnits, n]);
    for (let l = 1; l < last; l++) {
      hT = tf.relu(tf.add(tf.matMul(this.kernels[l], hT), tf.reshape(this.biases[l], [k, this.unitsOf(l), 1])));
    }
    const h = tf.transpose(hT, [0, 2, 1]);
    return tf.fused.matMul({ a: h, b: this.kernels[last], bias: this.outputBias(), activation: 'linear' }) as tf.Tensor3D;
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
          const perThief = tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(this.trainingLogits(x))), 2), 1)) as tf.Tensor1D;
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
    const classes = this.unitsOf(this.last);
    const out = Array.from({ length: this.k }, () => new Float32Array(n * classes));
    const kernels = tf.tidy(() => this.denseKernels().map((w) => tf.keep(w)));
    try {
      for (let start = 0; start < n; start += batchSize) {
        const rows = Math.min(batchSize, n - start);
        const probs = tf.tidy(() => tf.softmax(this.logitsWith(kernels, tf.slice(x, start, rows))));
        try {
          const values = (await probs.data()) as Float32Array;
          for (let k = 0; k < this.k; k++) out[k].set(values.subarray(k * rows * classes, (k + 1) * rows * classes), start * classes);
        } finally {
          probs.dispose();
        }
      }
    } finally {
      // The output layer's kernel is the variable itself: only the transposed copies are ours.
      kernels.forEach((w, l) => {
        if (l !== this.last) w.dispose();
      });
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
        const u = this.unitsOf(l);
        const [w, b] = tf.tidy(() => {
          const bias = tf.slice(this.biases[l], k * u, u);
          if (l === 0) return [this.last === 0 ? tf.slice(this.kernels[0], [0, k * u], [-1, u]) : tf.transpose(tf.slice(this.kernels[0], [k * u, 0], [u, -1])), bias];
          const mine = tf.squeeze(tf.slice(this.kernels[l], k, 1), [0]);
          return [l === this.last ? mine : tf.transpose(mine), bias];
        });
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
