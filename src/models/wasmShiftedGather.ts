/**
 * The thief's training batch, shifted, in one pass on the 'wasm' backend: gatherShifted's work
 * (training.ts) as one kernel that copies each shifted pixel straight from the stored queries into
 * the batch inside the WASM heap.
 *
 * gatherShifted otherwise builds, per batch, an index and a 0/1 mask over every pixel in JS
 * (50,000 of each for 64 MNIST images), uploads both, gathers and multiplies: about 1 ms in Node
 * and 4 ms per step in the page, a third of thief I's step once the step got 3× faster. Same
 * numbers, bit for bit (wasmShiftedGather.test.ts): a pixel shifted in from outside the image is
 * the row's first pixel times 0, as the mask makes it (−0 for a negative value).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { BACKEND, type WasmHeapBackend } from './wasmKernelKit';

/** Our own kernel's name (tfjs has none for this). */
export const SHIFTED_GATHER = 'ModelTheftLabShiftedGather';

/** Registers the kernel for the 'wasm' backend (idempotent). */
export function registerWasmShiftedGather(): void {
  if (tf.getKernel(SHIFTED_GATHER, BACKEND) != null) return;
  tf.registerKernel({ kernelName: SHIFTED_GATHER, backendName: BACKEND, kernelFunc: shiftedGatherKernel });
}

/** Removes it again (tests compare the kernel with the ops it replaces). */
export function unregisterWasmShiftedGather(): void {
  if (tf.getKernel(SHIFTED_GATHER, BACKEND) != null) tf.unregisterKernel(SHIFTED_GATHER, BACKEND);
}

/**
 * Inputs { x: [count, h, w, c] }; attrs { rows: the batch's row of x for each image, shifts: [dy, dx]
 * per image, flat }. Rows must be valid (gatherShifted checks them). Output [rows.length, h, w, c].
 */
const shiftedGatherKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const rows = attrs?.rows as number[];
  const shifts = attrs?.shifts as number[];
  const [, h, w, c] = x.shape;
  const n = rows.length;
  const heap = backend as unknown as WasmHeapBackend;
  const out = heap.makeOutput([n, h, w, c], 'float32');
  // Views after the allocation: a growing heap detaches older ones.
  const src = heap.typedArrayFromHeap(x) as Float32Array;
  const dst = heap.typedArrayFromHeap(out) as Float32Array;
  const image = h * w * c;
  let o = 0;
  for (let b = 0; b < n; b++) {
    const base = rows[b] * image;
    const dy = shifts[2 * b];
    const dx = shifts[2 * b + 1];
    for (let r = 0; r < h; r++) {
      const sr = r - dy;
      const rowInside = sr >= 0 && sr < h;
      for (let col = 0; col < w; col++) {
        const sc = col - dx;
        if (rowInside && sc >= 0 && sc < w) {
          const from = base + (sr * w + sc) * c;
          for (let ch = 0; ch < c; ch++) dst[o++] = src[from + ch];
        } else {
          for (let ch = 0; ch < c; ch++) dst[o++] = src[base + ch] * 0;
        }
      }
    }
  }
  return out;
};
