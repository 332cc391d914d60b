/**
 * The thread count of the WASM backend. tfjs's threaded build (SIMD + pthreads) needs
 * SharedArrayBuffer, so cross-origin isolation: the preview and dev servers send COOP/COEP, and on a
 * static host the page's service worker adds them (src/app/isolation.ts). Without isolation, or with
 * one core, the single-threaded build runs.
 *
 * The threaded build starts 8 pthread workers. A pool of n threads takes n − 1 of them, and tfjs
 * cannot end a pool without disposing every tensor, so a replaced pool keeps its workers (idle,
 * blocked, no CPU). Asking for a worker when none is left would block the engine while the browser
 * waits for the engine to start one: a deadlock. So pools are counted here, and the threads are
 * capped (backendPlan.ts MAX_THREADS) to leave room for the calibration's pool and one more (the
 * bench's other count).
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** The pthread workers tfjs's threaded build starts with (two pools of MAX_THREADS fit). */
const PTHREAD_WORKERS = 8;

let workersHeld = 0;

/** Whether this worker may use SharedArrayBuffer, and its logical cores. */
export function isolation(): { isolated: boolean; cores: number } {
  return { isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, cores: navigator.hardwareConcurrency || 1 };
}

/**
 * The threaded build starts in about a second. If one of its pthread workers cannot load (a file
 * missing on the host, a stale service worker), Emscripten rethrows the worker's error event in the
 * engine's scope, where it would crash the engine at every restart; or it waits for it forever.
 */
const THREADED_START_LIMIT_MS = 20_000;

/** tfjs-backend-wasm registers its backend at this priority. */
const WASM_PRIORITY = 2;

/**
 * Starts the WASM backend (`start` calls setBackend): the threaded build on one thread when
 * `threaded` (setWasmThreads adds threads), else the single-threaded build. When the threaded build
 * does not start within `limitMs`, the backend is registered again and the single-threaded build
 * starts instead. Returns null, or why the threaded build is not running.
 *
 * tfjs halves navigator.hardwareConcurrency (it assumes two logical cores per physical one) and caps
 * every pool there, which leaves one thread on a 2-core machine; it reads the value once, when the
 * module starts, so it sees the doubled count only during `start`.
 */
export async function startWasm(threaded: boolean, start: () => Promise<void>, limitMs = THREADED_START_LIMIT_MS): Promise<string | null> {
  if (!threaded) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await start();
    return null;
  }
  const factory = tf.findBackendFactory('wasm');
  setThreadsCount(1);
  const logical = navigator.hardwareConcurrency;
  Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => 2 * logical });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let workerFailed: ((e: Event) => void) | undefined;
  let why: string;
  try {
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`did not start within ${limitMs / 1000} s`), limitMs);
    });
    const crashed = new Promise<string>((resolve) => {
      workerFailed = (e: Event) => {
        // A pthread worker's own error event, rethrown: ours to handle, not a crash of the engine.
        if (!(e instanceof ErrorEvent && e.error instanceof Event)) return;
        e.preventDefault();
        resolve('failed: one of its pthread workers could not load');
      };
      globalThis.addEventListener('error', workerFailed);
    });
    const failed = start().then(
      () => null,
      (e: unknown) => `failed (${e instanceof Error ? e.message : String(e)})`,
    );
    const outcome = await Promise.race([failed, late, crashed]);
    if (outcome === null) {
      globalThis.removeEventListener('error', workerFailed!);
      return null;
    }
    // Kept: the other pthread workers fail the same way, each in its own time.
    why = outcome;
  } finally {
    clearTimeout(timer);
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
  if (!factory) throw new Error(`the threaded WASM build ${why}, and its backend factory is gone`);
  tf.removeBackend('wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
  await start();
  return `the threaded build ${why}, so WASM runs single-threaded`;
}

interface WasmModuleApi {
  wasm: { tfjs: { initWithThreadsCount(n: number): void; getThreadsCount(): number } };
}

const moduleApi = () => (tf.backend() as unknown as WasmModuleApi).wasm.tfjs;

/** Threads the running WASM backend's pool has (1 for the single-threaded build). */
export function wasmThreads(): number {
  return Math.max(1, moduleApi().getThreadsCount());
}

/** Gives the running WASM backend a new pool of `threads` threads; throws when no workers are left for it. */
export function setWasmThreads(threads: number): void {
  const needs = Math.max(0, threads - 1);
  if (workersHeld + needs > PTHREAD_WORKERS) {
    throw new Error(`no pthread workers left for ${threads} threads (${workersHeld} of ${PTHREAD_WORKERS} are held by earlier pools)`);
  }
  moduleApi().initWithThreadsCount(threads);
  workersHeld += needs;
}

/**
 * Runs `work` with a WASM pool of `threads` threads (none given: as it is), then puts the count
 * back; returns the result and the threads it ran with.
 */
export async function withWasmThreads<T>(threads: number | undefined, work: () => Promise<T>): Promise<{ results: T; threads: number }> {
  if (tf.getBackend() !== 'wasm') return { results: await work(), threads: 1 };
  const chosen = wasmThreads();
  if (threads === undefined || threads === chosen) return { results: await work(), threads: chosen };
  setWasmThreads(threads);
  try {
    return { results: await work(), threads: wasmThreads() };
  } finally {
    setWasmThreads(chosen);
  }
}
