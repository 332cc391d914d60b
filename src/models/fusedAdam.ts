/**
 * Adam with each variable's update in one pass on the wasm backend (wasmAdamModule.ts), the same
 * numbers to the bit as tfjs's Adam; on every other backend, and wherever the pass cannot run
 * (no SIMD, a variable that is not float32), it is tfjs's Adam itself.
 *
 * The optimizer subclasses tfjs's AdamOptimizer and keeps its state (the moments, β1ᵗ and β2ᵗ) in
 * the very fields tfjs's own update reads and writes, so the two paths can take turns, and saving
 * or restoring an optimizer's weights is unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { BACKEND, type WasmHeapBackend } from './wasmKernelKit';
import { adamOn, adamTail, type AdamFunction } from './wasmAdamModule';

export const FUSED_ADAM_KERNEL = 'ModelTheftLabAdam';

interface AdamAttrs {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  minusLearningRate: number;
}

/** What our kernel needs of tfjs-backend-wasm's BackendWasm (public members). */
interface WasmBackendLike extends WasmHeapBackend {
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object): boolean;
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown; HEAPF32?: Float32Array };
}

/** The heap's WebAssembly.Memory (single-threaded builds export it; the threaded one keeps it on the module), or null. */
function heapMemory(backend: WasmBackendLike): WebAssembly.Memory | null {
  const candidates = [backend.wasm.asm?.memory, backend.wasm.wasmMemory];
  for (const m of candidates) {
    if (m instanceof WebAssembly.Memory && (backend.wasm.HEAPF32 == null || backend.wasm.HEAPF32.buffer === m.buffer)) return m;
  }
  return null;
}

/** The pass for this backend, or null where it cannot run. */
function adamFor(backend: WasmBackendLike): AdamFunction | null {
  const memory = heapMemory(backend);
  return memory ? adamOn(memory) : null;
}

const fusedAdamKernel: KernelFunc = ({ inputs, attrs, backend }) => {
  const b = backend as unknown as WasmBackendLike;
  const s = attrs as unknown as AdamAttrs;
  const [x, m, v, g] = (['x', 'm', 'v', 'g'] as const).map((name) => inputs[name] as TensorInfo);
  const adam = adamFor(b);
  if (adam == null) throw new Error(`wasm ${FUSED_ADAM_KERNEL}: this WebAssembly runs no SIMD, or tfjs's heap memory is out of reach`);
  const outs = [x, m, v].map((t) => b.makeOutput(t.shape, 'float32'));
  const n = x.shape.reduce((p, d) => p * d, 1);
  const offset = (t: TensorInfo) => b.getMemoryOffset(t.dataId);
  const full = n - (n % 4);
  adam(offset(x), offset(m), offset(v), offset(g), offset(outs[0]), offset(outs[1]), offset(outs[2]), n,
    s.beta1, s.beta2, s.oneMinusBeta1, s.oneMinusBeta2, s.oneMinusAccBeta1, s.oneMinusAccBeta2, s.epsilon, s.minusLearningRate);
  if (full < n) {
    const view = (t: TensorInfo) => b.typedArrayFromHeap(t) as Float32Array;
    adamTail({ w: view(x), m: view(m), v: view(v), g: view(g), wOut: view(outs[0]), mOut: view(outs[1]), vOut: view(outs[2]) }, full, s);
  }
  return outs;
};

/** Registers the pass as a wasm kernel (idempotent; harmless without tfjs-backend-wasm). */
export function registerWasmFusedAdam(): void {
  if (tf.getKernel(FUSED_ADAM_KERNEL, BACKEND) != null) return;
  tf.registerKernel({ kernelName: FUSED_ADAM_KERNEL, backendName: BACKEND, kernelFunc: fusedAdamKernel });
}

/** Whether Adam's update runs as the one-pass kernel on the current backend (wasm, SIMD, its heap reachable). */
export function fusedAdamReady(): boolean {
  if (tf.getBackend() !== BACKEND || tf.getKernel(FUSED_ADAM_KERNEL, BACKEND) == null) return false;
  return adamFor(tf.backend() as unknown as WasmBackendLike) != null;
}

/** The AdamOptimizer fields this update shares with tfjs's (private in its typings, plain properties at run time). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const gradientOf = (name: string, i: number): tf.Tensor | undefined =>
      Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
    const fusable =
      fusedAdamReady() &&
      names.every((name, i) => {
        const g = gradientOf(name, i);
        const value = tf.engine().registeredVariables[name];
        return g == null || (g.dtype === 'float32' && value?.dtype === 'float32' && g.size === value.size);
      });
    if (!fusable) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamState;
    tf.tidy(() => {
      const [accBeta1, accBeta2] = [self.accBeta1.dataSync()[0], self.accBeta2.dataSync()[0]];
      const f = Math.fround;
      // The scalars exactly as tfjs's update makes them: 1 − β in double precision, then a float32
      // tensor; 1 − β1ᵗ a float32 subtraction; ε and −lr float32 tensors.
      const attrs: AdamAttrs = {
        beta1: f(self.beta1),
        beta2: f(self.beta2),
        oneMinusBeta1: f(1 - self.beta1),
        oneMinusBeta2: f(1 - self.beta2),
        oneMinusAccBeta1: f(1 - accBeta1),
        oneMinusAccBeta2: f(1 - accBeta2),
        epsilon: f(self.epsilon),
        minusLearningRate: f(-self.learningRate),
      };
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        // Moments made as tfjs's update makes them (non-trainable zeros), so the two paths share them.
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = gradientOf(name, i);
        if (gradient == null) return;
        const first = self.accumulatedFirstMoment[i]!.variable;
        const second = self.accumulatedSecondMoment[i]!.variable;
        const [newValue, newFirst, newSecond] = tf.engine().runKernel(
          FUSED_ADAM_KERNEL,
          { x: value, m: first, v: second, g: gradient },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
        first.assign(newFirst);
        second.assign(newSecond);
        value.assign(newValue);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}

/** Adam at `learningRate` with tfjs's defaults (β1 0.9, β2 0.999, the backend's ε), fused on wasm. */
export function fusedAdam(learningRate: number): tf.Optimizer {
  return new FusedAdamOptimizer(learningRate, 0.9, 0.999);
}
