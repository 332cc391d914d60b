import { describe, expect, it } from 'vitest';
import type { Params } from '../params/schema';
import type { CurvePoint, RunSummary } from '../engine/protocol';
import { baselineConfig, defenseAwareConfig, epsTableConfig, modesConfig, rsConfig, runKey } from './configs';
import { reportMarkdown, signed } from './markdown';
import { chooseByPaperRule } from './paperRule';
import { reproductionPlan } from './plan';
import { buildReport, type RunRecord } from './report';
import { SCALES } from './scale';

const META = { generated: '2026-11-24T00:00:00Z', mode: 'quick' as const, backend: 'wasm', device: 'test', machine: 'test', wallMs: 1000 };

interface Fake {
  undefAgr: number;
  defAgr: number;
  undefAcc?: number;
  defAcc?: number;
  protectedAgreement?: number;
  cosine?: number;
  argmaxUnchanged?: number;
  curve?: [number, number][];
  fgsm?: [number, number];
}

function point(queries: number, undefAgr: number, defAgr: number, f: Fake): CurvePoint {
  return {
    queries,
    oracleQueries: queries,
    undefended: { accuracy: f.undefAcc ?? undefAgr, agreement: undefAgr, loss: 0.1 },
    defended: { accuracy: f.defAcc ?? defAgr, agreement: defAgr, loss: 0.2 },
    cost: { argmaxUnchanged: f.argmaxUnchanged ?? 1, cosine: f.cosine ?? 0.5, mae: 0.17, kl: 1.9, minEntry: 0, meanSum: 1 },
  };
}

function fake(config: Params, f: Fake): RunRecord {
  const points = f.curve ? f.curve.map(([q, a]) => point(q, a, a / 2, f)) : [point(config.budget, f.undefAgr, f.defAgr, f)];
  const final = { ...points[points.length - 1], undefended: { accuracy: f.undefAcc ?? f.undefAgr, agreement: f.undefAgr, loss: 0.1 }, defended: { accuracy: f.defAcc ?? f.defAgr, agreement: f.defAgr, loss: 0.2 } };
  points[points.length - 1] = final;
  const summary: RunSummary = {
    defenderAccuracy: 0.99,
    protectedAccuracy: 0.985,
    protectedAgreement: f.protectedAgreement ?? 0.995,
    protectedEvalSize: 2000,
    defenderSource: 'shipped',
    final,
    fgsm: { undefended: f.fgsm?.[0] ?? 0.6, defended: f.fgsm?.[1] ?? 0.8, clean: 0.99, epsilon: 0.3 },
    queries: config.budget,
    epsilon: null,
    wallMs: 1000,
    backend: 'wasm',
    numTensorsBefore: 0,
    numTensorsAfter: 0,
  };
  return { key: runKey(config), config, summary, points };
}

describe('chooseByPaperRule (reverse sigmoid Sec. IV-B)', () => {
  it('takes the highest cosine among settings with a stealing drop ≥ 0.20', () => {
    const grid = [
      { noise: 0.05, drop: 0.05, cosine: 0.99, P: 1 },
      { noise: 0.2, drop: 0.25, cosine: 0.8, P: 1 },
      { noise: 0.5, drop: 0.6, cosine: 0.4, P: 1 },
    ];
    expect(chooseByPaperRule(grid)?.noise).toBe(0.2);
  });
  it('falls back to the largest drop when none reaches 0.20', () => {
    expect(chooseByPaperRule([{ noise: 1, drop: 0.1, cosine: 0.2, P: 1 }, { noise: 2, drop: 0.15, cosine: 0.1, P: 1 }])?.noise).toBe(2);
    expect(chooseByPaperRule([])).toBeNull();
  });
});

describe('signed', () => {
  it('never prints −0.00 and uses a real minus sign', () => {
    expect(signed(-0.0004, 'ratio')).toBe('0.00');
    expect(signed(0.137, 'fraction')).toBe('+0.137');
    expect(signed(-0.25, 'fraction')).toBe('−0.250');
    expect(signed(null, 'fraction')).toBe('–');
  });
});

