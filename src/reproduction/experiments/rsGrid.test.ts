import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../engine/protocol';
import { reproductionPlan } from '../plan';
import { buildReport, type RunRecord } from '../report';
import { SCALES } from '../scale';
import { gridCellsOf, gridConfig } from './rsGrid';
import { runKey } from '../configs';

const META = { generated: '2026-12-02T00:00:00Z', mode: 'full' as const, backend: 'wasm', device: 'test', machine: 'test', wallMs: 1 };

function record(beta: number, gamma: number, f: { P: number; S_M: number; S_RS: number; cosine: number }): RunRecord {
  const config = gridConfig(SCALES.full, 'mnist', { beta, gamma });
  const final = {
    queries: 19200,
    oracleQueries: 19200,
    undefended: { accuracy: f.S_M, agreement: f.S_M, loss: 0.1 },
    defended: { accuracy: f.S_RS, agreement: f.S_RS, loss: 0.2 },
    cost: { argmaxUnchanged: f.P, cosine: f.cosine, mae: 0.17, kl: 2, minEntry: 0, meanSum: 1 },
  };
  const summary = { protectedAgreement: f.P, final, wallMs: 1000, backend: 'wasm' } as unknown as RunSummary;
  return { key: runKey(config), config, summary, points: [final] };
}

describe('rs-mnist-grid', () => {
  const plan = reproductionPlan('full');

  it('plans one run per cell that passes the analytic guard (35 on MNIST), none that fails it', () => {
    const spec = plan.experiments.find((e) => e.id === 'rs-mnist-grid')!;
    const cells = gridCellsOf(SCALES.full, 'mnist');
    expect(cells).toHaveLength(35);
    expect(spec.runKeys).toEqual(cells.map((c) => runKey(gridConfig(SCALES.full, 'mnist', c))));
    // β = 1, γ = 1 gives every class ½: excluded. β = 1.2, γ = 0.5 keeps 1.5% of top classes: excluded.
    expect(cells.some((c) => c.beta === 1 && c.gamma === 1)).toBe(false);
    expect(cells.some((c) => c.beta === 1.2 && c.gamma === 0.5)).toBe(false);
  });

  it('chooses by the guarded rule from the runs, and says so', () => {
    const results = Object.fromEntries(
      [
        record(0.8, 0.05, { P: 1, S_M: 0.97, S_RS: 0.965, cosine: 0.9 }),
        record(1, 0.5, { P: 0.9965, S_M: 0.97, S_RS: 0.54, cosine: 0.34 }),
        record(1.05, 0.1, { P: 0.9999, S_M: 0.97, S_RS: 0.96, cosine: 0.63 }),
        // The analytic pass let it through, but in the run honest users lost their top class: never chosen.
        record(1.1, 0.1, { P: 0.95, S_M: 0.97, S_RS: 0.3, cosine: 0.6 }),
      ].map((r) => [r.key, r]),
    );
    const report = buildReport(plan, results, META);
    const e = report.experiments.find((x) => x.id === 'rs-mnist-grid')!;
    const ours = e.ours as { chosen: { beta: number; gamma: number; drop: number }; trained: unknown[] };
    expect(ours.chosen).toMatchObject({ beta: 1, gamma: 0.5, drop: 0.43 });
    expect(ours.trained).toHaveLength(4);
    expect(e.missingRuns).toBe(31);
    expect(e.checks[0].holds).toBe(true);
    // cosine 0.34 is within 0.1 of the paper's 0.41.
    expect(e.checks[1].holds).toBe(true);
    const drop = e.charts.heatmaps!.find((h) => h.metric === 'drop')!;
    expect(drop.cells).toHaveLength(56);
    expect(drop.chosen).toEqual({ beta: 1, gamma: 0.5 });
    expect(drop.cells.find((c) => c.beta === 1 && c.gamma === 0.5)?.value).toBeCloseTo(0.43, 10);
    expect(e.table.find((r) => r.label.startsWith('trained cells with a stealing drop'))?.ours).toBe(1);
  });

  it('reports no chosen cell and no holding claim before any run', () => {
    const e = buildReport(plan, {}, META).experiments.find((x) => x.id === 'rs-mnist-grid')!;
    expect((e.ours as { chosen: unknown }).chosen).toBeNull();
    expect(e.checks).toHaveLength(0);
    expect(e.charts.heatmaps!.find((h) => h.metric === 'topUnchanged')!.cells.every((c) => c.value !== null)).toBe(true);
  });

  it('quick mode trains three named cells at its small budget', () => {
    const quick = reproductionPlan('quick').experiments.find((x) => x.id === 'rs-mnist-grid')!;
    expect(quick.runKeys).toHaveLength(3);
    expect(reproductionPlan('quick').experiments.some((x) => x.id === 'rs-fashion-grid')).toBe(false);
  });
});
