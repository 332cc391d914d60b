/**
 * A `MaxPoolGrad` for the 'wasm' backend: the max-pool's gradient for pools whose windows do not
 * overlap (stride ≥ window, every pool of our nets: 2×2, stride 2), as one pass over the windows.
 *
 * tfjs-backend-wasm 4.22 finds each window's maximum, then visits every input pixel and sums over
 * the windows that cover it, a scalar loop: in a profiled batch-64 training step of the defender
 * (26×26×32 → 13×13×32 and 11×11×64 → 5×5×64) the two pool gradients took 29 of 95 kernel-ms, the
 * largest share of any kernel. Without overlap each input pixel gets at most one window's
 * gradient, so it is enough to find each window's maximum and write the window's gradient there.
 *
 * Same numbers as the stock kernel, bit for bit (wasmMaxPoolGrad.test.ts compares them on ties,
 * zeros, negatives, padding and non-finite gradients):
 * - the stock kernel's choice of the maximum: it starts from the smallest positive float
 *   (FLT_MIN) and takes a value ≥ the best so far, row by row, so the LAST of equal maxima wins and
 *   a window with no value ≥ FLT_MIN (all zeros after a ReLU, say) keeps position 0, the tensor's
 *   first element, which receives that gradient only when the window covers it;
 * - its sum: each covered pixel gets dy × (1 or 0), so a non-finite dy (NaN × 0 = NaN) reaches every
 *   pixel of its window.
 * Overlapping windows, dilations and anything not float32 go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelSwap, unsupported, type WasmHeapBackend } from './wasmKernelKit';

/** The smallest positive normal float32: where the stock kernel's search for the maximum starts. */
const FLT_MIN = 1.1754943508222875e-38;

const swap = kernelSwap(tf.MaxPoolGrad, (args) => fastMaxPoolGradKernel(args));

/** Swaps in the kernel above over tfjs-backend-wasm's own `MaxPoolGrad`. */
export function registerWasmFastMaxPoolGrad(): void {
  swap.register();
}

/** Puts tfjs-backend-wasm's own `MaxPoolGrad` back (benchmarks and tests compare the two). */
export function unregisterWasmFastMaxPoolGrad(): void {
  swap.unregister();
}

const fastMaxPoolGradKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const input = inputs.input as TensorInfo;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs?.filterSize as [number, number] | number,
    attrs?.strides as [number, number] | number,
    1,
    attrs?.pad as 'valid' | 'same' | number,
    attrs?.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const fast =
    input.dtype === 'float32' &&
    dy.dtype === 'float32' &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.strideHeight >= info.effectiveFilterHeight &&
    info.strideWidth >= info.effectiveFilterWidth;
  if (!fast) {
    const stock = swap.stock();
    if (stock == null) throw unsupported('the stock kernel to fall back on is gone', 'MaxPoolGrad (registerWasmFastMaxPoolGrad)');
    return stock.kernelFunc(args);
  }
  const heap = backend as unknown as WasmHeapBackend;
  const dx = heap.makeOutput(input.shape, 'float32');
  // Views after the allocation: a growing heap detaches older ones.
  const x = heap.typedArrayFromHeap(input) as Float32Array;
  const g = heap.typedArrayFromHeap(dy) as Float32Array;
  const out = heap.typedArrayFromHeap(dx) as Float32Array;
  out.fill(0);
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  // Per channel of the current window: the best value so far and where it is. The channel loop
  // is the innermost, over contiguous memory (NHWC).
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * info.strideHeight - info.padInfo.top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(H, r0 + fh);
      for (let ow = 0; ow < OW; ow++) {
        const c0 = ow * info.strideWidth - info.padInfo.left;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(W, c0 + fw);
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        if (rMax - rMin === 2 && cMax - cMin === 2 && !(b === 0 && rMin === 0 && cMin === 0)) {
          // A whole 2×2 window (every window of our nets), unrolled: its four pixels in the stock
          // kernel's order, the last of equal maxima winning.
          const p0 = ((b * H + rMin) * W + cMin) * C;
          const p1 = p0 + C;
          const p2 = p0 + W * C;
          const p3 = p2 + C;
          for (let ch = 0; ch < C; ch++) {
            let m = FLT_MIN;
            let to = 0;
            const v0 = x[p0 + ch];
            const v1 = x[p1 + ch];
            const v2 = x[p2 + ch];
            const v3 = x[p3 + ch];
            if (v0 >= m) {
              m = v0;
              to = p0 + ch;
            }
            if (v1 >= m) {
              m = v1;
              to = p1 + ch;
            }
            if (v2 >= m) {
              m = v2;
              to = p2 + ch;
            }
            if (v3 >= m) to = p3 + ch;
            const grad = g[dyBase + ch];
            if (Number.isFinite(grad)) {
              if (to !== 0) out[to] += grad;
            } else {
              for (const o of [p0 + ch, p1 + ch, p2 + ch, p3 + ch]) out[o] += grad * (o === to ? 1 : 0);
            }
          }
          continue;
        }
        best.fill(FLT_MIN);
        at.fill(0);
        for (let r = rMin; r < rMax; r++) {
          for (let c = cMin; c < cMax; c++) {
            const base = ((b * H + r) * W + c) * C;
            for (let ch = 0; ch < C; ch++) {
              const v = x[base + ch];
              if (v >= best[ch]) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        }
        // The first element is covered by this window only in image 0's top-left corner (channel 0).
        const coversFirst = b === 0 && rMin === 0 && cMin === 0 && rMax > 0 && cMax > 0;
        for (let ch = 0; ch < C; ch++) {
          const grad = g[dyBase + ch];
          const to = at[ch];
          if (Number.isFinite(grad)) {
            // Only `to` gets grad × 1; the window's other pixels get grad × 0 = 0, nothing to add.
            // `to` is 0 when no value reached FLT_MIN: the tensor's first element, if this window covers it.
            if (to !== 0 || (coversFirst && ch === 0)) out[to] += grad;
          } else {
            for (let r = rMin; r < rMax; r++) {
              for (let c = cMin; c < cMax; c++) {
                const o = ((b * H + r) * W + c) * C + ch;
                out[o] += grad * (o === to ? 1 : 0);
              }
            }
          }
        }
      }
    }
  }
  return dx;
};
