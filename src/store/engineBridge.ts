/**
 * Starts the engine worker and routes its events into the store. The worker is created from a
 * URL (not imported), so no tfjs code ever lands in the page's bundle.
 */
import type { CalibrationRecord, Command, EngineEvent } from '../engine/protocol';
import { afterNextFrame } from './afterNextFrame';
import type { AppStore } from './appStore';

/** The part of a Worker the bridge uses; tests pass a fake that replays scripted events. */
export interface WorkerLike {
  postMessage(command: Command): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<EngineEvent>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  /** A message that could not be deserialised (a real Worker has it; fakes may leave it out). */
  onmessageerror?: ((e: MessageEvent) => void) | null;
}

/** What a supervisor wants to know of a connected worker: that it spoke, and that it died. */
export interface BridgeHooks {
  heard(event: EngineEvent): void;
  /** The worker raised an error it did not catch (replaces the default "crashed" run error). */
  crashed(message: string): void;
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
  hooks: BridgeHooks | null = null,
): EngineBridge {
  worker.onmessage = (e) => {
    const event = e.data;
    // A message that is not one of the protocol's events is a broken engine, not a page error.
    if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
      const what = `sent a message that is not an engine event (${JSON.stringify(event)?.slice(0, 60) ?? String(event)})`;
      if (hooks) hooks.crashed(what);
      else store.getState().applyEngineEvent({ type: 'error', phase: 'run', message: `The engine ${what}.`, hint: 'Reload the page.' });
      return;
    }
    hooks?.heard(event);
    // The engine waits for this answer before it trains on (see the engine's pageFrames.ts).
    if (event.type === 'frame-request') {
      const { requestId } = event;
      afterNextFrame(() => worker.postMessage({ type: 'frame-drawn', requestId }));
    }
    if (event.type === 'ready' && event.calibration.how === 'measured' && event.calibration.record) {
      calibration.save(event.calibration.record);
    }
    try {
      store.getState().applyEngineEvent(event);
    } catch (err) {
      // An event of an unknown type (or one the store cannot fold in): the engine and the page disagree.
      const what = `sent an event the page could not use (${err instanceof Error ? err.message.slice(0, 80) : String(err)})`;
      if (hooks) hooks.crashed(what);
      else throw err;
      return;
    }
    for (const listener of rawListeners) listener(e.data);
  };
  worker.onmessageerror = () => hooks?.crashed('sent a message the page could not read');
  worker.onerror = (e) => {
    if (hooks) {
      hooks.crashed(`crashed: ${e.message || 'unknown error'}`);
      return;
    }
    store.getState().applyEngineEvent({
      type: 'error',
      phase: store.getState().engine.state === 'starting' ? 'init' : 'run',
      message: `The engine worker crashed: ${e.message || 'unknown error'}`,
      hint: 'Reload the page; if it happens again, choose the CPU backend.',
    });
  };
  const { backend, calibrate, threads } = store.getState().params;
  worker.postMessage({ type: 'init', assetsBaseUrl, backend, calibrateAll: calibrate === 'all', calibration: calibration.load(), threads });
  store.setState({ sendCommand: (command) => worker.postMessage(command) });
  return {
    send: (command) => worker.postMessage(command),
    dispose: () => worker.terminate(),
  };
}
