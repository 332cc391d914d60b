/**
 * What our wasm kernels (wasmKernels.ts, wasmMatMul.ts) share: calling another wasm kernel on
 * TensorInfos, swapping one of ours in over tfjs-backend-wasm's own, the heap methods they copy
 * with, and the error they throw for what they do not support.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

export const BACKEND = 'wasm';

export function unsupported(what: string, kernel = 'Conv2DBackpropFilter (registerWasmConv2DBackpropFilter)'): Error {
  return new Error(`wasm ${kernel}: ${what}`);
}

/** Calls another registered wasm kernel directly; its output is ours to dispose. */
export function runWasmKernel(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap, backend: KernelBackend): TensorInfo {
  const config = tf.getKernel(name, BACKEND);
  if (config == null) throw new Error(`wasmKernels: needs the wasm kernel '${name}', which is not registered`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasmKernels: wasm kernel '${name}' returned several outputs`);
  return out;
}

/**
 * One of our kernels swapped in over tfjs-backend-wasm's own: `register` keeps the stock registration
 * (to delegate to, and to put back) and installs `fast` with the stock kernel's setupFunc;
 * `unregister` puts the stock one back. Both are idempotent and do nothing when the stock kernel is
 * not registered (tfjs-backend-wasm not imported).
 */
export function kernelSwap(name: string, fast: KernelFunc): { register(): void; unregister(): void; stock(): KernelConfig | null } {
  let stock: KernelConfig | null = null;
  return {
    register() {
      const current = tf.getKernel(name, BACKEND);
      if (current == null || current.kernelFunc === fast) return;
      stock = current;
      tf.unregisterKernel(name, BACKEND);
      tf.registerKernel({ ...current, kernelFunc: fast });
    },
    unregister() {
      const current = tf.getKernel(name, BACKEND);
      if (current == null || current.kernelFunc !== fast || stock == null) return;
      tf.unregisterKernel(name, BACKEND);
      tf.registerKernel(stock);
      stock = null;
    },
    stock: () => stock,
  };
}

/** The slice of tfjs-backend-wasm's BackendWasm our heap-copying kernels use (public methods of that class). */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

