import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../params/schema';
import type { CurvePoint, EngineEvent } from '../engine/protocol';
import { createAppStore } from './appStore';
import { FakeWorker, WASM_READY } from './fakeWorker';
import { HEARTBEAT_MS, RECYCLE_HEAP_BYTES, runEngine, SILENCE_LIMIT_MS, STOP_LIMIT_MS, type SupervisorClock } from './engineSupervisor';


/** Time moved by hand: timeouts and intervals fire as `advance` passes them. */
function fakeClock(): SupervisorClock & { advance(ms: number): void } {
  let t = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void; every: number | null }>();
  return {
    now: () => t,
    setTimeout: (fn, ms) => (timers.set(++seq, { at: t + ms, fn, every: null }), seq),
    clearTimeout: (h) => void timers.delete(h as number),
    setInterval: (fn, ms) => (timers.set(++seq, { at: t + ms, fn, every: ms }), seq),
    clearInterval: (h) => void timers.delete(h as number),
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const next = [...timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        const [id, timer] = next;
        t = timer.at;
        if (timer.every === null) timers.delete(id);
        else timer.at += timer.every;
        timer.fn();
      }
      t = end;
    },
  };
}

const ready = WASM_READY;
const cost = { argmaxUnchanged: 1, cosine: 0.3, mae: 0.2, kl: 2, minEntry: 0, meanSum: 1 };
const point = (queries: number): CurvePoint => ({
  queries,
  oracleQueries: queries,
  undefended: { accuracy: 0.5, agreement: 0.5, loss: 1 },
  defended: { accuracy: 0.1, agreement: 0.1, loss: 2 },
  cost,
});

function setup() {
  const clock = fakeClock();
  const store = createAppStore(DEFAULT_PARAMS);
  const workers: FakeWorker[] = [];
  runEngine(store, () => (workers.push(new FakeWorker()), workers.at(-1)!), 'http://x/', undefined, clock);
  workers[0].emit(ready);
  const runId = store.getState().startRun()!;
  workers[0].emit({ type: 'point', runId, point: point(150) });
  workers[0].emit({ type: 'point', runId, point: point(300) });
  return { clock, store, workers, runId };
}

