/**
 * Keeps one engine worker alive for the store: it replaces the worker when the backend choice
 * changes, and when the worker dies, stops answering, or ignores Stop. A worker can end without
 * a word (it closed itself, the tab's memory ran out, a GPU driver hung its thread), and the
 * page must not be left saying "training" with buttons that do nothing: the supervisor pings it
 * while a run is on, and after a crash, a silence past SILENCE_LIMIT_MS or a Stop unanswered for
 * STOP_LIMIT_MS it terminates the worker, starts a fresh one, and ends the run with a message
 * that says what happened, keeping every point the run had drawn.
 */
import type { Command } from '../engine/protocol';
import type { AppStore } from './appStore';
import { connectEngine, noCalibrationStorage, type CalibrationStorage, type EngineBridge, type WorkerLike } from './engineBridge';

/** While a run is on, a ping this often: the worker answers between two training steps. */
export const HEARTBEAT_MS = 2000;
/** No word from the worker for this long during a run: it is dead or stuck. A slow step is seconds, not this. */
export const SILENCE_LIMIT_MS = 15_000;
/** Stop must be answered within this (the worker checks for it after every step). */
export const STOP_LIMIT_MS = 2000;
/** More restarts than this within a minute: the fault is not passing, so leave the engine failed. */
const MAX_RESTARTS_PER_MINUTE = 3;
/**
 * WASM memory grows to the largest run a worker has seen and never shrinks (a long session here:
 * 52 → 271 MB, then flat). Past this, an idle worker is replaced to give the memory back before
 * the next big run needs it, keeping the backend and its calibration.
 */
export const RECYCLE_HEAP_BYTES = 1024 * 2 ** 20;

export interface SupervisorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const browserClock: SupervisorClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof globalThis.setInterval>),
};

