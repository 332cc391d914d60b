import { describe, expect, it } from 'vitest';
import type { CurvePoint, RunSummary } from '../../engine/protocol';
import { runKey } from '../configs';
import { reproductionPlan } from '../plan';
import { buildReport, type RunRecord } from '../report';
import { SCALES } from '../scale';
import { queriesConfig } from './rsQueriesNeeded';

const META = { generated: '2026-12-02T00:00:00Z', mode: 'quick' as const, backend: 'wasm', device: 'test', machine: 'test', wallMs: 1 };

/** A run whose undefended and defended thieves follow the given agreement curves over 150, 300, 600, 1200 queries. */
function run(config: RunRecord['config'], undefended: number[], defended: number[]): RunRecord {
  const points = [150, 300, 600, 1200].map(
    (queries, i): CurvePoint => ({
      queries,
      oracleQueries: queries,
      undefended: { accuracy: undefended[i], agreement: undefended[i], loss: 0.1 },
      defended: { accuracy: defended[i], agreement: defended[i], loss: 0.1 },
      cost: { argmaxUnchanged: 1, cosine: 0.4, mae: 0.17, kl: 2, minEntry: 0, meanSum: 1 },
    }),
  );
  return { key: runKey(config), config, summary: { final: points[3], protectedAgreement: 1, wallMs: 1, backend: 'wasm' } as unknown as RunSummary, points };
}

describe('rs-queries-needed', () => {
  const scale = SCALES.quick;
  const plan = reproductionPlan('quick');
  const sample = run(queriesConfig(scale, 'sample', 'continue'), [0.8, 0.9, 0.95, 0.97], [0.3, 0.5, 0.6, 0.7]);
  const argmax = run(queriesConfig(scale, 'argmax', 'continue'), [0.6, 0.8, 0.9, 0.96], [0.6, 0.8, 0.9, 0.96]);
  const report = buildReport(plan, { [sample.key]: sample, [argmax.key]: argmax }, META);
  const e = report.experiments.find((x) => x.id === 'rs-queries-needed')!;
  const ours = e.ours as { needs: { attack: string; protocol: string; defended: boolean; target: number; queries: number | null }[]; ratios: { target: number; defended: boolean; ratio: number | null; protocol: string }[] };
  const need = (attack: string, defended: boolean, target: number) => ours.needs.find((n) => n.attack === attack && n.protocol === 'continue' && n.defended === defended && n.target === target)!.queries;

  it('reads the queries to each target off the curves, interpolating linearly', () => {
    expect(need('sample', false, 0.9)).toBe(300);
    expect(need('sample', false, 0.95)).toBe(600);
    // 0.96 lies halfway between 0.95 (600) and 0.97 (1,200).
    expect(need('sample', false, 0.96)).toBe(900);
    // ArgmaxSample: 0.9 at 600; 0.95 is 5/6 of the way from 600 (0.90) to 1,200 (0.96) = 1,100.
    expect(need('argmax', false, 0.9)).toBe(600);
    expect(need('argmax', false, 0.95)).toBe(1100);
    expect(need('argmax', false, 0.97)).toBeNull();
    expect(need('sample', true, 0.9)).toBeNull();
  });

  it('gives the ratio ArgmaxSample ÷ Sample where both reach the target, and says which did not', () => {
    expect(ours.ratios.find((r) => r.protocol === 'continue' && !r.defended && r.target === 0.9)?.ratio).toBe(2);
    expect(ours.ratios.find((r) => r.protocol === 'continue' && !r.defended && r.target === 0.95)?.ratio).toBeCloseTo(1100 / 600, 2);
    expect(ours.ratios.find((r) => r.protocol === 'continue' && !r.defended && r.target === 0.97)?.ratio).toBeNull();
    expect((e.ours as { poolNote: string }).poolNote).toMatch(/did not reach the target within 1,200 queries/);
    // The largest undefended ratio is 2×, far from the paper's 64×.
    expect(e.checks[0].holds).toBe(false);
    expect(e.missingRuns).toBe(2);
  });

  it("puts the paper's 64× beside the undefended ratio, with the difference, and no paper value for query counts", () => {
    const ratioRow = e.table.find((r) => r.label === 'ArgmaxSample ÷ Sample (continued training, no defense, agreement 0.9)')!;
    expect(ratioRow).toMatchObject({ ours: 2, paper: 64, diff: -62, kind: 'ratio' });
    const countRow = e.table.find((r) => r.label === 'Sample: queries to continued training, no defense, agreement 0.9')!;
    expect(countRow).toMatchObject({ ours: 300, paper: null, diff: null, kind: 'queries' });
  });
});