describe('the engine supervisor', () => {
  it('a worker that dies mid-run: the run ends with a message, its points kept, and a fresh engine starts', () => {
    const { store, workers } = setup();
    workers[0].onerror?.({ message: 'out of memory' } as ErrorEvent);
    const run = store.getState().run;
    expect(run.status).toBe('error');
    expect(run.rows.map((r) => r.queries)).toEqual([150, 300]);
    expect(run.error?.message).toBe('The engine crashed: out of memory, so this run ended early; the 2 budget steps it had finished are kept.');
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1].sent[0]).toMatchObject({ type: 'init' });
    expect(store.getState().engine.state).toBe('starting');
    expect(store.getState().notices.at(-1)?.text).toBe('The engine crashed: out of memory; a fresh one was started.');
    // The fresh engine runs the next run.
    workers[1].emit(ready);
    const next = store.getState().startRun();
    expect(workers[1].sent.at(-1)).toMatchObject({ type: 'start', runId: next });
  });

  it('a worker that falls silent (closed itself, or stuck) is replaced after the silence limit, not before', () => {
    const { clock, store, workers, runId } = setup();
    clock.advance(SILENCE_LIMIT_MS - HEARTBEAT_MS);
    // It pings while it waits, and a live worker would answer.
    expect(workers[0].sent.filter((c) => c.type === 'ping').length).toBeGreaterThanOrEqual(6);
    expect(workers).toHaveLength(1);
    // An answer resets the clock: a slow step is not a dead worker.
    workers[0].emit({ type: 'pong', sentAt: 0 });
    clock.advance(SILENCE_LIMIT_MS - HEARTBEAT_MS);
    expect(workers).toHaveLength(1);
    clock.advance(2 * HEARTBEAT_MS + 1);
    expect(workers).toHaveLength(2);
    expect(store.getState().run).toMatchObject({ runId, status: 'error' });
    expect(store.getState().run.error?.message).toMatch(/^The engine stopped answering \(nothing for 15 s\)/);
  });

  it('Stop unanswered for 2 s: the worker is replaced and the run is stopped; answered in time, nothing happens', () => {
    const a = setup();
    a.store.getState().stopRun();
    a.clock.advance(STOP_LIMIT_MS - 1);
    a.workers[0].emit({ type: 'cancelled', runId: a.runId, numTensors: 0 });
    a.clock.advance(10 * STOP_LIMIT_MS);
    expect(a.workers).toHaveLength(1);
    expect(a.store.getState().run.status).toBe('cancelled');

    const b = setup();
    b.store.getState().stopRun();
    b.clock.advance(STOP_LIMIT_MS + 1);
    expect(b.workers).toHaveLength(2);
    expect(b.workers[0].terminated).toBe(true);
    expect(b.store.getState().run.status).toBe('cancelled');
    expect(b.store.getState().run.rows).toHaveLength(2);
    expect(b.store.getState().notices.at(-1)?.text).toBe('The engine did not answer Stop within 2 s; a fresh one was started.');
  });

  it('an idle page sends no pings', () => {
    const clock = fakeClock();
    const store = createAppStore(DEFAULT_PARAMS);
    const w = new FakeWorker();
    runEngine(store, () => w, 'http://x/', undefined, clock);
    w.emit(ready);
    clock.advance(10 * SILENCE_LIMIT_MS);
    expect(w.sent.map((c) => c.type)).toEqual(['init']);
    expect(w.terminated).toBe(false);
  });

  it('after an out-of-memory the worker is replaced, the run keeps its error and its points', () => {
    const { clock, store, workers, runId } = setup();
    workers[0].emit({ type: 'error', runId, phase: 'run', message: 'memory access out of bounds', hint: 'lower the budget', cause: 'out-of-memory' });
    clock.advance(1);
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    const run = store.getState().run;
    expect(run).toMatchObject({ status: 'error', error: { message: 'memory access out of bounds' } });
    expect(run.rows).toHaveLength(2);
    expect(store.getState().notices.at(-1)?.text).toBe('The engine ran out of memory; a fresh one was started.');
  });

  it('after a lost GPU the worker is replaced; the run keeps the error the worker said and its points; a later Stop of the old run is not the new one', () => {
    const { clock, store, workers, runId } = setup();
    const message = 'The GPU stopped working (the WebGPU device was lost (destroyed)), so this run ended early; the budget steps it had finished are kept.';
    workers[0].emit({ type: 'error', runId, phase: 'run', message, hint: 'choose WASM', cause: 'gpu-lost' });
    clock.advance(1);
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(store.getState().run).toMatchObject({ status: 'error', error: { message } });
    expect(store.getState().run.rows).toHaveLength(2);
    expect(store.getState().notices.at(-1)?.text).toBe('The engine lost its GPU; a fresh one was started.');
    // The fresh worker is initialised like the first.
    expect(workers[1].sent.map((c) => c.type)).toEqual(['init']);
  });

  it('after a lost GPU, "Continue on WASM" moves the engine to WASM and runs the same settings once it is ready', () => {
    const { clock, store, workers, runId } = setup();
    workers[0].emit({ type: 'error', runId, phase: 'run', message: 'The GPU stopped working', hint: 'choose WASM', cause: 'gpu-lost' });
    clock.advance(1);
    expect(store.getState().run.error?.cause).toBe('gpu-lost');
    const config = store.getState().run.config;
    store.getState().continueOnWasm();
    expect(store.getState().params.backend).toBe('wasm');
    const fresh = workers.at(-1)!;
    expect(fresh.sent.map((c) => c.type)).toEqual(['init']);
    expect(fresh.sent[0]).toMatchObject({ type: 'init', backend: 'wasm' });
    // Nothing runs before the engine is ready …
    expect(store.getState().run.status).toBe('error');
    fresh.emit(ready);
    // … then the same settings run again, on WASM.
    expect(store.getState().run.status).toBe('running');
    expect(fresh.sent.map((c) => c.type)).toEqual(['init', 'start']);
    expect(store.getState().run.config).toEqual({ ...config, backend: 'wasm' });
    expect(store.getState().runWhenReady).toBe(false);
  });

  it('a new WASM thread count in the settings starts a fresh engine with it, like a new backend', () => {
    const { store, workers } = setup();
    store.getState().replaceParams({ ...store.getState().params, threads: '2' });
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].sent[0]).toMatchObject({ type: 'init', threads: '2' });
    // The run the old worker held ends as cancelled.
    expect(store.getState().run.status).toBe('cancelled');
  });

  it('a GPU lost while idle also replaces the worker, and says so once', () => {
    const { clock, store, workers } = setup();
    store.setState({ run: { ...store.getState().run, status: 'done' } });
    workers[0].emit({ type: 'error', phase: 'run', message: 'The GPU stopped working (the WebGL context was lost).', hint: 'choose WASM', cause: 'gpu-lost' });
    clock.advance(1);
    expect(workers).toHaveLength(2);
    expect(store.getState().run.status).toBe('done');
  });

  it('a WASM heap past the bound is given back: once the run has ended the idle worker is replaced, the results stay, and it never counts as a failure', () => {
    const { clock, store, workers, runId } = setup();
    const gb = 1.5 * 2 ** 30;
    // Under the bound: nothing happens.
    workers[0].emit({ type: 'heap', wasmHeapBytes: RECYCLE_HEAP_BYTES });
    clock.advance(1);
    expect(workers).toHaveLength(1);
    // Over it while the run still goes (a heap event of an earlier run): the run is left alone …
    workers[0].emit({ type: 'heap', wasmHeapBytes: gb });
    clock.advance(1);
    expect(workers).toHaveLength(1);
    expect(store.getState().run.status).toBe('running');
    // … and the worker is replaced as soon as it ends.
    workers[0].emit({ type: 'cancelled', runId, numTensors: 0 });
    clock.advance(1);
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(store.getState().run.rows.map((r) => r.queries)).toEqual([150, 300]);
    expect(store.getState().notices.at(-1)?.text).toBe("The engine's memory had grown to 1,536 MB, which it cannot give back; a fresh engine was started (results on screen are kept).");
    // Five more in a row: planned replacements, so the engine never ends up 'failed'.
    for (let i = 1; i <= 5; i++) {
      workers[i].emit(ready);
      workers[i].emit({ type: 'heap', wasmHeapBytes: gb });
      clock.advance(1);
    }
    expect(workers).toHaveLength(7);
    expect(store.getState().engine.state).toBe('starting');
  });

  it('a message that is not an engine event replaces the worker instead of throwing in the page', () => {
    const { store, workers } = setup();
    expect(() => workers[0].onmessage?.({ data: 42 } as unknown as MessageEvent<EngineEvent>)).not.toThrow();
    expect(workers).toHaveLength(2);
    expect(store.getState().run.error?.message).toMatch(/^The engine sent a message that is not an engine event \(42\)/);
    expect(() => workers[1].emit({ type: 'nonsense' } as unknown as EngineEvent)).not.toThrow();
    expect(workers).toHaveLength(3);
    expect(store.getState().notices.at(-1)?.text).toMatch(/could not use \(unhandled engine event/);
  });
});
