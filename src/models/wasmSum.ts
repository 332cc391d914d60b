/**
 * A `Sum` for the 'wasm' backend over the leading axes (every axis but the last): the bias
 * gradient of every conv and dense layer (dy summed over batch, rows and columns per channel).
 *
 * tfjs-backend-wasm 4.22 sums only over innermost axes, so it first transposes the whole tensor to
 * put the channels first (a strided copy of all of it), then sums each channel's row: in a
 * profiled batch-64 defender step the first conv's bias gradient ([64, 26, 26, 32] → [32]) took
 * 4.6 ms. Here each channel's sum runs down the rows in place, in the same order and in float32
 * (a Float32Array accumulator rounds after every addition, and a float32 sum computed in double
 * and rounded once is the float32 sum), so the result is the stock kernel's bit for bit
 * (wasmSum.test.ts). Every other reduction, the leading axes named out of order included (the
 * stock kernel adds in the order given), goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelSwap, unsupported, type WasmHeapBackend } from './wasmKernelKit';

const swap = kernelSwap(tf.Sum, (args) => fastSumKernel(args));

/** Swaps in the kernel above over tfjs-backend-wasm's own `Sum`. */
export function registerWasmFastSum(): void {
  swap.register();
}

/** Puts tfjs-backend-wasm's own `Sum` back (tests compare the two). */
export function unregisterWasmFastSum(): void {
  swap.unregister();
}

const fastSumKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam((attrs?.axis ?? []) as number | number[], x.shape);
  // In ascending order, as the gradients ask: the stock kernel adds in the order the axes are given.
  const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading) {
    const stock = swap.stock();
    if (stock == null) throw unsupported('the stock kernel to fall back on is gone', 'Sum (registerWasmFastSum)');
    return stock.kernelFunc(args);
  }
  const heap = backend as unknown as WasmHeapBackend;
  const channels = x.shape[rank - 1];
  const out = heap.makeOutput(attrs?.keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels], 'float32');
  const src = heap.typedArrayFromHeap(x) as Float32Array;
  const acc = new Float32Array(channels);
  for (let o = 0; o < src.length; o += channels) {
    for (let c = 0; c < channels; c++) acc[c] += src[o + c];
  }
  (heap.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
};
