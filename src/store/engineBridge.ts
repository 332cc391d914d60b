/**
 * Starts the engine worker and routes its events into the store. The worker is created from a
 * URL (not imported), so no tfjs code ever lands in the page's bundle.
 */
import type { Command, EngineEvent } from '../engine/protocol';
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

export function connectEngine(store: AppStore, worker: WorkerLike, assetsBaseUrl: string): EngineBridge {
  worker.onmessage = (e) => {
    store.getState().applyEngineEvent(e.data);
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
  worker.postMessage({ type: 'init', assetsBaseUrl, backend: store.getState().params.backend });
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
export function runEngine(store: AppStore, makeWorker: () => WorkerLike, assetsBaseUrl: string): () => void {
  let bridge = connectEngine(store, makeWorker(), assetsBaseUrl);
  const unsubscribe = store.subscribe((state, prev) => {
    if (state.params.backend === prev.params.backend) return;
    bridge.dispose();
    // A replaced worker takes its run with it.
    const run = store.getState().run;
    store.setState({ engine: { state: 'starting' }, run: run.status === 'running' ? { ...run, status: 'cancelled' } : run });
    bridge = connectEngine(store, makeWorker(), assetsBaseUrl);
  });
  return () => {
    unsubscribe();
    bridge.dispose();
  };
}
