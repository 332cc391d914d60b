import { describe, expect, it, vi } from 'vitest';
import { createAppStore } from './appStore';
import { FakeWorker } from './fakeWorker';
import { runEngine } from './engineSupervisor';
import { selectThiefChart } from './thiefChart';
import { syncUrl, URL_WRITE_DELAY_MS, type UrlEnv } from './urlSync';
import { DEFAULT_PARAMS } from '../params/schema';
import type { EngineEvent } from '../engine/protocol';


const ready: EngineEvent = {
  type: 'ready',
  backend: 'wasm',
  device: 'CPU via WebAssembly',
  attempts: [{ backend: 'webgpu', outcome: 'skipped', reason: 'software', initMs: 0 }],
  tfVersion: '4.22.0',
  numTensors: 0,
  calibration: { how: 'only', record: null },
};

describe('app store', () => {
  it('clamps and snaps numbers to the schema, keeps the last value on NaN and says why', () => {
    const store = createAppStore();
    store.getState().setNumber('beta', 5);
    expect(store.getState().params.beta).toBe(2);
    store.getState().setNumber('beta', 0.123456);
    expect(store.getState().params.beta).toBe(0.12);
    store.getState().setNumber('beta', Number.NaN);
    expect(store.getState().params.beta).toBe(0.12);
    expect(store.getState().notices.at(-1)?.text).toMatch(/beta: "NaN" is not a number; kept 0\.12/);
    store.getState().resetParam('beta');
    expect(store.getState().params.beta).toBe(DEFAULT_PARAMS.beta);
  });

  it('rejects an invalid enum value without changing state', () => {
    const store = createAppStore();
    store.getState().setEnum('backend', 'quantum' as never);
    expect(store.getState().params.backend).toBe('auto');
    expect(store.getState().notices).toHaveLength(1);
  });

  it('fresh stores are independent', () => {
    const a = createAppStore();
    const b = createAppStore();
    a.getState().setNumber('gamma', 2);
    expect(b.getState().params.gamma).toBe(DEFAULT_PARAMS.gamma);
  });
});

describe('engine bridge', () => {
  it('sends init with the chosen backend and applies ready / error events', () => {
    const store = createAppStore({ ...DEFAULT_PARAMS, backend: 'cpu' });
    const workers: FakeWorker[] = [];
    const stop = runEngine(store, () => { const w = new FakeWorker(); workers.push(w); return w; }, 'http://x/lab/');
    expect(workers[0].sent).toEqual([{ type: 'init', assetsBaseUrl: 'http://x/lab/', backend: 'cpu', calibrateAll: false, calibration: null, threads: 'auto' }]);
    expect(store.getState().engine.state).toBe('starting');
    workers[0].emit(ready);
    expect(store.getState().engine).toMatchObject({ state: 'ready', backend: 'wasm' });

    // Choosing another backend replaces the worker.
    store.getState().setEnum('backend', 'webgl');
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].sent[0]).toMatchObject({ type: 'init', backend: 'webgl' });
    expect(store.getState().engine.state).toBe('starting');
    workers[1].emit({ type: 'error', phase: 'init', message: 'no backend', hint: 'use CPU' });
    expect(store.getState().engine).toEqual({ state: 'failed', message: 'no backend', hint: 'use CPU' });

    // Unrelated parameter changes do not restart it.
    store.getState().setNumber('beta', 0.3);
    expect(workers).toHaveLength(2);
    stop();
    expect(workers[1].terminated).toBe(true);
  });

  it('a worker that keeps crashing becomes a visible error, not a silent hang or an endless restart', () => {
    const store = createAppStore();
    const w = new FakeWorker();
    runEngine(store, () => w, 'http://x/');
    // The supervisor restarts a crashed worker three times within a minute, then gives up and says so.
    for (let i = 0; i < 4; i++) w.onerror?.({ message: 'boom' } as ErrorEvent);
    expect(store.getState().engine).toMatchObject({ state: 'failed', message: expect.stringMatching(/crashed: boom, for the 4th time in a minute/) });
  });
});

