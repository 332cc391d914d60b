import { describe, expect, it } from 'vitest';
import type { CurvePoint, RunSummary } from '../../engine/protocol';
import { rsConfig, runKey } from '../configs';
import { reproductionPlan } from '../plan';
import { buildReport, type RunRecord } from '../report';
import { SCALES } from '../scale';
import { protocolConfig } from './rsThiefProtocol';

const META = { generated: '2026-12-02T00:00:00Z', mode: 'quick' as const, backend: 'wasm', device: 'test', machine: 'test', wallMs: 1 };

/** A run whose thieves reach the given agreements at 150, 300, 600, 1,200 queries. */
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

describe('rs-thief-protocol', () => {
  const scale = SCALES.quick;
  const plan = reproductionPlan('quick');
  const continued = run(rsConfig(scale, scale.rsSeeds[0]), [0.5, 0.7, 0.8, 0.9], [0.45, 0.6, 0.7, 0.85]);
  const fresh = run(protocolConfig(scale, 1000), [0.6, 0.7, 0.8, 0.95], [0.3, 0.4, 0.5, 0.6]);

  it('plans the continued thief and one fresh thief per N, the fresh one a fresh-protocol run', () => {
    const spec = plan.experiments.find((e) => e.id === 'rs-thief-protocol')!;
    expect(spec.runKeys).toEqual([continued.key, fresh.key]);
    expect(fresh.config).toMatchObject({ thiefProtocol: 'fresh', thiefSteps: 1000, defense: 'reverse-sigmoid', attack: 'sample' });
  });

  it('reads the drop at each budget off the curves, and checks the largest budget', () => {
    const e = buildReport(plan, { [continued.key]: continued, [fresh.key]: fresh }, META).experiments.find((x) => x.id === 'rs-thief-protocol')!;
    const cells = (e.ours as { cells: { steps: number | null; budget: number; drop: number }[] }).cells;
    // 0.5 − 0.45, 0.9 − 0.85, 0.6 − 0.3, 0.95 − 0.6.
    expect(cells.map((c) => [c.steps, c.budget, c.drop])).toEqual([
      [null, 150, 0.05],
      [null, 1200, 0.05],
      [1000, 150, 0.3],
      [1000, 1200, 0.35],
    ]);
    expect(e.table.find((r) => r.label === 'stealing drop: fresh thief, N = 1,000, 1,200 queries')?.ours).toBe(0.35);
    expect(e.checks[0].holds).toBe(true);
    expect(e.missingRuns).toBe(0);
  });

  it('says a run is missing rather than inventing its numbers', () => {
    const e = buildReport(plan, { [continued.key]: continued }, META).experiments.find((x) => x.id === 'rs-thief-protocol')!;
    expect(e.missingRuns).toBe(1);
    expect(e.checks).toHaveLength(0);
    expect(e.table.find((r) => r.label === 'stealing drop: fresh thief, N = 1,000, 150 queries')?.ours).toBeNull();
  });

  it('in the full plan, runs the paper\'s AllConv thief beside thief I and checks its drop on its own', () => {
    const full = SCALES.full;
    const fullPlan = reproductionPlan('full');
    const allconvConfig = rsConfig(full, full.rsSeeds[0], { substitute: 'allconv' });
    expect(fullPlan.experiments.find((e) => e.id === 'rs-thief-protocol')!.runKeys).toContain(runKey(allconvConfig));
    // Only 150 and 1,200 of the full plan's budgets are on these four-point curves; 19,200 is not, so no check is made from them.
    const thiefI = run(rsConfig(full, full.rsSeeds[0]), [0.5, 0.7, 0.8, 0.9], [0.1, 0.2, 0.3, 0.4]);
    const allconv = run(allconvConfig, [0.5, 0.7, 0.8, 0.9], [0.4, 0.6, 0.7, 0.8]);
    const e = buildReport(fullPlan, { [thiefI.key]: thiefI, [allconv.key]: allconv }, { ...META, mode: 'full' }).experiments.find((x) => x.id === 'rs-thief-protocol')!;
    expect(e.table.find((r) => r.label === 'stealing drop: continued training, thief AllConv, 1,200 queries')?.ours).toBe(0.1);
    expect(e.table.find((r) => r.label === 'stealing drop: continued training, 1,200 queries')?.ours).toBe(0.5);
  });
});
