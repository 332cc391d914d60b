import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../params/schema';
import { reproductionPlan } from '../reproduction/plan';
import type { ReproductionReport, RunRecord } from '../reproduction/report';
import { selectDisplayedReport } from './displayedReport';
import type { EngineStatus } from './appStore';

const engine: EngineStatus = { state: 'starting' };
const committed = { mode: 'full', experiments: [] } as unknown as ReproductionReport;

function record(key: string): RunRecord {
  const score = { accuracy: 0.9, agreement: 0.9, loss: 0.1 };
  const final = {
    queries: 150,
    oracleQueries: 150,
    undefended: score,
    defended: score,
    cost: { argmaxUnchanged: 1, cosine: 1, mae: 0, kl: 0, minEntry: 0, meanSum: 1 },
  };
  return {
    key,
    config: DEFAULT_PARAMS,
    points: [final],
    summary: {
      defenderAccuracy: 0.98,
      protectedAccuracy: 0.98,
      protectedAgreement: 1,
      protectedEvalSize: 500,
      defenderSource: 'shipped',
      final,
      fgsm: { undefended: 0.5, defended: 0.6, clean: 0.98, epsilon: 0.3 },
      queries: 150,
      epsilon: null,
      wallMs: 1000,
      backend: 'wasm',
      numTensorsBefore: 0,
      numTensorsAfter: 0,
    },
  };
}

describe('selectDisplayedReport', () => {
  it('keeps the committed report when the only finished runs are not the plan’s (the ε lesson’s pair)', () => {
    const results = { '#v=2&budget=1200&def=epsilon&clean=clean&lesson-only': record('#v=2&budget=1200&def=epsilon&clean=clean&lesson-only') };
    const shown = selectDisplayedReport({ results, mode: 'quick', committed }, engine);
    expect(shown.source).toBe('committed');
    expect(shown.report).toBe(committed);
  });

  it('switches to a live report once a run of the plan finishes', () => {
    const key = reproductionPlan('quick').runs[0].key;
    const shown = selectDisplayedReport({ results: { [key]: record(key) }, mode: 'quick', committed }, engine);
    expect(shown.source).toBe('live');
    expect(shown.report?.mode).toBe('quick');
  });

  it('shows nothing before the committed report has loaded and nothing ran', () => {
    expect(selectDisplayedReport({ results: {}, mode: 'quick', committed: null }, engine)).toEqual({ report: null, source: 'none' });
  });
});