describe('URL sync', () => {
  function fakeEnv(initialHash = '') {
    let hash = initialHash;
    const timers: (() => void)[] = [];
    const listeners: (() => void)[] = [];
    const writes: string[] = [];
    const env: UrlEnv = {
      location: { get hash() { return hash; }, get href() { return `http://x/${hash}`; } },
      replaceHash: (h) => { hash = h; writes.push(h); },
      onHashChange: (l) => { listeners.push(l); return () => listeners.splice(listeners.indexOf(l), 1); },
      setTimeout: (fn, ms) => { expect(ms).toBe(URL_WRITE_DELAY_MS); timers.push(fn); return timers.length; },
      clearTimeout: (h) => { timers[(h as number) - 1] = () => {}; },
    };
    return {
      env, writes,
      flush: () => timers.splice(0).forEach((t) => t()),
      userEdits: (h: string) => { hash = h; listeners.forEach((l) => l()); },
    };
  }

  it('debounces slider drags into one history write of the final value', () => {
    const store = createAppStore();
    const u = fakeEnv();
    syncUrl(store, u.env);
    for (const b of [0.1, 0.2, 0.3]) store.getState().setNumber('beta', b);
    u.flush();
    expect(u.writes).toEqual(['#v=2&beta=0.3']);
  });

  it('reads a hand-edited hash back, with notices for bad values', () => {
    const store = createAppStore();
    const u = fakeEnv();
    syncUrl(store, u.env);
    u.userEdits('#v=2&gamma=1.5&beta=oops');
    expect(store.getState().params.gamma).toBe(1.5);
    expect(store.getState().params.beta).toBe(DEFAULT_PARAMS.beta);
    expect(store.getState().notices.map((n) => n.text).join()).toMatch(/"oops" is not a plain decimal number/);
  });
});

