/**
 * A `BatchMatMul` for the 'wasm' backend that always lands on XNNPACK's fast path.
 *
 * tfjs-backend-wasm 4.22 hands a matmul to XNNPACK only when both operands are single matrices and
 * neither is transposed; anything else (transposeA, transposeB, a batch of matrices) runs a plain
 * scalar loop. Measured in Node at batch 64 (2-core machine): 784×200 weights, x·W 0.8 ms on the
 * fast path; xᵀ·dy (transposeA, every dense layer's weight gradient) 11 ms; dy·Wᵀ (transposeB,
 * every dense layer's input gradient) 9 ms; eight stacked [64×784]·[784×200] products 61–68 ms
 * against 7–11 ms as eight fast ones. So every dense layer's backward pass, and K thieves trained
 * as one stacked model, paid 5–10× what the arithmetic costs.
 *
 * This kernel makes every case the fast one: a transposed operand is transposed explicitly first
 * (wasm's Transpose kernel, a copy), and a batch runs as one fast product per matrix, each copied
 * in and out of the WASM heap. When the right operand is a single matrix (and the left is not
 * transposed) the batch folds into the rows of one product. Every other input (not float32, a
 * broadcast of two batch shapes that are both > 1 and differ) goes to the stock kernel unchanged.
 *
 * Same registration rules as the kernels in wasmKernels.ts: idempotent, before or after the
 * backend starts, does nothing without tfjs-backend-wasm.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelSwap, runWasmKernel, unsupported, type WasmHeapBackend } from './wasmKernelKit';

const swap = kernelSwap(tf.BatchMatMul, (args) => fastMatMulKernel(args));

/** Swaps in the kernel above over tfjs-backend-wasm's own `BatchMatMul`. */
export function registerWasmFastMatMul(): void {
  swap.register();
}

/** Puts tfjs-backend-wasm's own `BatchMatMul` back (benchmarks and tests compare the two). */
export function unregisterWasmFastMatMul(): void {
  swap.unregister();
}

function stockKernel(): KernelFunc {
  const stock = swap.stock();
  if (stock == null) throw unsupported('the stock kernel to fall back on is gone', 'BatchMatMul (registerWasmFastMatMul)');
  return stock.kernelFunc;
}

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

const fastMatMulKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const transposeA = Boolean(attrs?.transposeA);
  const transposeB = Boolean(attrs?.transposeB);
  const stock = stockKernel();
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = size(outerA);
  const batchB = size(outerB);
  const pairwise = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  const supported = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length >= 2 && b.shape.length >= 2 && (pairwise || batchA === 1 || batchB === 1);
  // The stock kernel's own fast path, and whatever this kernel does not handle.
  if (!supported || (!transposeA && !transposeB && batchA === 1 && batchB === 1)) return stock(args);

  const kb = backend as KernelBackend;
  const rA = a.shape.length;
  const rB = b.shape.length;
  const m = transposeA ? a.shape[rA - 1] : a.shape[rA - 2];
  const kA = transposeA ? a.shape[rA - 2] : a.shape[rA - 1];
  const kB = transposeB ? b.shape[rB - 1] : b.shape[rB - 2];
  const n = transposeB ? b.shape[rB - 2] : b.shape[rB - 1];
  if (kA !== kB) {
    throw new Error(`Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, n];
  const batch = Math.max(batchA, batchB);
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo) => {
    temps.push(t);
    return t;
  };
  try {
    // Both operands as [batch, rows, cols] in the orientation the fast path wants.
    const as3d = (x: TensorInfo, bx: number, transpose: boolean): TensorInfo => {
      const r = x.shape.length;
      const x3 = keep(runWasmKernel(tf.Reshape, { x }, { shape: [bx, x.shape[r - 2], x.shape[r - 1]] }, kb));
      return transpose ? keep(runWasmKernel(tf.Transpose, { x: x3 }, { perm: [0, 2, 1] }, kb)) : x3;
    };
    const a3 = as3d(a, batchA, transposeA); // [batchA, m, k]
    const b3 = as3d(b, batchB, transposeB); // [batchB, k, n]
    const product = (left: TensorInfo, right: TensorInfo) => keep(stock({ inputs: { a: left, b: right }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo);

    if (batch === 1) return reshaped(product(a3, b3), outShape, kb);
    if (batchB === 1) {
      // One matrix on the right: the batch's rows go through it as one product.
      const rows = keep(runWasmKernel(tf.Reshape, { x: a3 }, { shape: [1, batchA * m, kA] }, kb));
      return reshaped(product(rows, b3), outShape, kb);
    }
    // A product per matrix of the batch, copied through the heap.
    const heap = backend as unknown as WasmHeapBackend;
    const out = heap.makeOutput([batch, m, n], 'float32');
    try {
      for (let i = 0; i < batch; i++) {
        const left = batchA === 1 ? a3 : matrixOf(heap, a3, i, m, kA);
        const right = matrixOf(heap, b3, i, kA, n);
        const p = stock({ inputs: { a: left, b: right }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
        // Views taken after every allocation: a growing heap detaches the old ones.
        (heap.typedArrayFromHeap(out) as Float32Array).set(heap.typedArrayFromHeap(p) as Float32Array, i * m * n);
        kb.disposeData(p.dataId);
        if (left !== a3) kb.disposeData(left.dataId);
        kb.disposeData(right.dataId);
      }
    } catch (e) {
      kb.disposeData(out.dataId);
      throw e;
    }
    return { ...out, shape: outShape };
  } finally {
    for (const t of temps) kb.disposeData(t.dataId);
  }
};

/** Matrix `i` of a [batch, rows, cols] tensor, copied into a tensor of its own ([1, rows, cols]). */
function matrixOf(heap: WasmHeapBackend, x: TensorInfo, i: number, rows: number, cols: number): TensorInfo {
  const one = heap.makeOutput([1, rows, cols], 'float32');
  const len = rows * cols;
  (heap.typedArrayFromHeap(one) as Float32Array).set((heap.typedArrayFromHeap(x) as Float32Array).subarray(i * len, (i + 1) * len));
  return one;
}

/** The product in the output's shape: a new reference to its data, so freeing the temporaries leaves it to the engine. */
function reshaped(p: TensorInfo, outShape: number[], backend: KernelBackend): TensorInfo {
  return runWasmKernel(tf.Reshape, { x: p }, { shape: outShape }, backend);
}
