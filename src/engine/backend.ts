/**
 * Picks and initialises the tfjs backend inside the worker, once, before any tensor exists.
 * Every candidate is tried for real: a backend counts only if setBackend resolves true,
 * tf.ready() resolves, and a tiny op reads back the right number.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendPreference, ThreadsChoice } from '../params/schema';
import { registerWasmConv2DBackpropFilter } from '../models/wasmKernels';
import { fusedAdamReady } from '../models/fusedAdam';
import { calibrationCandidates, decideBackend, decideThreads, isSoftwareRenderer, planBackends, planThreads, type CalibrationRecord, type GpuProbe, type Probes, type ThreadTiming } from './backendPlan';
import { isolation, setWasmThreads, startWasm, wasmThreads } from './wasmThreads';
import { buildModel } from '../models/registry';
import { createOptimizer, trainStep } from '../models/training';
import type { BackendAttempt, BackendName, WasmThreadChoice } from './protocol';
import { THIEF_BATCH } from './experiment';

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

async function probeWebGpu(): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { available: false, software: false, description: 'WebGPU is not available in this browser' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, software: false, description: 'WebGPU: no adapter (no GPU, or WebGPU disabled)' };
    const info = adapter.info ?? {};
    const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader/i.test(info.architecture ?? '');
    const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    return { available: true, software, description };
  } catch (e) {
    return { available: false, software: false, description: `WebGPU adapter request failed: ${errorText(e)}` };
  }
}

function probeWebGl(): GpuProbe {
  try {
    if (typeof OffscreenCanvas === 'undefined') {
      return { available: false, software: false, description: 'WebGL: no OffscreenCanvas in this worker' };
    }
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return { available: false, software: false, description: 'WebGL2 is not available in this browser' };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, software: isSoftwareRenderer(renderer), description: renderer };
  } catch (e) {
    return { available: false, software: false, description: `WebGL probe failed: ${errorText(e)}` };
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function initialise(backend: BackendName): Promise<void> {
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`setBackend('${backend}') returned false`);
  await tf.ready();
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
  const value = (await sum.data())[0];
  sum.dispose();
  if (value !== 3) throw new Error(`sanity check 1 + 2 gave ${value}`);
}

export interface BackendChoice {
  backend: BackendName;
  device: string;
  attempts: BackendAttempt[];
  calibration: { how: 'forced' | 'only' | 'cached' | 'measured'; record: CalibrationRecord | null };
  /** WASM only: the threads offered and chosen, and the steps timed to choose. */
  threads?: WasmThreadChoice;
}

/** Batch and steps of the calibration: long enough to be past shader compilation, short on CPU. */
const CALIBRATION_BATCH = 32;
const CALIBRATION_STEPS = 2;

/**
 * ms per training step of `model` on the current backend, after one warm-up step: the mean of
 * `steps` timed steps, or their fastest (`fastest`: a step slowed by other work on the machine
 * then counts for nothing).
 */
async function timeTrainStep(modelId: 'defender' | 'I' = 'defender', batch = CALIBRATION_BATCH, steps = CALIBRATION_STEPS, fastest = false): Promise<number> {
  const model = buildModel(modelId, { seed: 1 });
  const optimizer = createOptimizer('adam', 1e-3);
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10).toFloat() as tf.Tensor2D);
  const step = async () => {
    const t0 = performance.now();
    const loss = trainStep(model, optimizer, x, y, 'cross-entropy');
    await loss.data();
    loss.dispose();
    return performance.now() - t0;
  };
  try {
    await step();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) times.push(await step());
    return fastest ? Math.min(...times) : times.reduce((a, t) => a + t, 0) / steps;
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

function describeDevice(backend: BackendName, probes: Probes, threads: number): string {
  if (backend === 'webgpu' || backend === 'webgl') return `${probes[backend].description}${probes[backend].software ? ' (software)' : ''}`;
  if (backend !== 'wasm') return 'CPU via plain JavaScript';
  return `CPU via WebAssembly (SIMD, ${threads === 1 ? '1 thread' : `${threads} threads`}, + our conv gradient kernels${fusedAdamReady() ? ', one-pass Adam' : ''})`;
}

/**
 * The model the thread calibration times: the smallest net we train (the lesson's thief). Threads
 * make each op wait for workers to wake, a cost small nets feel first: on 2 cores 2 threads sped the
 * conv nets up 1.3–1.7× and thief I by 0.86–1.13× in two bench runs (docs/tfjs-facts.md).
 */
const THREAD_MODELS = ['I'] as const;

/** Steps the thread calibration times at each count (the fastest counts). */
const THREAD_STEPS = 5;

/**
 * With the threaded WASM build running on one thread: times the model's step at the thieves' batch
 * on one thread, then on `offered`, and keeps the threads only where they gain (decideThreads). One
 * pool of `offered` threads is made at most, since each holds its workers for good (wasmThreads.ts).
 */
async function calibrateThreads(offered: number): Promise<WasmThreadChoice> {
  const timings: ThreadTiming[] = [];
  for (const threads of [1, offered]) {
    if (threads !== wasmThreads()) setWasmThreads(threads);
    for (const model of THREAD_MODELS) timings.push({ model, threads, msPerStep: await timeTrainStep(model, THIEF_BATCH, THREAD_STEPS, true) });
  }
  const chosen = decideThreads(offered, timings);
  if (chosen !== wasmThreads()) setWasmThreads(chosen);
  return { offered, chosen, timings, forced: false };
}