describe('buildReport', () => {
  const plan = reproductionPlan('quick');
  const scale = SCALES.quick;

  it('has every required id, names backend and seeds, and counts missing runs', () => {
    const report = buildReport(plan, {}, META);
    for (const id of ['rs-mnist-table1', 'rs-mnist-table2', 'rs-defense-aware', 'eps-mnist-table2', 'eps-mnist-figure1', 'eps-output-modes']) {
      const e = report.experiments.find((x) => x.id === id);
      expect(e, id).toBeDefined();
      expect(e!.missingRuns).toBe(e!.runs.length);
      expect(e!.backend).toBe('wasm');
    }
  });

  it('aggregates Table I / II numbers and applies the paper rule to the baselines', () => {
    const results: Record<string, RunRecord> = {};
    const add = (r: RunRecord) => (results[r.key] = r);
    add(fake(rsConfig(scale, 1), { undefAgr: 0.9, defAgr: 0.6, protectedAgreement: 0.99, cosine: 0.45 }));
    add(fake(baselineConfig(scale, 'sine', 0.2), { undefAgr: 0.9, defAgr: 0.88, cosine: 0.95 }));
    const report = buildReport(plan, results, META);
    const t1 = report.experiments.find((e) => e.id === 'rs-mnist-table1')!;
    expect(t1.ours.S_M).toBe(0.9);
    expect(t1.ours.S_RS).toBe(0.6);
    expect(t1.ours.P_RS).toBe(0.99);
    const sRow = t1.table.find((r) => r.label.startsWith('S(M, RS)'))!;
    expect(sRow.paper).toBe(0.68);
    expect(sRow.diff).toBeCloseTo(0.6 - 0.68, 10);
    // Drop 0.30 ≥ 0.20: holds; sine drop 0.02 < 0.20: "does not protect" holds.
    expect(t1.checks.find((c) => c.claim.startsWith('The reverse sigmoid drops'))?.holds).toBe(true);
    expect(t1.checks.find((c) => c.claim.startsWith('Sine'))?.holds).toBe(true);
    const sine = (t1.ours.baselines as Record<string, { chosen: { noise: number; drop: number } }>).sine.chosen;
    expect(sine.noise).toBe(0.2);
    expect(sine.drop).toBeCloseTo(0.02, 10);
    expect(t1.missingRuns).toBe(t1.runs.length - 2);
    const t2 = report.experiments.find((e) => e.id === 'rs-mnist-table2')!;
    expect(t2.ours.cos).toBe(0.45);
    expect(t2.ours.S_P).toBe(0.6);
  });

  it("counts a run trained in one pass with others at its share of the pass's wall time", () => {
    const results: Record<string, RunRecord> = {};
    const alone = fake(rsConfig(scale, 1), { undefAgr: 0.9, defAgr: 0.6 });
    results[alone.key] = alone;
    const t1 = () => buildReport(plan, results, META).experiments.find((e) => e.id === 'rs-mnist-table1')!;
    expect(t1().wallMs).toBe(1000);
    // The same run, made in a pass of 4 settings that took 3,000 ms: 750 ms of it is this run's.
    results[alone.key] = { ...alone, summary: { ...alone.summary, wallMs: 3000, group: 4 } };
    expect(t1().wallMs).toBe(750);
  });

  it('records a disagreement with the paper instead of hiding it', () => {
    const results: Record<string, RunRecord> = {};
    const r = fake(rsConfig(scale, 1), { undefAgr: 0.97, defAgr: 0.95 });
    results[r.key] = r;
    const report = buildReport(plan, results, META);
    const check = report.experiments.find((e) => e.id === 'rs-mnist-table1')!.checks[0];
    expect(check.holds).toBe(false);
    expect(reportMarkdown(report)).toContain('❌ does not hold here: The reverse sigmoid drops');
  });

  it('interpolates the queries ArgmaxSample needs to match Sample (queriesToReach)', () => {
    const results: Record<string, RunRecord> = {};
    const sample = fake(rsConfig(scale, 1), { undefAgr: 0.95, defAgr: 0.9, curve: [[150, 0.5], [300, 0.8], [600, 0.9], [1200, 0.95]] });
    // ArgmaxSample reaches 0.8 between 600 (0.7) and 1200 (0.9): 600 + (0.1 / 0.2)·600 = 900 queries, 3× Sample's 300.
    const argmax = fake(defenseAwareConfig(scale, 'argmax'), { undefAgr: 0.9, defAgr: 0.85, curve: [[150, 0.3], [300, 0.5], [600, 0.7], [1200, 0.9]] });
    results[sample.key] = sample;
    results[argmax.key] = argmax;
    const e = buildReport(plan, results, META).experiments.find((x) => x.id === 'rs-defense-aware')!;
    const f = (e.ours.argmaxQueryFactors as { queries: number; argmaxQueries: number | null; factor: number | null }[]).find((x) => x.queries === 300)!;
    expect(f.argmaxQueries).toBe(900);
    expect(f.factor).toBe(3);
    // Sample's 0.95 at 1200 is never reached by ArgmaxSample's curve (max 0.9).
    expect((e.ours.argmaxQueryFactors as { queries: number; factor: number | null }[]).find((x) => x.queries === 1200)!.factor).toBeNull();
    expect(e.ours.argmax).toBe(0.85);
  });

  it('gives mean ± sd over seeds per architecture and checks defended ≤ undefended', () => {
    const results: Record<string, RunRecord> = {};
    const r1 = fake(epsTableConfig(scale, 'I', 1), { undefAgr: 0.8, defAgr: 0.1, undefAcc: 0.8, defAcc: 0.12, argmaxUnchanged: 0.9995, fgsm: [0.4, 0.95] });
    results[r1.key] = r1;
    const report = buildReport(plan, results, META);
    const fig = report.experiments.find((e) => e.id === 'eps-mnist-figure1')!;
    expect(fig.charts.architectures).toEqual([{ arch: 'I', undefendedAccuracy: 0.8, defendedAccuracy: 0.12, undefendedFgsm: 0.4, defendedFgsm: 0.95, argmaxUnchanged: 0.9995, seeds: 1 }]);
    expect(fig.checks.every((c) => c.holds === true)).toBe(true);
    const t2 = report.experiments.find((e) => e.id === 'eps-mnist-table2')!;
    const iRow = t2.table.find((x) => x.label.startsWith('I:'))!;
    expect(iRow.ours).toBe(0.9995);
    expect(iRow.paper).toBe(1);
    expect(t2.table.find((x) => x.label.startsWith('J:'))!.ours).toBeNull();
  });

  it('fills the output-modes grid and the trade-off points at the fixed budget', () => {
    const results: Record<string, RunRecord> = {};
    const m = fake(modesConfig(scale, 0.003, 'none', 'naive', 'sample', 1), { undefAgr: 0.8, defAgr: 0.75, defAcc: 0.74, argmaxUnchanged: 1 });
    results[m.key] = m;
    const rs = fake(rsConfig(scale, 1, { beta: 0.3 }), { undefAgr: 0.9, defAgr: 0.7, protectedAgreement: 0.999 });
    results[rs.key] = rs;
    const report = buildReport(plan, results, META);
    const modes = report.experiments.find((e) => e.id === 'eps-output-modes')!;
    const grid = modes.ours.grid as { paperClaimHolds: boolean; renorm: string }[];
    expect(grid).toHaveLength(1);
    expect(grid[0].paperClaimHolds).toBe(false); // accuracy 0.74 is far from chance
    expect(modes.checks[0].holds).toBe(false);
    const tradeoff = report.experiments.find((e) => e.id === 'tradeoff')!;
    expect(tradeoff.charts.tradeoff?.points).toEqual([
      { label: 'no defense', group: 'none', protectedAgreement: 1, stolenAgreement: 0.9 },
      { label: 'RS β=0.3', group: 'reverse-sigmoid', protectedAgreement: 0.999, stolenAgreement: 0.7 },
    ]);
  });
});