describe('run slice', () => {
  const point = (queries: number, acc: number) => ({
    queries,
    oracleQueries: queries,
    undefended: { accuracy: acc, agreement: acc, loss: 0.5 },
    defended: { accuracy: acc / 2, agreement: acc / 2, loss: 1.5 },
    cost: { argmaxUnchanged: 1, cosine: 0.4, mae: 0.17, kl: 3.2, minEntry: 0, meanSum: 1 },
  });

  function readyStore() {
    const store = createAppStore({ ...DEFAULT_PARAMS, budget: 300 });
    const w = new FakeWorker();
    runEngine(store, () => w, 'http://x/');
    w.emit(ready);
    return { store, w };
  }

  it('refuses to start before the engine is ready, with a message', () => {
    const store = createAppStore();
    store.getState().startRun();
    expect(store.getState().run.status).toBe('idle');
    expect(store.getState().notices.at(-1)?.text).toMatch(/not ready/);
  });

  it('starts with the current parameters, appends one chart row per point, and finishes', () => {
    const { store, w } = readyStore();
    store.getState().startRun();
    expect(w.sent.at(-1)).toEqual({ type: 'start', runId: 1, config: { ...DEFAULT_PARAMS, budget: 300 }, retrainDefender: false });
    expect(store.getState().run).toMatchObject({ status: 'running', runId: 1 });
    w.emit({ type: 'phase', runId: 1, phase: 'attack', detail: 'x' });
    w.emit({ type: 'progress', runId: 1, phase: 'attack', done: 3, total: 10, etaMs: 700 });
    expect(store.getState().run.progress).toEqual({ phase: 'attack', done: 3, total: 10, etaMs: 700 });
    w.emit({ type: 'point', runId: 1, point: point(150, 0.6) });
    const rowsAfterOne = store.getState().run.rows;
    w.emit({ type: 'point', runId: 1, point: point(300, 0.8) });
    expect(store.getState().run.rows).toEqual([
      { queries: 150, undefendedAccuracy: 0.6, defendedAccuracy: 0.3, undefendedAgreement: 0.6, defendedAgreement: 0.3 },
      { queries: 300, undefendedAccuracy: 0.8, defendedAccuracy: 0.4, undefendedAgreement: 0.8, defendedAgreement: 0.4 },
    ]);
    // Append-only: the earlier array was not mutated (charts keep stable references).
    expect(rowsAfterOne).toHaveLength(1);
    const chart = selectThiefChart(store.getState().run);
    expect(chart.xTicks).toEqual([150, 300]);
    expect(selectThiefChart(store.getState().run)).toBe(chart);
    // A progress event replaces the run object but must not hand the chart new data.
    w.emit({ type: 'progress', runId: 1, phase: 'attack', done: 9, total: 10, etaMs: 100 });
    expect(selectThiefChart(store.getState().run)).toBe(chart);
  });

  it('takes at most one progress update a second; a point or a pause brings the held one, a new phase or the end drops it', () => {
    vi.useFakeTimers();
    try {
      const store = createAppStore({ ...DEFAULT_PARAMS, budget: 300 });
      store.setState({ sendCommand: () => undefined });
      const apply = (e: EngineEvent) => store.getState().applyEngineEvent(e);
      const progress = (phase: 'defender' | 'attack', done: number): EngineEvent => ({ type: 'progress', runId: 1, phase, done, total: 10, etaMs: 1000 * (10 - done) });
      const shown = () => store.getState().run.progress?.done ?? null;
      apply(ready);
      store.getState().startRun();
      apply({ type: 'phase', runId: 1, phase: 'defender', detail: 'x' });
      apply(progress('defender', 1)); // the first: at once
      expect(shown()).toBe(1);
      vi.advanceTimersByTime(250);
      apply(progress('defender', 2)); // inside the second: held
      vi.advanceTimersByTime(250);
      apply(progress('defender', 3));
      expect(shown()).toBe(1);
      vi.advanceTimersByTime(500); // the second ends: the newest held one
      expect(shown()).toBe(3);
      // A new phase drops what is held (the old phase's) and its own first update shows at once.
      vi.advanceTimersByTime(100);
      apply(progress('defender', 4));
      apply({ type: 'phase', runId: 1, phase: 'attack', detail: 'y' });
      expect(store.getState().run.progress).toBeNull();
      vi.advanceTimersByTime(2000);
      expect(store.getState().run.progress).toBeNull();
      apply(progress('attack', 1));
      expect(store.getState().run.progress).toMatchObject({ phase: 'attack', done: 1 });
      // A point brings the held update along in the same state change.
      vi.advanceTimersByTime(300);
      apply(progress('attack', 2));
      apply({ type: 'point', runId: 1, point: point(150, 0.6) });
      expect(store.getState().run).toMatchObject({ progress: { done: 2 }, rows: [{ queries: 150 }] });
      // So does the engine's pause: the bar of a held run stands where the engine stopped.
      apply(progress('attack', 3));
      apply({ type: 'paused', runId: 1, paused: true });
      expect(store.getState().run).toMatchObject({ paused: true, progress: { done: 3 } });
      vi.advanceTimersByTime(2000);
      expect(shown()).toBe(3);
      // The end of the run drops a held update: a finished run shows no progress.
      apply({ type: 'paused', runId: 1, paused: false });
      apply(progress('attack', 4)); // the window is closed by now: at once
      vi.advanceTimersByTime(200);
      apply(progress('attack', 5));
      apply({ type: 'done', runId: 1, summary: null as never });
      vi.advanceTimersByTime(2000);
      expect(store.getState().run).toMatchObject({ status: 'done', progress: null });
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops events of an older run after stop + restart', () => {
    const { store, w } = readyStore();
    store.getState().startRun();
    store.getState().stopRun();
    expect(w.sent.at(-1)).toEqual({ type: 'stop', runId: 1 });
    w.emit({ type: 'cancelled', runId: 1, numTensors: 0 });
    expect(store.getState().run.status).toBe('cancelled');
    store.getState().startRun();
    // A late point from run 1 must not appear in run 2's chart.
    w.emit({ type: 'point', runId: 1, point: point(150, 0.9) });
    expect(store.getState().run).toMatchObject({ runId: 2, status: 'running', rows: [] });
    w.emit({ type: 'error', runId: 2, phase: 'run', message: 'out of memory', hint: 'lower the budget' });
    expect(store.getState().run).toMatchObject({ status: 'error', error: { message: 'out of memory', hint: 'lower the budget' } });
  });

  it('pause and resume: shown at once, confirmed by the engine, cleared when the run ends; stop works while paused', () => {
    const { store, w } = readyStore();
    store.getState().pauseRun(); // nothing running: nothing sent
    expect(w.sent.filter((c) => c.type === 'pause')).toHaveLength(0);
    store.getState().startRun();
    store.getState().pauseRun();
    expect(w.sent.at(-1)).toEqual({ type: 'pause', runId: 1 });
    expect(store.getState().run).toMatchObject({ status: 'running', paused: true });
    store.getState().pauseRun(); // already paused: no second command
    expect(w.sent.filter((c) => c.type === 'pause')).toHaveLength(1);
    w.emit({ type: 'paused', runId: 1, paused: true });
    store.getState().resumeRun();
    expect(w.sent.at(-1)).toEqual({ type: 'resume', runId: 1 });
    expect(store.getState().run.paused).toBe(false);
    w.emit({ type: 'paused', runId: 1, paused: false });
    store.getState().pauseRun();
    store.getState().stopRun();
    expect(w.sent.at(-1)).toEqual({ type: 'stop', runId: 1 });
    w.emit({ type: 'cancelled', runId: 1, numTensors: 0 });
    expect(store.getState().run).toMatchObject({ status: 'cancelled', paused: false });
    // A late confirmation of an ended run changes nothing.
    w.emit({ type: 'paused', runId: 1, paused: true });
    expect(store.getState().run.paused).toBe(false);
  });

  it('reset stops the run, clears its results and drops what the stopped run still sends; settings are kept', () => {
    const { store, w } = readyStore();
    store.getState().setNumber('beta', 1.2);
    store.getState().startRun();
    w.emit({ type: 'point', runId: 1, point: point(150, 0.6) });
    store.getState().resetRun();
    expect(w.sent.at(-1)).toEqual({ type: 'stop', runId: 1 });
    expect(store.getState().run).toMatchObject({ status: 'idle', rows: [], points: [], summary: null });
    w.emit({ type: 'point', runId: 1, point: point(300, 0.7) });
    w.emit({ type: 'cancelled', runId: 1, numTensors: 0 });
    expect(store.getState().run).toMatchObject({ status: 'idle', rows: [] });
    expect(store.getState().params.beta).toBe(1.2);
    // The next run gets an id the stopped one never had.
    store.getState().startRun();
    expect(w.sent.at(-1)).toMatchObject({ type: 'start', runId: 3 });
    // After a finished run, reset sends nothing and clears the charts.
    w.emit({ type: 'done', runId: 3, summary: {} as never });
    const sent = w.sent.length;
    store.getState().resetRun();
    expect(w.sent).toHaveLength(sent);
    expect(store.getState().run.status).toBe('idle');
  });

  it('"reset all settings" restores every default but keeps the backend choice', () => {
    const { store } = readyStore();
    store.getState().setNumber('beta', 1.2);
    store.getState().setEnum('defense', 'epsilon');
    store.getState().setEnum('backend', 'cpu');
    store.getState().resetAllParams();
    expect(store.getState().params).toEqual({ ...DEFAULT_PARAMS, backend: 'cpu' });
  });

});

describe('backend calibration cache', () => {
  it('sends the stored calibration with init and stores a fresh measurement', () => {
    const saved: unknown[] = [];
    const record = { key: 'ua|gpu|gl', backend: 'webgpu' as const, timings: [{ backend: 'webgpu' as const, msPerStep: 12 }], measuredAt: 'then' };
    const storage = { load: () => record, save: (r: unknown) => saved.push(r) };
    const store = createAppStore();
    const w = new FakeWorker();
    runEngine(store, () => w, 'http://x/', storage);
    expect(w.sent[0]).toMatchObject({ type: 'init', calibration: record });
    w.emit({ ...ready, calibration: { how: 'cached', record } });
    expect(saved).toEqual([]); // a reused result is not written again
    const fresh = { ...record, backend: 'wasm' as const, measuredAt: 'now' };
    w.emit({ ...ready, calibration: { how: 'measured', record: fresh } });
    expect(saved).toEqual([fresh]);
    expect(store.getState().engine).toMatchObject({ state: 'ready', calibration: 'measured' });
  });
});

describe('notices', () => {
  it('merge a repeated message, cut a long one, and keep only the newest few', async () => {
    const { addNotices, MAX_NOTICES } = await import('./appStore');
    let list = addNotices([], ['a', 'b', 'a']);
    expect(list.map((n) => n.text)).toEqual(['b', 'a']);
    list = addNotices(list, Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(list).toHaveLength(MAX_NOTICES);
    expect(list.at(-1)?.text).toBe('m19');
    expect(addNotices([], ['x'.repeat(5000)])[0].text).toHaveLength(401);
  });
});

describe('errors tied to no run', () => {
  it('fail the running run, and become a notice when nothing runs', () => {
    const store = createAppStore();
    store.getState().applyEngineEvent({ type: 'error', phase: 'run', message: 'The engine failed: boom', hint: 'Press Run again.' });
    expect(store.getState().run.status).toBe('idle');
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'error', text: 'The engine failed: boom Press Run again.' });
  });
});
