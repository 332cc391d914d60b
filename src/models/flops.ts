/**
 * Arithmetic cost of one training step, counted from the architecture spec (no tfjs), so the
 * benchmark can turn milliseconds per step into achieved GFLOP/s.
 *
 * Convention (the usual one for dense/conv nets): only the multiply-adds of the conv and dense
 * layers count, each as 2 FLOPs. The backward pass costs about twice the forward pass (one
 * product for the weight gradient, one for the input gradient), so a training step is about
 * 3 × forward. Bias adds, ReLU, pooling, softmax, the loss and the optimizer's update are left
 * out: together they are well under 1% of the defender's step (Adam touches each of its
 * ~225 k weights a few times; the convs do ~2.6 M multiply-adds per image). Strided convs count
 * their output positions only (AllConv's stride-2 convs: a quarter of a stride-1 conv's MACs).
 */
import { convLayers, convOutSide, MODEL_SPECS, type ModelId } from './registry';

export interface StepFlops {
  /** Multiply-adds of one forward pass of one image, per conv/dense layer in order. */
  layerMacs: { layer: string; macs: number }[];
  /** Σ layerMacs. */
  forwardMacsPerImage: number;
  /** 2 × forwardMacsPerImage. */
  forwardFlopsPerImage: number;
  /** ≈ 3 × forward FLOPs × batch: forward, then the weight and input gradients. */
  trainStepFlops: number;
  /**
   * The products a training step really multiplies: trainStepFlops less the first layer's input
   * gradient, which no step computes (the images are not variables; tfjs's backward pass prunes
   * it). Thief I: 0.78 of trainStepFlops, the defender 0.99.
   */
  computedStepFlops: number;
}

/** FLOPs of one training step of architecture `id` at `batch` images (see the module comment). */
export function trainStepFlops(
  id: ModelId,
  batch: number,
  inputShape: readonly [number, number, number] = [28, 28, 1],
  numClasses = 10,
): StepFlops {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  const spec = MODEL_SPECS[id];
  if (!spec) throw new RangeError(`unknown model id ${JSON.stringify(id)}`);
  let [h, w, c] = inputShape;
  const layerMacs: StepFlops['layerMacs'] = [];
  convLayers(spec).forEach((layer, i) => {
    h = convOutSide(h, layer);
    w = convOutSide(w, layer);
    layerMacs.push({ layer: `conv${i + 1}`, macs: h * w * layer.filters * layer.kernel * layer.kernel * c });
    c = layer.filters;
    if (layer.poolAfter) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  });
  if (spec.head === 'global-average') {
    // AllConv: the 1×1 conv to numClasses maps is the logits layer (the global average adds only).
    layerMacs.push({ layer: 'logits', macs: h * w * c * numClasses });
  } else {
    let width = h * w * c;
    [...spec.dense, numClasses].forEach((units, i) => {
      layerMacs.push({ layer: i < spec.dense.length ? `dense${i + 1}` : 'logits', macs: width * units });
      width = units;
    });
  }
  const forwardMacsPerImage = layerMacs.reduce((s, l) => s + l.macs, 0);
  const forwardFlopsPerImage = 2 * forwardMacsPerImage;
  const trainStepFlops = 3 * forwardFlopsPerImage * batch;
  return { layerMacs, forwardMacsPerImage, forwardFlopsPerImage, trainStepFlops, computedStepFlops: trainStepFlops - 2 * layerMacs[0].macs * batch };
}

/** FLOPs of one n×n by n×n matrix product: n³ multiply-adds. */
export function matmulFlops(n: number): number {
  return 2 * n * n * n;
}
