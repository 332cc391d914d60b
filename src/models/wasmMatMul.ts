/**
 * `BatchMatMul` and `_FusedMatMul` for the 'wasm' backend that always land on XNNPACK's fast path.
 *
 * tfjs-backend-wasm 4.22 hands a matmul to XNNPACK only when both operands are single matrices and
 * neither is transposed; anything else (transposeA, transposeB, a batch of matrices) runs a plain
 * scalar loop. Measured in Node at batch 64 (2-core machine): 784×200 weights, x·W 0.8 ms on the
 * fast path; xᵀ·dy (transposeA, every dense layer's weight gradient) 11 ms; dy·Wᵀ (transposeB,
 * every dense layer's input gradient) 9 ms; eight stacked [64×784]·[784×200] products 61–68 ms
 * against 7–11 ms as eight fast ones. So every dense layer's backward pass, and K thieves trained
 * as one stacked model (stackedMlp.ts), paid 5–10× what the arithmetic costs. The fused product
 * (matmul + bias + activation, what a dense layer runs outside training and for its linear output
 * layer) is worse off: the stock kernel refuses a bias of more than one dimension, which a stack
 * of K layers has ([K, 1, units]).
 *
 * This kernel makes every case the fast one: a transposed operand is transposed explicitly first
 * (wasm's Transpose kernel, a copy), and a batch runs as one fast product per matrix, each copied
 * in and out of the WASM heap. When the right operand is a single matrix (and the left is not
 * transposed) the batch folds into the rows of one product. Every other input (not float32, a
 * broadcast of two batch shapes that are both > 1 and differ) goes to the stock kernel unchanged.
 * The fused kernel does the same with the stock fused kernel, one matrix (and its own row of the
 * bias) at a time, so each thief of a stack gets exactly the numbers it would get alone.
 *
 * Same registration rules as the kernels in wasmKernels.ts: idempotent, before or after the
 * backend starts, does nothing without tfjs-backend-wasm.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelSwap, runWasmKernel, unsupported, type WasmHeapBackend } from './wasmKernelKit';

const swap = kernelSwap(tf.BatchMatMul, (args) => fastMatMulKernel(args));
const fusedSwap = kernelSwap(tf._FusedMatMul, (args) => fastFusedMatMulKernel(args));

/** Swaps in the kernels above over tfjs-backend-wasm's own `BatchMatMul` and `_FusedMatMul`. */
export function registerWasmFastMatMul(): void {
  swap.register();
  fusedSwap.register();
}

/** Puts tfjs-backend-wasm's own `BatchMatMul` and `_FusedMatMul` back (benchmarks and tests compare them). */
export function unregisterWasmFastMatMul(): void {
  swap.unregister();
  fusedSwap.unregister();
}

function stockKernel(which = swap, name = 'BatchMatMul'): KernelFunc {
  const stock = which.stock();
  if (stock == null) throw unsupported('the stock kernel to fall back on is gone', `${name} (registerWasmFastMatMul)`);
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
    const a3 = asMatrices(a, batchA, transposeA, kb, keep); // [batchA, m, k]
    const b3 = asMatrices(b, batchB, transposeB, kb, keep); // [batchB, k, n]
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

/**
 * `x` as `batch` matrices [batch, rows, cols], each transposed when asked (a copy, wasm's Transpose);
 * every tensor made is handed to `keep`, to be freed by the caller.
 */
function asMatrices(x: TensorInfo, batch: number, transpose: boolean, backend: KernelBackend, keep: (t: TensorInfo) => TensorInfo): TensorInfo {
  const r = x.shape.length;
  const x3 = keep(runWasmKernel(tf.Reshape, { x }, { shape: [batch, x.shape[r - 2], x.shape[r - 1]] }, backend));
  return transpose ? keep(runWasmKernel(tf.Transpose, { x: x3 }, { perm: [0, 2, 1] }, backend)) : x3;
}

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

/**
 * The fused product (a·b + bias, then the activation) one matrix at a time through the stock fused
 * kernel: a batch of matrices, a transposed operand, or a bias with one row per matrix ([batch, 1,
 * n] or [batch, n]). PReLU weights, and biases of any other shape, go to the stock kernel.
 */
const fastFusedMatMulKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const bias = (inputs.bias as TensorInfo | undefined) ?? null;
  const transposeA = Boolean(attrs?.transposeA);
  const transposeB = Boolean(attrs?.transposeB);
  const stock = stockKernel(fusedSwap, '_FusedMatMul');
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = size(outerA);
  const batchB = size(outerB);
  const batch = Math.max(batchA, batchB);
  const rA = a.shape.length;
  const rB = b.shape.length;
  const m = transposeA ? a.shape[rA - 1] : a.shape[rA - 2];
  const n = transposeB ? b.shape[rB - 2] : b.shape[rB - 1];
  const pairwise = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  const broadcastable = pairwise || batchA === 1 || batchB === 1;
  const outer = broadcastable ? tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB) : [];
  // The bias as one row of n for all matrices (1), one row per matrix ([…batch, 1, n]: batch), or shaped otherwise (−1).
  const biasRows =
    bias == null
      ? 0
      : size(bias.shape) === n && bias.shape.at(-1) === n
        ? 1
        : bias.shape.length === outer.length + 2 && bias.shape.at(-1) === n && bias.shape.at(-2) === 1 && outer.every((d, i) => d === bias.shape[i])
          ? batch
          : -1;
  const supported =
    a.dtype === 'float32' && b.dtype === 'float32' && rA >= 2 && rB >= 2 && inputs.preluActivationWeights == null && biasRows >= 0 && broadcastable;
  const stockFast = !transposeA && !transposeB && batch === 1 && (bias == null || bias.shape.length === 1);
  if (!supported || stockFast) return stock(args);

  const kb = backend as KernelBackend;
  const heap = backend as unknown as WasmHeapBackend;
  const kA = transposeA ? a.shape[rA - 2] : a.shape[rA - 1];
  const outShape = [...outer, m, n];
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo) => {
    temps.push(t);
    return t;
  };
  const pieceAttrs = { ...attrs, transposeA: false, transposeB: false };
  try {
    const a3 = asMatrices(a, batchA, transposeA, kb, keep);
    const b3 = asMatrices(b, batchB, transposeB, kb, keep);
    const biasOf = (i: number): TensorInfo | null => {
      if (bias == null) return null;
      const row = keep(heap.makeOutput([n], 'float32'));
      const from = biasRows === 1 ? 0 : i * n;
      (heap.typedArrayFromHeap(row) as Float32Array).set((heap.typedArrayFromHeap(bias) as Float32Array).subarray(from, from + n));
      return row;
    };
    const out = heap.makeOutput([batch, m, n], 'float32');
    try {
      for (let i = 0; i < batch; i++) {
        const left = batchA === 1 ? a3 : matrixOf(heap, a3, i, m, kA);
        const right = batchB === 1 ? b3 : matrixOf(heap, b3, i, kA, n);
        const row = biasOf(i);
        const p = stock({ inputs: { a: left, b: right, ...(row ? { bias: row } : {}) }, backend, attrs: pieceAttrs }) as TensorInfo;
        (heap.typedArrayFromHeap(out) as Float32Array).set(heap.typedArrayFromHeap(p) as Float32Array, i * m * n);
        kb.disposeData(p.dataId);
        if (left !== a3) kb.disposeData(left.dataId);
        if (right !== b3) kb.disposeData(right.dataId);
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
