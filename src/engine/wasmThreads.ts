/**
 * The thread count of the WASM backend. tfjs's threaded build (SIMD + pthreads) needs
 * SharedArrayBuffer, so cross-origin isolation: the preview and dev servers send COOP/COEP, and on a
 * static host the page's service worker adds them (src/app/isolation.ts). Without isolation, or with
 * one core, the single-threaded build runs.
 *
 * The threaded build starts 8 pthread workers. A pool of n threads takes n − 1 of them, and tfjs
 * cannot end a pool without disposing every tensor, so a replaced pool keeps its workers (idle,
 * blocked, no CPU). Asking for a worker when none is left would block the engine while the browser
 * waits for the engine to start one: a deadlock. So pools are counted here, and the offer is capped
 * to leave room for the calibration's pool and one more (the bench's other count).
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** The pthread workers tfjs's threaded build starts with. */
const PTHREAD_WORKERS = 8;
/** Threads offered at most: two pools of this many fit the workers. */
const MAX_THREADS = 1 + Math.floor(PTHREAD_WORKERS / 2);

let workersHeld = 0;

const isolated = () => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
const cores = () => navigator.hardwareConcurrency || 1;

/** Whether the threaded build can run here: cross-origin isolation and more than one core. */
export function threadedBuildPossible(): boolean {
  return isolated() && cores() > 1;
}

/**
 * Threads the engine may train with: every logical core but one (up to MAX_THREADS), since the page
 * needs a core to stay smooth. Measured on 2 cores: with the engine on both, one more streamed point
 * cost the page 33.5 ms of main-thread work instead of about 4.
 */
export function threadsOffered(): number {
  return threadedBuildPossible() ? Math.max(1, Math.min(MAX_THREADS, cores() - 1)) : 1;
}

/**
 * Starts the WASM backend (`start` calls setBackend): the threaded build on one thread when
 * `threaded` (setWasmThreads adds threads), else the single-threaded build. tfjs halves
 * navigator.hardwareConcurrency (it assumes two logical cores per physical one) and caps every pool
 * there, which leaves one thread on a 2-core machine; it reads the value once, when the module
 * starts, so it sees the doubled count only during `start`.
 */
export async function startWasm<T>(threaded: boolean, start: () => Promise<T>): Promise<T> {
  if (!threaded) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return start();
  }
  setThreadsCount(1);
  const logical = navigator.hardwareConcurrency;
  Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => 2 * logical });
  try {
    return await start();
  } finally {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
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
