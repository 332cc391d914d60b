/**
 * Kernels that tfjs-backend-wasm 4.22 lacks or runs slowly, built from the kernels it has.
 *
 * The one that matters: wasm has no `Conv2DBackpropFilter`, so a tf.layers conv2d model cannot
 * train there, although wasm is by far the fastest backend on machines without a GPU
 * (docs/tfjs-facts.md: ~120 ms per batch-64 step against 1.2–3.5 s on cpu or software
 * WebGL/WebGPU). The filter gradient is itself a convolution, so it is computed with wasm's own
 * (XNNPACK) Conv2D kernel on transposed operands.
 *
 * The second: wasm's own `Conv2DBackpropInput` (the gradient of a conv with respect to its input,
 * needed for every conv layer but the first when training, and for the first too when taking
 * gradients with respect to the images) is a plain scalar C loop. At stride 1 it is exactly a
 * "full" convolution of dy with the spatially flipped, channel-swapped filter, which XNNPACK's
 * Conv2D runs several times faster; the stock kernel stays in place for everything else.
 *
 * The kernels call the other wasm kernel functions directly on TensorInfos, the way wasm's own
 * composite kernels (BatchToSpaceND, …) do, instead of wrapping their inputs as engine tensors.
 * Nothing they make passes through the engine, so the engine's tensor count cannot drift; every
 * intermediate is released with backend.disposeData, and the one output buffer is handed to the
 * engine, which takes ownership as it does for any kernel output.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { BACKEND, kernelSwap, runWasmKernel, unsupported, type WasmHeapBackend } from './wasmKernelKit';
import { registerWasmFusedAdam } from './fusedAdam';
import { registerWasmFastMatMul } from './wasmMatMul';
import { registerWasmFastMaxPoolGrad } from './wasmMaxPoolGrad';
import { registerWasmFastSum } from './wasmSum';
import { registerWasmShiftedGather } from './wasmShiftedGather';

const KERNEL = tf.Conv2DBackpropFilter;

/**
 * Registers a `Conv2DBackpropFilter` kernel for the 'wasm' backend, so that conv2d gradients (and
 * hence tf.layers conv2d training) work there, and swaps in the faster stride-1
 * `Conv2DBackpropInput` (registerWasmConv2DBackpropInput), the row-copying `GatherV2`
 * (registerWasmFastGather), the XNNPACK-only `BatchMatMul` (registerWasmFastMatMul, in
 * wasmMatMul.ts), the one-pass `MaxPoolGrad` (wasmMaxPoolGrad.ts), the in-place `Sum` over
 * leading axes (wasmSum.ts), the shifted batch gather (wasmShiftedGather.ts) and Adam's one-pass
 * update (fusedAdam.ts) — the one call every wasm user makes.
 *
 * Idempotent: does nothing if the wasm backend already has the kernel (a second call, or a future
 * tfjs-backend-wasm that ships its own). Can be called before or after the wasm backend is
 * initialised; the kernels it builds on are looked up when it runs.
 *
 * Supported: NHWC, float32, any strides, padding 'valid', 'same', a number or explicit
 * per-side pads, any dimRoundingMode. Unsupported attributes (dataFormat 'NCHW', dilations other
 * than 1) throw an Error that names them, rather than returning a wrong gradient.
 */
export function registerWasmConv2DBackpropFilter(): void {
  registerWasmConv2DBackpropInput();
  registerWasmFastGather();
  registerWasmFastMatMul();
  registerWasmFastMaxPoolGrad();
  registerWasmFastSum();
  registerWasmShiftedGather();
  registerWasmFusedAdam();
  if (tf.getKernel(KERNEL, BACKEND) != null) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: BACKEND,
    kernelFunc: ({ inputs, backend, attrs }) => conv2DBackpropFilterWasm(inputs, backend as KernelBackend, attrs ?? {}),
  });
}

/** Our Conv2DBackpropInput, and the stock one it replaced (kept to delegate to and to put back). */
const backpropInputSwap = kernelSwap(tf.Conv2DBackpropInput, (args) => fastBackpropInputKernel(args));

