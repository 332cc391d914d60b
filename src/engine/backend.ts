/**
 * Picks and initialises the tfjs backend inside the worker, once, before any tensor exists.
 * Every candidate is tried for real: a backend counts only if setBackend resolves true,
 * tf.ready() resolves, and a tiny op reads back the right number.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendPreference } from '../params/schema';
import { registerWasmConv2DBackpropFilter } from '../models/wasmKernels';
import { isSoftwareRenderer, planBackends, type GpuProbe, type Probes } from './backendPlan';
import type { BackendAttempt, BackendName } from './protocol';

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
}

export async function chooseBackend(preference: BackendPreference, assetsBaseUrl: string): Promise<BackendChoice> {
  // The threaded WASM build hangs in minified builds (shared/BROWSER.md §4, §8) and gains
  // nothing on 2 cores; keep the single-threaded SIMD build everywhere.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths(new URL('wasm/', assetsBaseUrl).href);
  // tfjs-backend-wasm 4.22 cannot train CNNs without this one gradient kernel (BROWSER.md §8).
  registerWasmConv2DBackpropFilter();

  const probes: Probes = { webgpu: await probeWebGpu(), webgl: probeWebGl() };
  const plan = planBackends(preference, probes);
  const attempts: BackendAttempt[] = [];
  let chosen: BackendChoice | null = null;
  for (const step of plan) {
    if (chosen) {
      attempts.push({ backend: step.backend, outcome: 'untried', reason: `not needed: ${chosen.backend} works`, initMs: 0 });
      continue;
    }
    if (step.action === 'skip') {
      attempts.push({ backend: step.backend, outcome: 'skipped', reason: step.reason, initMs: 0 });
      continue;
    }
    const t0 = performance.now();
    try {
      await initialise(step.backend);
      const device =
        step.backend === 'webgpu' || step.backend === 'webgl'
          ? `${probes[step.backend].description}${probes[step.backend].software ? ' (software)' : ''}`
          : step.backend === 'wasm'
            ? 'CPU via WebAssembly (SIMD, 1 thread, + our Conv2DBackpropFilter)'
            : 'CPU via plain JavaScript';
      attempts.push({ backend: step.backend, outcome: 'ok', reason: step.reason, initMs: performance.now() - t0 });
      chosen = { backend: step.backend, device, attempts };
    } catch (e) {
      attempts.push({ backend: step.backend, outcome: 'failed', reason: errorText(e), initMs: performance.now() - t0 });
    }
  }
  if (!chosen) throw new Error(`no TensorFlow.js backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
  return chosen;
}
