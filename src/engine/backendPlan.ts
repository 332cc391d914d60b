/**
 * Which tfjs backends to try, in what order, and which to pass over — decided from cheap probes
 * before any backend is initialised. Kept free of tfjs so the policy is unit-tested in Node.
 *
 * Why not simply "WebGPU first": without a GPU, Chromium still offers WebGPU (a software
 * fallback adapter) and WebGL (SwiftShader). Both train 4–15× slower than WASM there
 * (docs/tfjs-facts.md), so a software adapter is skipped unless the user forces it.
 */
import type { BackendPreference, ThreadsChoice } from '../params/schema';
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
export function planBackends(preference: BackendPreference, probes: Probes, includeSoftware = false): PlannedStep[] {
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
      if (probe.software && backend !== forced && !includeSoftware) {
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

/** A calibration result, cached by the page per browser + adapters (localStorage). */
export interface CalibrationRecord {
  /** Browser and adapter identity: a new GPU or browser version recalibrates. */
  key: string;
  backend: BackendName;
  timings: { backend: BackendName; msPerStep: number }[];
  measuredAt: string;
}

export interface CalibrationDecision {
  backend: BackendName;
  timings: { backend: BackendName; msPerStep: number }[];
  /** 'only': one candidate; 'cached': an earlier calibration for this browser; 'measured': timed now. */
  how: 'only' | 'cached' | 'measured';
}

/**
 * Which initialised backends are worth timing: plain-JS CPU never beats WASM for these models
 * (23× slower for the defender here, npm run bench), so it is a candidate only without WASM.
 */
export function calibrationCandidates(initialised: readonly BackendName[]): BackendName[] {
  return initialised.includes('wasm') ? initialised.filter((b) => b !== 'cpu') : [...initialised];
}

/**
 * Picks the backend: the only candidate; or the cached winner for this browser if it is still a
 * candidate; or the fastest by `measure` (ms per defender training step), timed one by one.
 * Backends whose measurement throws are dropped (with their error in `timings` as NaN).
 */
export async function decideBackend(
  candidates: readonly BackendName[],
  key: string,
  cached: CalibrationRecord | null,
  measure: (backend: BackendName) => Promise<number>,
): Promise<CalibrationDecision> {
  if (candidates.length === 0) throw new Error('no backend to choose from');
  if (candidates.length === 1) return { backend: candidates[0], timings: [], how: 'only' };
  if (cached && cached.key === key && candidates.includes(cached.backend)) {
    return { backend: cached.backend, timings: cached.timings, how: 'cached' };
  }
  const timings: { backend: BackendName; msPerStep: number }[] = [];
  for (const backend of candidates) {
    let ms = Number.NaN;
    try {
      ms = await measure(backend);
    } catch {
      // A backend that cannot train is no candidate; NaN records that it was tried.
    }
    timings.push({ backend, msPerStep: ms });
  }
  const usable = timings.filter((t) => Number.isFinite(t.msPerStep));
  if (usable.length === 0) return { backend: candidates[candidates.length - 1], timings, how: 'measured' };
  const fastest = usable.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
  return { backend: fastest.backend, timings, how: 'measured' };
}

/** One timed training step of the thread calibration. */
export interface ThreadTiming {
  model: string;
  threads: number;
  msPerStep: number;
}

/** A gain counts only when it is clear of timing noise: at least this much faster. */
export const THREAD_GAIN = 0.95;

/**
 * How many WASM threads to train with, from steps timed at `offered` threads and at one: the
 * threads only when every model timed is faster with them. Small nets (thief I) can lose with
 * threads, since each op then waits for workers to wake; one loser keeps a single thread.
 */
export function decideThreads(offered: number, timings: readonly ThreadTiming[]): number {
  if (offered <= 1) return 1;
  const models = [...new Set(timings.map((t) => t.model))];
  if (models.length === 0) return 1;
  const at = (model: string, threads: number) => timings.find((t) => t.model === model && t.threads === threads)?.msPerStep ?? Number.NaN;
  return models.every((m) => at(m, offered) < THREAD_GAIN * at(m, 1)) ? offered : 1;
}

/** The threaded build's pool sizes add up in its 8 pthread workers (wasmThreads.ts): never more than this. */
export const MAX_THREADS = 5;

export interface ThreadPlan {
  /** Start tfjs's threaded build (on one thread; setWasmThreads adds them). */
  threaded: boolean;
  /** Auto: the count the calibration times against one thread (1: nothing to time). */
  offered: number;
  /** A count the link asks for, set without timing; null for auto. */
  forced: number | null;
  /** Why the link's count cannot be had, for the backend's note; null when it can. */
  note: string | null;
}

/**
 * How WASM gets its threads. Threads need cross-origin isolation (SharedArrayBuffer). Automatic:
 * every logical core but one, up to MAX_THREADS, since the page needs a core to stay smooth (on 2
 * cores, with the engine on both, one more streamed point cost the page 29.9 ms of main-thread work
 * against 19.3 with one thread, docs/tfjs-facts.md); one core spare means nothing to offer, and then
 * the single-threaded build runs. A count in the link is taken as it is, when isolation allows.
 */
export function planThreads(preference: ThreadsChoice, isolated: boolean, cores: number): ThreadPlan {
  if (preference !== 'auto') {
    const n = Math.min(MAX_THREADS, Number(preference));
    if (n <= 1) return { threaded: false, offered: 1, forced: 1, note: null };
    if (!isolated) return { threaded: false, offered: 1, forced: null, note: `${n} threads need a cross-origin isolated page (this one is not), so WASM runs on one` };
    return { threaded: true, offered: n, forced: n, note: null };
  }
  const offered = isolated ? Math.max(1, Math.min(MAX_THREADS, cores - 1)) : 1;
  const note = !isolated ? 'one thread: the page is not cross-origin isolated' : offered === 1 ? `one thread: the page keeps ${cores === 2 ? 'the second core' : 'a core'}` : null;
  return { threaded: offered > 1, offered, forced: null, note };
}