/**
 * Replaces the 'wasm' backend's `Conv2DBackpropInput` with one that, for stride 1, computes dx as
 * an XNNPACK Conv2D of dy with the flipped, channel-swapped filter; every other case (strides or
 * dilations ≠ 1, NCHW, non-float32, explicit pads wider than the kernel) goes to the stock kernel
 * unchanged. Measured at batch 64 (scripts/bench-conv-grad.ts): 8–11× faster than the stock scalar
 * loop on the 13×13 and 26×26 layers, 3× on Y's 5×5×128, 1.4× on a 1-channel 28×28 input; batch-64
 * training steps 1.7–2.6× faster (defender, A, X, Y).
 *
 * Idempotent, and called by registerWasmConv2DBackpropFilter, so callers need nothing else. Needs
 * @tensorflow/tfjs-backend-wasm to have been imported (it registers the stock kernel on import);
 * if it has not, this does nothing. Can be called before or after the wasm backend is initialised:
 * the replacement carries the stock kernel's setupFunc, which the engine runs at initialisation.
 */
export function registerWasmConv2DBackpropInput(): void {
  backpropInputSwap.register();
}

/**
 * Puts tfjs-backend-wasm's own `Conv2DBackpropInput` back (benchmarks and tests compare the two).
 * Does nothing unless registerWasmConv2DBackpropInput's kernel is the registered one.
 */
export function unregisterWasmConv2DBackpropInput(): void {
  backpropInputSwap.unregister();
}

const fastBackpropInputKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const out = conv2DBackpropInputWasm(inputs, backend as KernelBackend, attrs ?? {});
  if (out != null) return out;
  const stock = backpropInputSwap.stock();
  if (stock == null) {
    throw unsupported('the stock kernel to fall back on is gone', 'Conv2DBackpropInput (registerWasmConv2DBackpropInput)');
  }
  return stock.kernelFunc({ inputs, backend, attrs });
};

/**
 * dx for a stride-1, undilated NHWC conv, or null when the stock kernel must do it.
 *
 * The forward conv gave y[oy] = Σ_ky xpad[oy + ky]·W[ky], so dx[iy] = Σ_ky dy[iy + top − ky]·W[ky]
 * with dy zero outside [0, outSize): with W' = W flipped (W'[j] = W[k−1−j]) that is
 * Σ_j dy[iy − (k−1−top) + j]·W'[j], a stride-1 conv of dy padded by k−1−top before and k−1−bottom
 * after — exactly inSize outputs. W' also swaps its in/out channels, so it sums over dy's channels.
 */
function conv2DBackpropInputWasm(inputs: NamedTensorInfoMap, backend: KernelBackend, attrs: NamedAttrMap): TensorInfo | null {
  const { dy, filter } = inputs;
  if (dy == null || filter == null || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || !isOneOrOnes(attrs.dilations) || !isOneOrOnes(attrs.strides)) return null;
  const inputShape = attrs.inputShape;
  if (!Array.isArray(inputShape) || inputShape.length !== 4 || dy.shape.length !== 4 || filter.shape.length !== 4) return null;
  const filterShape = filter.shape as [number, number, number, number];
  const [kh, kw, ci, co] = filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape,
    1,
    1,
    attrs.pad as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  const [batch, inH, inW, xc] = inputShape as number[];
  if (xc !== ci || dy.shape[0] !== batch || dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth || dy.shape[3] !== co) return null;
  if (batch === 0 || inH === 0 || inW === 0 || ci === 0 || co === 0) return null;
  const { top, bottom, left, right } = info.padInfo;
  const pads = [kh - 1 - top, kh - 1 - bottom, kw - 1 - left, kw - 1 - right];
  // Pads wider than the kernel would need a crop; no model here has them.
  if (pads.some((p) => p < 0) || info.outHeight <= 0 || info.outWidth <= 0) return null;

  const temps: TensorInfo[] = [];
  const track = (t: TensorInfo): TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    // The filter is tiny next to dy (3·3·32·64 floats against 64·11·11·64), so its two copies are cheap.
    const flipped = track(runWasmKernel(tf.Reverse, { x: filter }, { dims: [0, 1] }, backend)); // [kh, kw, ci, co]
    const swapped = track(runWasmKernel(tf.Transpose, { x: flipped }, { perm: [0, 1, 3, 2] }, backend)); // [kh, kw, co, ci]
    const dx = runWasmKernel(
      tf.Conv2D,
      { x: dy, filter: swapped },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [pads[0], pads[1]],
          [pads[2], pads[3]],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      },
      backend,
    );
    if (dx.shape[0] !== batch || dx.shape[1] !== inH || dx.shape[2] !== inW || dx.shape[3] !== ci) {
      backend.disposeData(dx.dataId);
      throw unsupported(
        `internal shape mismatch: got [${dx.shape.join(',')}], expected [${inputShape.join(',')}]`,
        'Conv2DBackpropInput (registerWasmConv2DBackpropInput)',
      );
    }
    return dx;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

