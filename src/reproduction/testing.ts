/**
 * Test helper: deterministic fake run records for every run of a plan, with numbers that differ
 * per run (a seeded generator), so a report built from them exercises every table, check and
 * chart. Used to prove that moving code changes no number of the report.
 */
import { createRng } from '../math/random';
import { budgetSchedule } from '../math/schedule';
import type { ReproductionPlan } from './plan';
import type { CurvePoint, RunSummary } from '../engine/protocol';
import type { RunRecord } from './report';

export function fakeRecords(plan: ReproductionPlan, seed = 7): Record<string, RunRecord> {
  const rng = createRng(seed);
  const u = (lo: number, hi: number) => Number((lo + (hi - lo) * rng.next()).toFixed(4));
  const out: Record<string, RunRecord> = {};
  for (const { key, config } of plan.runs) {
    const points: CurvePoint[] = budgetSchedule(config.budget).map((queries, i, all) => {
      const t = (i + 1) / all.length;
      return {
        queries,
        oracleQueries: queries,
        undefended: { accuracy: u(0.5, 0.7) + 0.28 * t, agreement: u(0.5, 0.7) + 0.29 * t, loss: u(0.05, 0.5) },
        defended: { accuracy: u(0.1, 0.6) + 0.3 * t, agreement: u(0.1, 0.6) + 0.3 * t, loss: rng.next() < 0.1 ? null : u(0.1, 2) },
        cost: { argmaxUnchanged: u(0.99, 1), cosine: u(0.3, 0.99), mae: u(0.01, 0.2), kl: u(0.1, 3), minEntry: u(-0.01, 0), meanSum: u(0.99, 1.01) },
      };
    });
    const final = points[points.length - 1];
    const summary: RunSummary = {
      defenderAccuracy: u(0.98, 0.99),
      protectedAccuracy: u(0.97, 0.99),
      protectedAgreement: rng.next() < 0.1 ? u(0, 0.5) : u(0.99, 1),
      protectedEvalSize: config.defense === 'epsilon' ? 500 : 2000,
      defenderSource: 'shipped',
      final,
      fgsm: { undefended: u(0.3, 0.8), defended: u(0.6, 0.95), clean: u(0.98, 0.99), epsilon: config.fgsmEps },
      queries: config.budget,
      epsilon: config.defense === 'epsilon' ? { degenerate: 0, centeringUnconverged: 0, meanCenteringRounds: config.renorm === 'centering' ? u(1, 3) : null } : null,
      wallMs: Math.round(u(1000, 300000)),
      backend: 'wasm',
      numTensorsBefore: 0,
      numTensorsAfter: 0,
    };
    out[key] = { key, config, summary, points };
  }
  return out;
}
