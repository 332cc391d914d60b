/**
 * Starts the engine worker and routes its events into the store. The worker is created from a
 * URL (not imported), so no tfjs code ever lands in the page's bundle.
 */
import type { CalibrationRecord, Command, EngineEvent } from '../engine/protocol';
import type { AppStore } from './appStore';

/** The part of a Worker the bridge uses; tests pass a fake that replays scripted events. */
export interface WorkerLike {
  postMessage(command: Command): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<EngineEvent>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

export function createEngineWorker(): WorkerLike {
  return new Worker(new URL('../engine/worker.ts', import.meta.url), { type: 'module', name: 'engine' }) as WorkerLike;
}

export interface EngineBridge {
  send(command: Command): void;
  dispose(): void;
}

/** Listeners outside the store (the benchmark script, tests) that want every raw event. */
const rawListeners = new Set<(event: EngineEvent) => void>();

export function onEngineEvent(listener: (event: EngineEvent) => void): () => void {
  rawListeners.add(listener);
  return () => rawListeners.delete(listener);
}

/** Where the page keeps this browser's backend calibration (a worker has no localStorage). */
export interface CalibrationStorage {
  load(): CalibrationRecord | null;
  save(record: CalibrationRecord): void;
}

const CALIBRATION_KEY = 'model-theft-lab:calibration:v1';

export function localCalibrationStorage(): CalibrationStorage {
  return {
    load() {
      try {
        const raw = localStorage.getItem(CALIBRATION_KEY);
        const parsed = raw ? (JSON.parse(raw) as CalibrationRecord) : null;
        return parsed && typeof parsed.key === 'string' && typeof parsed.backend === 'string' ? parsed : null;
      } catch {
        return null; // private mode or a garbled entry: calibrate again
      }
    },
    save(record) {
      try {
        localStorage.setItem(CALIBRATION_KEY, JSON.stringify(record));
      } catch {
        /* storage full or disabled: the next visit calibrates again */
      }
    },
  };
}

export const noCalibrationStorage: CalibrationStorage = { load: () => null, save: () => undefined };

export function connectEngine(
  store: AppStore,
  worker: WorkerLike,
  assetsBaseUrl: string,
  calibration: CalibrationStorage = noCalibrationStorage,
): EngineBridge {
  worker.onmessage = (e) => {
    const event = e.data;
    if (event.type === 'ready' && event.calibration.how === 'measured' && event.calibration.record) {
      calibration.save(event.calibration.record);
    }
    store.getState().applyEngineEvent(event);
    for (const listener of rawListeners) listener(e.data);
  };
  worker.onerror = (e) => {
    store.getState().applyEngineEvent({
      type: 'error',
      phase: store.getState().engine.state === 'starting' ? 'init' : 'run',
      message: `The engine worker crashed: ${e.message || 'unknown error'}`,
      hint: 'Reload the page; if it happens again, choose the CPU backend.',
    });
  };
  const { backend, calibrate } = store.getState().params;
  worker.postMessage({ type: 'init', assetsBaseUrl, backend, calibrateAll: calibrate === 'all', calibration: calibration.load() });
  store.setState({ sendCommand: (command) => worker.postMessage(command) });
  return {
    send: (command) => worker.postMessage(command),
    dispose: () => worker.terminate(),
  };
}

/**
 * Keeps one engine running for the store's chosen backend: the backend is picked once per
 * worker, so choosing another one replaces the worker. Returns a function that stops it.
 */
export function runEngine(
  store: AppStore,
  makeWorker: () => WorkerLike,
  assetsBaseUrl: string,
  calibration: CalibrationStorage = noCalibrationStorage,
): () => void {
  let bridge = connectEngine(store, makeWorker(), assetsBaseUrl, calibration);
  const unsubscribe = store.subscribe((state, prev) => {
    if (state.params.backend === prev.params.backend && state.params.calibrate === prev.params.calibrate) return;
    bridge.dispose();
    // A replaced worker takes its run with it.
    const run = store.getState().run;
    store.setState({ engine: { state: 'starting' }, run: run.status === 'running' ? { ...run, status: 'cancelled', paused: false } : run });
    bridge = connectEngine(store, makeWorker(), assetsBaseUrl, calibration);
  });
  return () => {
    unsubscribe();
    bridge.dispose();
  };
}
