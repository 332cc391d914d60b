import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../engine/protocol';
import { epsTableConfig, runKey } from '../configs';
import { reproductionPlan } from '../plan';
import { buildReport, type RunRecord } from '../report';
import { SCALES } from '../scale';

const META = { generated: '2026-12-02T00:00:00Z', mode: 'quick' as const, backend: 'wasm', device: 'test', machine: 'test', wallMs: 1 };

function run(config: RunRecord['config'], undefAcc: number, defAcc: number, argmaxUnchanged: number): RunRecord {
  const final = {
    queries: config.budget,
    oracleQueries: config.budget,
    undefended: { accuracy: undefAcc, agreement: undefAcc, loss: 0.1 },
    defended: { accuracy: defAcc, agreement: defAcc, loss: 0.2 },
    cost: { argmaxUnchanged, cosine: 1, mae: 0, kl: 0, minEntry: 0, meanSum: 1 },
  };
  const summary = { final, protectedAgreement: 1, wallMs: 1, backend: 'wasm', fgsm: { clean: 0.99, undefended: 0.6, defended: 0.7 } } as unknown as RunSummary;
  return { key: runKey(config), config, summary, points: [final] };
}

describe('eps-trained-substitutes', () => {
  const scale = SCALES.quick;
  const plan = reproductionPlan('quick');
  const ten = run(epsTableConfig(scale, 'I', 1, 10), 0.9, 0.3, 0.998);
  const few = run(epsTableConfig(scale, 'I', 1), 0.8, 0.7, 0.999);

  it('trains the substitute 10 epochs per round, beside the plan’s own epochs', () => {
    expect(ten.config.thiefEpochs).toBe(10);
    expect(few.config.thiefEpochs).toBe(scale.epsThiefEpochs);
    expect(plan.experiments.find((e) => e.id === 'eps-trained-substitutes')!.runKeys).toEqual([ten.key]);
  });

  it('reports accuracy, the fewer-epochs run beside it, and the paper’s claims', () => {
    const e = buildReport(plan, { [ten.key]: ten, [few.key]: few }, META).experiments.find((x) => x.id === 'eps-trained-substitutes')!;
    expect(e.table.find((r) => r.label === 'I: substitute accuracy, ε-defended')).toMatchObject({ ours: 0.3, paper: 0.15, diff: 0.15 });
    expect(e.table.find((r) => r.label === 'I: substitute accuracy, ε-defended, 3 epochs per round (seed 1)')?.ours).toBe(0.7);
    expect(e.charts.architectures).toEqual([{ arch: 'I', undefendedAccuracy: 0.9, defendedAccuracy: 0.3, undefendedFgsm: 0.6, defendedFgsm: 0.7, argmaxUnchanged: 0.998, seeds: 1 }]);
    // 0.3 is not below 0.2; 0.3 ≤ 0.9; 0.998 < 0.999.
    expect(e.checks.map((c) => c.holds)).toEqual([false, true, false]);
  });
});