/** The attempt's note on threads: what was timed and what was chosen. */
function describeThreads(t: WasmThreadChoice): string {
  if (t.forced) return `${t.chosen} thread${t.chosen === 1 ? '' : 's'}, as the link asks`;
  const at = (threads: number) => THREAD_MODELS.map((m) => `${m} ${Math.round(t.timings.find((x) => x.model === m && x.threads === threads)?.msPerStep ?? Number.NaN)}`).join(', ');
  return `${t.chosen} thread${t.chosen === 1 ? '' : 's'} chosen (ms per step with ${t.offered}: ${at(t.offered)}; with 1: ${at(1)})`;
}

/**
 * Initialises the backends of the plan for real. A forced backend: the first that works. Auto:
 * every candidate that works (plain-JS CPU only if WASM failed), then the fastest by a short
 * timed calibration of the defender, or this browser's cached calibration (see decideBackend).
 */
export async function chooseBackend(
  preference: BackendPreference,
  assetsBaseUrl: string,
  cached: CalibrationRecord | null = null,
  includeSoftware = false,
  threadsPreference: ThreadsChoice = 'auto',
): Promise<BackendChoice> {
  const { isolated, cores } = isolation();
  const plan0 = planThreads(threadsPreference, isolated, cores);
  let threaded = plan0.threaded;
  setWasmPaths(new URL('wasm/', assetsBaseUrl).href);
  // tfjs-backend-wasm 4.22 cannot train CNNs without this one gradient kernel (docs/tfjs-facts.md).
  registerWasmConv2DBackpropFilter();

  const probes: Probes = { webgpu: await probeWebGpu(), webgl: probeWebGl() };
  const plan = planBackends(preference, probes, includeSoftware);
  const attempts = new Map<BackendName, BackendAttempt>();
  const working: BackendName[] = [];
  for (const step of plan) {
    const settled = preference !== 'auto' ? working.length > 0 : step.backend === 'cpu' && working.includes('wasm');
    if (settled) {
      const works = preference === 'auto' ? 'wasm' : working[0];
      attempts.set(step.backend, { backend: step.backend, outcome: 'untried', reason: `not needed: ${works} works`, initMs: 0 });
      continue;
    }
    if (step.action === 'skip') {
      attempts.set(step.backend, { backend: step.backend, outcome: 'skipped', reason: step.reason, initMs: 0 });
      continue;
    }
    const t0 = performance.now();
    try {
      let note: string | null = null;
      if (step.backend === 'wasm') {
        note = await startWasm(threaded, () => initialise('wasm'));
        if (note) threaded = false;
        note = [plan0.note, note].filter(Boolean).join('; ') || null;
      } else await initialise(step.backend);
      working.push(step.backend);
      attempts.set(step.backend, { backend: step.backend, outcome: 'ok', reason: note ? `${step.reason}; ${note}` : step.reason, initMs: performance.now() - t0 });
    } catch (e) {
      attempts.set(step.backend, { backend: step.backend, outcome: 'failed', reason: errorText(e), initMs: performance.now() - t0 });
    }
  }
  if (working.length === 0) {
    throw new Error(`no TensorFlow.js backend could start: ${[...attempts.values()].map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
  }

  let backend = working[0];
  let calibration: BackendChoice['calibration'] = { how: 'forced', record: null };
  if (preference === 'auto') {
    const key = `${navigator.userAgent} | ${probes.webgpu.description} | ${probes.webgl.description}${includeSoftware ? ' | all' : ''}`;
    const decision = await decideBackend(calibrationCandidates(working), key, cached, async (b) => {
      await initialise(b);
      return timeTrainStep();
    });
    backend = decision.backend;
    calibration = {
      how: decision.how,
      record: decision.how === 'only' ? null : { key, backend, timings: decision.timings, measuredAt: cached && decision.how === 'cached' ? cached.measuredAt : new Date().toISOString() },
    };
    for (const t of decision.timings) {
      const a = attempts.get(t.backend)!;
      const ms = Number.isFinite(t.msPerStep) ? `${Math.round(t.msPerStep)} ms per defender step` : 'could not train';
      attempts.set(t.backend, {
        ...a,
        outcome: t.backend === backend ? 'ok' : 'skipped',
        reason: `${decision.how === 'cached' ? 'calibrated earlier in this browser' : 'calibrated'}: ${ms}${t.backend === backend ? ' (fastest)' : ''}`,
      });
    }
  }
  for (const b of working) {
    if (b !== backend && attempts.get(b)!.outcome === 'ok') {
      attempts.set(b, { ...attempts.get(b)!, outcome: 'skipped', reason: `works, but ${backend} was chosen` });
    }
  }
  await initialise(backend);
  let threads: BackendChoice['threads'];
  if (backend === 'wasm' && threaded) {
    if (plan0.forced !== null) {
      setWasmThreads(plan0.forced);
      threads = { offered: plan0.forced, chosen: wasmThreads(), timings: [], forced: true };
    } else threads = await calibrateThreads(plan0.offered);
    const a = attempts.get('wasm')!;
    attempts.set('wasm', { ...a, reason: `${a.reason}; ${describeThreads(threads)}` });
  }
  // Attempts in the order the plan listed them.
  return { backend, device: describeDevice(backend, probes, backend === 'wasm' ? wasmThreads() : 1), attempts: plan.map((s) => attempts.get(s.backend)!), calibration, threads };
}
