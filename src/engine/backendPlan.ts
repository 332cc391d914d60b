/**
 * Which tfjs backends to try, in what order, and which to pass over — decided from cheap probes
 * before any backend is initialised. Kept free of tfjs so the policy is unit-tested in Node.
 *
 * Why not simply "WebGPU first": without a GPU, Chromium still offers WebGPU (a software
 * fallback adapter) and WebGL (SwiftShader). Both train 4–15× slower than WASM there
 * (shared/BROWSER.md §4), so a software adapter is skipped unless the user forces it.
 */
import type { BackendPreference } from '../params/schema';
import type { BackendName } from './protocol';

export const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface GpuProbe {
  /** null: the API is missing or no adapter/context was returned. */
  available: boolean;
  /** true when the adapter/renderer is a CPU emulation (SwiftShader, llvmpipe, fallback adapter). */
  software: boolean;
  description: string;
}

export interface Probes {
  webgpu: GpuProbe;
  webgl: GpuProbe;
}

export interface PlannedStep {
  backend: BackendName;
  action: 'try' | 'skip';
  reason: string;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

/** Is this WebGL renderer string (UNMASKED_RENDERER_WEBGL) a CPU emulation? */
export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE_RENDERER.test(renderer);
}

/**
 * The ordered plan. A forced backend is tried first; the rest stay as fall-backs so a failed
 * forced backend still leaves a working page (the UI shows that the forced one failed).
 */
export function planBackends(preference: BackendPreference, probes: Probes): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const forced = preference === 'auto' ? null : preference;
  const order = forced ? [forced, ...AUTO_ORDER.filter((b) => b !== forced)] : [...AUTO_ORDER];
  for (const backend of order) {
    if (backend === 'webgpu' || backend === 'webgl') {
      const probe = probes[backend];
      if (!probe.available) {
        steps.push({ backend, action: 'skip', reason: probe.description || `${backend} is not available in this browser` });
        continue;
      }
      if (probe.software && backend !== forced) {
        steps.push({
          backend,
          action: 'skip',
          reason: `software emulation (${probe.description}): slower than WASM on this machine`,
        });
        continue;
      }
    }
    steps.push({ backend, action: 'try', reason: backend === forced ? 'forced by the link' : 'preferred order' });
  }
  return steps;
}