function isOneOrOnes(v: unknown): boolean {
  if (v == null) return true;
  if (typeof v === 'number') return v === 1;
  return Array.isArray(v) && v.every((d) => d === 1);
}

/**
 * How one spatial axis of the filter gradient maps onto a stride-1 convolution of x with dy.
 *
 * The forward conv read padded rows oy·s + ky for oy < outSize, ky < k, i.e. rows [0, need) of the
 * padded input with need = (outSize−1)·s + k. dW[ky] = Σ_oy xpad[oy·s + ky]·dy[oy] is therefore
 * a convolution over xpad[0, need) with dy as the filter, dilated by s, giving exactly k outputs.
 * Real rows [0, keep) of x lie in that window; `before`/`after` are the zero rows around them.
 */
interface AxisPlan {
  keep: number;
  before: number;
  after: number;
}

function planAxis(inSize: number, outSize: number, k: number, stride: number, padBefore: number): AxisPlan {
  const need = (outSize - 1) * stride + k;
  const keep = Math.min(inSize, need - padBefore);
  return { keep, before: padBefore, after: need - padBefore - Math.max(keep, 0) };
}

function conv2DBackpropFilterWasm(inputs: NamedTensorInfoMap, backend: KernelBackend, attrs: NamedAttrMap): TensorInfo {
  const { x, dy } = inputs;
  if (x == null || dy == null) throw unsupported('needs inputs x and dy');
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  if (dataFormat !== 'NHWC') throw unsupported(`dataFormat '${String(dataFormat)}' is not supported (only 'NHWC')`);
  // The stock op never passes dilations (tfjs refuses conv2d gradients with dilation > 1), but a
  // direct runKernel could; the mapping below assumes the forward filter was not dilated.
  if (!isOneOrOnes(attrs.dilations)) throw unsupported(`dilations ${JSON.stringify(attrs.dilations)} are not supported (only 1)`);
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw unsupported(`dtype ${x.dtype}/${dy.dtype} is not supported (only float32)`);
  }
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw unsupported(`x and dy must be rank 4, got [${x.shape.join(',')}] and [${dy.shape.join(',')}]`);
  }
  if (!Array.isArray(attrs.filterShape) || attrs.filterShape.length !== 4) {
    throw unsupported(`filterShape must be [kh, kw, inChannels, outChannels], got ${JSON.stringify(attrs.filterShape)}`);
  }
  const filterShape = attrs.filterShape as [number, number, number, number];
  const [kh, kw, ci, co] = filterShape;
  const [batch, inH, inW, xc] = x.shape;
  if (xc !== ci || dy.shape[3] !== co || dy.shape[0] !== batch) {
    throw unsupported(`shapes do not fit: x [${x.shape.join(',')}], dy [${dy.shape.join(',')}], filter [${filterShape.join(',')}]`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  if (dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth) {
    throw unsupported(`dy [${dy.shape.join(',')}] does not match the forward output ${info.outHeight}×${info.outWidth} for these attrs`);
  }
  const rows = planAxis(inH, info.outHeight, kh, info.strideHeight, info.padInfo.top);
  const cols = planAxis(inW, info.outWidth, kw, info.strideWidth, info.padInfo.left);

  // Only padding falls under the filter (huge explicit pads): the gradient is exactly zero.
  if (rows.keep <= 0 || cols.keep <= 0 || info.outHeight <= 0 || info.outWidth <= 0) {
    return runWasmKernel(tf.Fill, {}, { shape: filterShape, value: 0, dtype: 'float32' }, backend);
  }

  const temps: TensorInfo[] = [];
  const track = (t: TensorInfo): TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    // Batch becomes the channel axis that the convolution sums over; input channels become the
    // batch axis, so each ci gets its own [kh, kw, co] slab of the gradient.
    let xT = track(runWasmKernel(tf.Transpose, { x }, { perm: [3, 1, 2, 0] }, backend)); // [ci, H, W, B]
    if (rows.keep < inH || cols.keep < inW) {
      // Rows/cols past the last forward window never met dy (e.g. 'valid' with stride 2 and an odd
      // remainder); conv padding cannot be negative, so crop them.
      xT = track(runWasmKernel(tf.Slice, { x: xT }, { begin: [0, 0, 0, 0], size: [ci, rows.keep, cols.keep, batch] }, backend));
    }
    const dyT = track(runWasmKernel(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] }, backend)); // [oh, ow, B, co]
    // Zero padding is passed to the conv instead of materialising a padded copy of x.
    const g = track(
      runWasmKernel(
        tf.Conv2D,
        { x: xT, filter: dyT },
        {
          strides: [1, 1],
          pad: [
            [0, 0],
            [rows.before, rows.after],
            [cols.before, cols.after],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          dilations: [info.strideHeight, info.strideWidth],
        },
        backend,
      ),
    ); // [ci, kh, kw, co]
    if (g.shape[0] !== ci || g.shape[1] !== kh || g.shape[2] !== kw || g.shape[3] !== co) {
      throw unsupported(`internal shape mismatch: got [${g.shape.join(',')}], expected [${filterShape.join(',')}]`);
    }
    return runWasmKernel(tf.Transpose, { x: g }, { perm: [1, 2, 0, 3] }, backend); // [kh, kw, ci, co]
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Our GatherV2, and the stock one it replaced. */
const gatherSwap = kernelSwap(tf.GatherV2, (args) => fastGatherKernel(args));

/**
 * Replaces the 'wasm' backend's `GatherV2` with one that, for the case the engine uses every
 * training step (rows of a float32 or int32 tensor along axis 0, int32 indices, no batch dims),
 * copies whole rows inside the WASM heap (TypedArray.set), or element by element for rows shorter
 * than 16 values. The stock kernel computes every element's address from strides in a scalar loop:
 * 1.4–2.1 ms to gather a batch of 64 MNIST images in Node, about 8% of a thief-I training step
 * (src/engine/thiefStep.ts gathers images and targets every step). Every other case (another axis,
 * batch dims, other dtypes) goes to the stock kernel unchanged. Out-of-range indices throw the stock
 * kernel's error. Same setup as registerWasmConv2DBackpropInput: idempotent, before or after init.
 */
export function registerWasmFastGather(): void {
  gatherSwap.register();
}

/** Puts tfjs-backend-wasm's own `GatherV2` back (benchmarks and tests compare the two). */
export function unregisterWasmFastGather(): void {
  gatherSwap.unregister();
}

const fastGatherKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const indices = inputs.indices as TensorInfo;
  const axis = Number(attrs?.axis ?? 0);
  const batchDims = Number(attrs?.batchDims ?? 0);
  const rank = x.shape.length;
  const fast = rank >= 1 && (axis === 0 || axis === -rank) && batchDims === 0 && (x.dtype === 'float32' || x.dtype === 'int32') && indices.dtype === 'int32';
  if (!fast) {
    const stock = gatherSwap.stock();
    if (stock == null) throw unsupported('the stock kernel to fall back on is gone', 'GatherV2 (registerWasmFastGather)');
    return stock.kernelFunc(args);
  }
  const heap = backend as unknown as WasmHeapBackend;
  const rows = x.shape[0];
  const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
  // Copied before makeOutput, which may grow the heap and detach every view of it.
  const picks = (heap.typedArrayFromHeap(indices) as Int32Array).slice();
  for (const i of picks) {
    if (!(i >= 0 && i <= rows - 1)) throw new Error(`GatherV2: the index value ${i} is not in [0, ${rows - 1}]`);
  }
  const out = heap.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  if (picks.length === 0 || rowSize === 0) return out;
  const src = heap.typedArrayFromHeap(x);
  const dst = heap.typedArrayFromHeap(out);
  if (rowSize >= 16) {
    for (let k = 0; k < picks.length; k++) dst.set(src.subarray(picks[k] * rowSize, (picks[k] + 1) * rowSize), k * rowSize);
  } else {
    for (let k = 0, o = 0; k < picks.length; k++) {
      const from = picks[k] * rowSize;
      for (let c = 0; c < rowSize; c++) dst[o++] = src[from + c];
    }
  }
  return out;
};