/** Starts the supervised engine; returns a function that stops it. */
export function runEngine(
  store: AppStore,
  makeWorker: () => WorkerLike,
  assetsBaseUrl: string,
  calibration: CalibrationStorage = noCalibrationStorage,
  clock: SupervisorClock = browserClock,
): () => void {
  let bridge: EngineBridge;
  let lastHeard = clock.now();
  let heartbeat: unknown = null;
  let stopWatch: unknown = null;
  const restarts: number[] = [];
  /** The worker's heap went past RECYCLE_HEAP_BYTES while something still used it: replace it once idle. */
  let recycleWhenIdle: number | null = null;

  const clearStopWatch = () => {
    if (stopWatch !== null) clock.clearTimeout(stopWatch);
    stopWatch = null;
  };

  const connect = () => {
    lastHeard = clock.now();
    bridge = connectEngine(store, makeWorker(), assetsBaseUrl, calibration, {
      heard(event) {
        lastHeard = clock.now();
        // After an out-of-memory the backend stays broken (WASM memory never shrinks): replace the worker once the error is shown.
        if (event.type === 'error' && event.cause === 'out-of-memory') clock.setTimeout(() => restart('ran out of memory'), 0);
        // A lost GPU device or context does not come back to the backend that held it: the same.
        if (event.type === 'error' && event.cause === 'gpu-lost') clock.setTimeout(() => restart('lost its GPU'), 0);
        if (event.type === 'heap' && event.wasmHeapBytes > RECYCLE_HEAP_BYTES) {
          recycleWhenIdle = event.wasmHeapBytes;
          clock.setTimeout(recycleIfIdle, 0);
        }
        if ((event.type === 'cancelled' || event.type === 'done' || event.type === 'error') && 'runId' in event) clearStopWatch();
      },
      crashed: (what) => restart(what),
    });
    // Stop goes through here, so an unanswered one is noticed.
    store.setState({
      sendCommand: (command: Command) => {
        if (command.type === 'stop') watchStop(command.runId);
        bridge.send(command);
      },
    });
  };

  const watchStop = (runId: number) => {
    clearStopWatch();
    stopWatch = clock.setTimeout(() => {
      stopWatch = null;
      const run = store.getState().run;
      // The user asked for the run to end, and it has: stopped, not failed.
      if (run.runId === runId && run.status === 'running') restart(`did not answer Stop within ${STOP_LIMIT_MS / 1000} s`, 'cancelled');
    }, STOP_LIMIT_MS);
  };

  const restart = (what: string, outcome: 'error' | 'cancelled' = 'error') => {
    clearStopWatch();
    bridge.dispose();
    const now = clock.now();
    restarts.push(now);
    while (restarts.length && restarts[0] < now - 60_000) restarts.shift();
    const { run, pad } = store.getState();
    const kept = run.points.length;
    const live = run.status === 'running' && !run.replay;
    const interrupted =
      live && outcome === 'cancelled'
        ? { run: { ...run, status: 'cancelled' as const, paused: false, progress: null } }
        : live
        ? {
            run: {
              ...run,
              status: 'error' as const,
              paused: false,
              progress: null,
              error: {
                message: `The engine ${what}, so this run ended early; ${kept === 1 ? 'the 1 budget step' : `the ${kept} budget steps`} it had finished ${kept === 1 ? 'is' : 'are'} kept.`,
                hint: 'A fresh engine is starting: press Run again when the backend badge is back.',
              },
            },
          }
        : {};
    // The pad asks again once the new engine is ready.
    const padAgain = pad.status === 'loading' ? { pad: { ...pad, status: 'waiting' as const } } : {};
    if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
      store.setState({
        ...interrupted,
        ...padAgain,
        sendCommand: null,
        engine: { state: 'failed', message: `The engine ${what}, for the ${restarts.length}th time in a minute.`, hint: 'Reload the page; if it happens again, choose the WASM or CPU backend.' },
      });
      return;
    }
    store.setState({ ...interrupted, ...padAgain, engine: { state: 'starting' } });
    store.getState().notify(`The engine ${what}; a fresh one was started.`);
    connect();
  };

  /** A planned replacement, not a fault: it does not count toward the restarts that fail the engine. */
  const recycleIfIdle = () => {
    const { run, pad } = store.getState();
    if (recycleWhenIdle === null || (run.status === 'running' && !run.replay) || pad.status === 'loading') return;
    const mb = Math.round(recycleWhenIdle / 2 ** 20);
    recycleWhenIdle = null;
    clearStopWatch();
    bridge.dispose();
    store.setState({ engine: { state: 'starting' } });
    store.getState().notify(`The engine's memory had grown to ${mb.toLocaleString('en-US')} MB, which it cannot give back; a fresh engine was started (results on screen are kept).`);
    connect();
  };

  const beat = () => {
    const { run, engine, sendCommand } = store.getState();
    if (run.status !== 'running' || run.replay || engine.state !== 'ready') return;
    if (clock.now() - lastHeard > SILENCE_LIMIT_MS) {
      restart(`stopped answering (nothing for ${SILENCE_LIMIT_MS / 1000} s)`);
      return;
    }
    sendCommand?.({ type: 'ping', sentAt: clock.now() });
  };

  connect();
  const unsubscribe = store.subscribe((state, prev) => {
    // The heartbeat runs only while a live run does: an idle page sends nothing.
    const live = state.run.status === 'running' && !state.run.replay;
    if (live && heartbeat === null) {
      lastHeard = clock.now();
      heartbeat = clock.setInterval(beat, HEARTBEAT_MS);
    } else if (!live && heartbeat !== null) {
      clock.clearInterval(heartbeat);
      heartbeat = null;
    }
    if (!live && recycleWhenIdle !== null && state.pad.status !== 'loading') clock.setTimeout(recycleIfIdle, 0);
    if (state.params.backend === prev.params.backend && state.params.calibrate === prev.params.calibrate && state.params.threads === prev.params.threads) return;
    clearStopWatch();
    bridge.dispose();
    // A replaced worker takes its run with it.
    const run = store.getState().run;
    store.setState({ engine: { state: 'starting' }, run: run.status === 'running' && !run.replay ? { ...run, status: 'cancelled', paused: false } : run });
    connect();
  });
  return () => {
    unsubscribe();
    clearStopWatch();
    if (heartbeat !== null) clock.clearInterval(heartbeat);
    bridge.dispose();
  };
}
