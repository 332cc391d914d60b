import { describe, expect, it } from 'vitest';
import { createAppStore } from './appStore';
import { FakeWorker } from './fakeWorker';
import { runEngine } from './engineSupervisor';
import { answerBarsGeometry, formatDuration, padBarsGeometry, placeholderSampleStrip, selectEpsilonQuery, selectReverseSigmoidChart, selectSampleStrip, selectThiefChart } from './selectors';
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
    expect(workers[0].sent).toEqual([{ type: 'init', assetsBaseUrl: 'http://x/lab/', backend: 'cpu', calibrateAll: false, calibration: null }]);
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

describe('selectors', () => {
  it('returns the same reference until β or γ change', () => {
    const a = selectReverseSigmoidChart(0.8, 0.5);
    expect(selectReverseSigmoidChart(0.8, 0.5)).toBe(a);
    const b = selectReverseSigmoidChart(0.8, 0.6);
    expect(b).not.toBe(a);
    expect(b.points).toHaveLength(401);
    // With γ < 1 the defended curve folds near y = 0: at least one ambiguous band.
    expect(b.ambiguous.length).toBeGreaterThan(0);
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

  it('before a run the chart axis follows the budget setting, so Run with the same budget hands the chart the same object', () => {
    const { store } = readyStore(); // budget 300
    const idle = selectThiefChart(store.getState().run, store.getState().params.budget);
    expect(idle.xTicks).toEqual([150, 300]);
    expect(idle.xDomain).toEqual([150, 300]);
    store.getState().startRun();
    // Same budget, no rows yet: the very same data object, so the click's task does not redraw the chart.
    expect(selectThiefChart(store.getState().run, store.getState().params.budget)).toBe(idle);
    // During a run the run's own budget wins over a setting moved since.
    expect(selectThiefChart(store.getState().run, 19200).xDomain).toEqual([150, 300]);
    store.getState().resetRun();
    expect(selectThiefChart(store.getState().run, 2400).xTicks).toEqual([150, 300, 600, 1200, 2400]);
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

  it('formats ETAs for people', () => {
    expect(formatDuration(null)).toBe('…');
    expect(formatDuration(4400)).toBe('4 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
  });
});

describe('sample strip selector', () => {
  it('before a run: 8 blank cards built like the real ones (20 zero-height bars on the zero line, 10 labels, one-line texts)', () => {
    const cards = placeholderSampleStrip();
    expect(cards).toHaveLength(8);
    expect(placeholderSampleStrip()).toBe(cards);
    const [card] = cards;
    expect(card.geometry.bars).toHaveLength(20);
    // The zero line sits at the bottom of the 56-unit box; every bar has zero height there.
    expect(card.geometry.zeroY).toBe(56);
    for (const bar of card.geometry.bars) expect(bar).toMatchObject({ y: 56, height: 0 });
    expect(card.geometry.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // Never an empty string: an empty line would collapse and move the card when real text arrives.
    expect(card.caption).toBe('\u00a0');
    expect(card.stats).toBe('\u00a0');
    expect(card.pixels.every((v) => v === 0)).toBe(true);
  });

  it('shapes one bar row per class, captions from class names, and a domain that shows negative ε entries', () => {
    const samples = [
      { pixels: new Array(784).fill(0), label: 3, original: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0], defended: [0.1, -0.003, 0.1, 0.4, 0.1, 0.1, 0.1, 0.003, 0, 0.1], defendedSum: 1, defendedMin: -0.003, centeringRounds: 3 },
      { pixels: new Array(784).fill(0), label: -1, original: new Array(10).fill(0.1), defended: new Array(10).fill(0.1), defendedSum: 1, defendedMin: 0.1, centeringRounds: null },
    ];
    const names = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const cards = selectSampleStrip(samples, names);
    expect(cards[0].caption).toBe('true: 3');
    expect(cards[1].caption).toBe('random noise');
    expect(cards[0].rows[3]).toEqual({ label: '3', original: 1, defended: 0.4 });
    expect(cards[0].domain).toEqual([-0.003, 1]);
    expect(cards[1].domain).toEqual([0, 1]);
    expect(cards[0].stats).toBe('Σ 1.000 · min -0.003 · 3 rounds');
    expect(cards[0].offSimplex).toBe(true);
    expect(cards[1].stats).toBe('Σ 1.000 · min 0.100');
    expect(cards[1].offSimplex).toBe(false);
    expect(selectSampleStrip(samples, names)).toBe(cards);
    expect(cards[0].summary).toBe("The defender's answer: 3 at 100%; the thief gets: 3 at 40%");
    expect(cards[0].geometry.bars).toHaveLength(20);
  });

  it('places the answer glyph\'s bars by hand-derived geometry (200 × 56 box, top 2)', () => {
    // Two classes: slot 100, gap 7.5 on each side, bars 42.5 wide; y(v) = 2 + (1 − v) · 54 on [0, 1].
    const g = answerBarsGeometry(
      [
        { label: '0', original: 1, defended: 0.5 },
        { label: '1', original: 0, defended: 0.25 },
      ],
      [0, 1],
    );
    expect(g.zeroY).toBe(56);
    expect(g.labels).toEqual(['0', '1']);
    expect(g.bars).toEqual([
      { kind: 'original', x: 7.5, y: 2, width: 42.5, height: 54 },
      { kind: 'defended', x: 50, y: 29, width: 42.5, height: 27 },
      { kind: 'original', x: 107.5, y: 56, width: 42.5, height: 0 },
      { kind: 'defended', x: 150, y: 42.5, width: 42.5, height: 13.5 },
    ]);
    // A raw ε answer below 0: on [−0.1, 1] zero sits at 2 + (1 − 0.1/1.1) · 54 and −0.1 hangs down to 56.
    const raw = answerBarsGeometry([{ label: '0', original: 0.5, defended: -0.1 }], [-0.1, 1]);
    expect(raw.zeroY).toBeCloseTo(2 + (1 - 0.1 / 1.1) * 54, 12);
    const hanging = raw.bars[1];
    expect(hanging.y).toBeCloseTo(raw.zeroY, 12);
    expect(hanging.y + hanging.height).toBeCloseTo(56, 12);
    // Values outside the domain are clipped to it, never drawn outside the box.
    const clipped = answerBarsGeometry([{ label: '0', original: 1.5, defended: -1 }], [0, 1]);
    expect(clipped.bars[0]).toMatchObject({ y: 2, height: 54 });
    expect(clipped.bars[1]).toMatchObject({ y: 56, height: 0 });
  });

  it('places the drawing pad\'s bars by hand-derived geometry (200 × 106 box, top 2, top class solid)', () => {
    // Four classes: slot 50, gap 4.5 on each side, bars 41 wide; y(v) = 2 + (1 − v) · 104 on [0, 1].
    const rows = [0.5, 0.25, 0, 0.25].map((p, j) => ({ label: String(j), p, top: j === 0 }));
    const g = padBarsGeometry(rows, [0, 1], 'defended');
    expect(g.box).toEqual({ width: 200, height: 106, top: 2 });
    expect(g.zeroY).toBe(106);
    expect(g.labels).toEqual(['0', '1', '2', '3']);
    expect(g.bars).toEqual([
      { kind: 'defended', x: 4.5, y: 54, width: 41, height: 52, faded: false },
      { kind: 'defended', x: 54.5, y: 80, width: 41, height: 26, faded: true },
      { kind: 'defended', x: 104.5, y: 106, width: 41, height: 0, faded: true },
      { kind: 'defended', x: 154.5, y: 80, width: 41, height: 26, faded: true },
    ]);
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

describe('ε query selector (page-side y* from a probed direction)', () => {
  const probe = {
    probeId: 1, pixels: [], label: 0,
    original: [0.9, 0.1, 0],
    directionOneHot: [1, -1, 0.5],
    directionAtY: [0, 0, 0],
    degenerateAtY: true,
  };
  it('raw: y + ε·sign(d), hand values, sum and smallest entry', () => {
    const v = selectEpsilonQuery(probe, 0.01, 'none', 'onehot');
    expect(v.rows.map((r) => r.yStar)).toEqual([0.91, 0.09, 0.01].map((x) => expect.closeTo(x, 6)));
    expect(v.rows.map((r) => r.sign)).toEqual([1, -1, 1]);
    expect(v.sum).toBeCloseTo(1.01, 6);
    expect(v.minEntry).toBeCloseTo(0.01, 6);
    expect(v.argmaxUnchanged).toBe(true);
    expect(v.rounds).toBeNull();
  });
  it('renormalizations: winner-takes-all sums to 1, centering reports its rounds', () => {
    expect(selectEpsilonQuery(probe, 0.01, 'winner-takes-all', 'onehot').sum).toBeCloseTo(1, 6);
    const c = selectEpsilonQuery(probe, 0.01, 'centering', 'onehot');
    expect(Math.abs(c.sum - 1)).toBeLessThan(1e-3);
    expect(c.rounds).toBeGreaterThanOrEqual(1);
  });
  it('at y the direction is degenerate: y* = y', () => {
    const v = selectEpsilonQuery(probe, 0.05, 'none', 'at-y');
    expect(v.degenerate).toBe(true);
    expect(v.rows.map((r) => r.yStar)).toEqual(v.rows.map((r) => expect.closeTo(r.y, 6)));
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
