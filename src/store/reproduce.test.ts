import { describe, expect, it } from 'vitest';
import { createAppStore } from './appStore';
import { createReproduceStore, describePass } from './reproduce';
import { FakeWorker, WASM_READY } from './fakeWorker';
import { runEngine } from './engineSupervisor';
import { DEFAULT_PARAMS } from '../params/schema';
import type { PlannedRun } from '../reproduction/plan';
import type { ReproductionReport } from '../reproduction/report';
import type { Command, CurvePoint, RunSummary } from '../engine/protocol';

describe('the reproduction runner’s committed report', () => {
  it('keeps the reason when the report cannot be loaded, so the page can say it', async () => {
    const repro = createReproduceStore(createAppStore());
    await repro.getState().loadCommitted(() => Promise.reject(new Error('HTTP 404 for reproduction.json')));
    expect(repro.getState().committedStatus).toBe('error');
    expect(repro.getState().committedError).toBe('HTTP 404 for reproduction.json');
    expect(repro.getState().committed).toBeNull();
  });

  it('loads it once and clears an earlier error', async () => {
    const repro = createReproduceStore(createAppStore());
    await repro.getState().loadCommitted(() => Promise.reject(new Error('offline')));
    const report = { mode: 'full', experiments: [] } as unknown as ReproductionReport;
    await repro.getState().loadCommitted(() => Promise.resolve(report));
    expect(repro.getState()).toMatchObject({ committedStatus: 'ready', committedError: null, committed: report });
    let calls = 0;
    await repro.getState().loadCommitted(() => {
      calls++;
      return Promise.resolve(report);
    });
    expect(calls).toBe(0);
  });
});

describe('the reproduction runner’s passes', () => {
  const rs = { ...DEFAULT_PARAMS, defense: 'reverse-sigmoid' as const, attack: 'sample' as const, budget: 300 };
  const runs: PlannedRun[] = [
    { key: '#a', config: { ...rs, beta: 0.8, gamma: 0.05 } },
    { key: '#eps', config: { ...rs, defense: 'epsilon' } },
    { key: '#b', config: { ...rs, beta: 1, gamma: 0.5 } },
  ];
  const summaryOf = (accuracy: number) => ({ final: { queries: 300 }, defenderAccuracy: accuracy }) as unknown as RunSummary;
  const pointOf = (accuracy: number): CurvePoint => ({
    queries: 300,
    oracleQueries: 300,
    undefended: { accuracy: 0.9, agreement: 0.9, loss: 0.3 },
    defended: { accuracy, agreement: accuracy, loss: 1.5 },
    cost: { argmaxUnchanged: 1, cosine: 0.4, mae: 0.17, kl: 3.2, minEntry: 0, meanSum: 1 },
  });

  function readyRunner() {
    const app = createAppStore();
    const w = new FakeWorker();
    runEngine(app, () => w, 'http://x/');
    w.emit(WASM_READY);
    return { app, w, repro: createReproduceStore(app) };
  }

  it('trains the runs that differ only in β and γ in one pass, and records each with its own numbers', async () => {
    const { w, repro } = readyRunner();
    const batch = repro.getState().runRuns(runs);
    // One start for #a and #b together (where #a stood), then #eps alone.
    const first = w.sent.at(-1) as Extract<Command, { type: 'start' }>;
    expect(first).toMatchObject({ type: 'start', runId: 1, config: runs[0].config, alongside: [runs[2].config] });
    expect(repro.getState().queue.map((r) => r.key)).toEqual(['#a', '#b', '#eps']);
    expect(describePass(repro.getState())).toBe('runs 1–2 of 3, 2 β, γ settings in one pass (the chart shows the first: #a)');
    w.emit({ type: 'point', runId: 1, point: pointOf(0.5) });
    w.emit({ type: 'done', runId: 1, summary: summaryOf(0.1), alongside: [{ config: runs[2].config, summary: summaryOf(0.2), points: [pointOf(0.6)] }] });
    // The runner goes on in a later microtask: let it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(repro.getState().index).toBe(2);
    const second = w.sent.at(-1) as Extract<Command, { type: 'start' }>;
    expect(second).toMatchObject({ type: 'start', runId: 2, config: runs[1].config });
    expect(second.alongside).toBeUndefined();
    expect(describePass(repro.getState())).toBe('run 3 of 3: #eps');
    w.emit({ type: 'done', runId: 2, summary: summaryOf(0.3) });
    await batch;
    const { results, status } = repro.getState();
    expect(status).toBe('done');
    expect(Object.keys(results).sort()).toEqual(['#a', '#b', '#eps']);
    expect(results['#a']).toMatchObject({ config: runs[0].config, summary: { defenderAccuracy: 0.1 }, points: [pointOf(0.5)] });
    expect(results['#b']).toMatchObject({ config: runs[2].config, summary: { defenderAccuracy: 0.2 }, points: [pointOf(0.6)] });
    expect(results['#eps'].summary.defenderAccuracy).toBe(0.3);
  });

  it('fails the batch, naming the pass, when the engine hands back fewer results than the pass had runs', async () => {
    const { w, repro } = readyRunner();
    const batch = repro.getState().runRuns([runs[0], runs[2]]);
    w.emit({ type: 'done', runId: 1, summary: summaryOf(0.1) });
    await batch;
    expect(repro.getState()).toMatchObject({ status: 'error', pass: [], results: {} });
    expect(repro.getState().error).toBe('#a, #b: the engine gave 1 results for a pass of 2 runs');
  });

  it('says where a batch of single runs stands', () => {
    const queue = runs;
    expect(describePass({ index: 0, pass: [], queue })).toBe('run 1 of 3');
    expect(describePass({ index: 2, pass: [{ key: '', config: rs }], queue })).toBe('run 3 of 3: the default lesson');
  });
});
