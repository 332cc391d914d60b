/**
 * Turns finished runs into the reproduction report: per experiment our numbers, the paper's,
 * the difference, the checks of the papers' claims (kept even when ours disagree), and the data
 * of the report's charts. Each experiment's own part is built beside its plan (experiments/);
 * this file holds the report's shape and what every part shares. Pure: `npm run reproduce`
 * calls it in Node, the Reproduce view in the page, on the same run records. Partial results
 * give a partial report (missing runs counted).
 */
import type { Params } from '../params/schema';
import type { BackendName, CurvePoint, CurveRow, RunSummary } from '../engine/protocol';
import { runKey } from './configs';
import { experimentOf } from './experiments';
import type { ExperimentId, ExperimentSpec, PaperId, ReproductionPlan } from './plan';
import type { ReproductionMode, ReproductionScale } from './scale';
import type { GridHeatmapData } from './rsGridCells';

export const REPORT_SCHEMA = 1;

/** One finished run as the runner records it. */
export interface RunRecord {
  key: string;
  config: Params;
  summary: RunSummary;
  points: CurvePoint[];
  /** Where the run was made when not in the reproduction's own browser pages (e.g. the engine in Node). */
  madeBy?: string;
}

export type ValueKind = 'fraction' | 'queries' | 'nats' | 'ratio';

export interface TableRow {
  label: string;
  ours: number | null;
  /** Standard deviation over seeds, when there were at least two. */
  oursStd?: number | null;
  paper: number | null;
  /** ours − paper. */
  diff: number | null;
  kind: ValueKind;
}

export interface Check {
  claim: string;
  /** null: not enough runs to tell. */
  holds: boolean | null;
  detail: string;
}

export interface TradeoffPoint {
  label: string;
  group: string;
  /** P(M, defense): the protected model's agreement with M. */
  protectedAgreement: number;
  /** S(M, defense): the stolen model's agreement with M at the trade-off budget. */
  stolenAgreement: number;
}

export interface ArchitectureBar {
  arch: string;
  undefendedAccuracy: number;
  defendedAccuracy: number;
  undefendedFgsm: number;
  defendedFgsm: number;
  argmaxUnchanged: number;
  seeds: number;
}

export interface ReportCharts {
  /** A run's learning curve, in the same rows as the lab's live chart. */
  /** `caption`: which run the curve is, in words (older reports have none). */
  curve?: { rows: CurveRow[]; budget: number; defenderAccuracy: number; caption?: string };
  tradeoff?: { budget: number; points: TradeoffPoint[] };
  architectures?: ArchitectureBar[];
  /** The reverse-sigmoid grid search over β × γ. */
  heatmaps?: GridHeatmapData[];
}

export interface ReportExperiment {
  id: ExperimentId;
  paper: PaperId;
  source: string;
  title: string;
  dataset: string;
  backend: string;
  /** The seeds behind the numbers (every run of the experiment). */
  seeds: number[];
  setting: string;
  ours: Record<string, unknown>;
  paper_value: Record<string, unknown>;
  table: TableRow[];
  checks: Check[];
  /** Share links of the runs used; a missing one was not (yet) run. */
  runs: string[];
  missingRuns: number;
  wallMs: number;
  charts: ReportCharts;
  /** Where its runs were made, when some were made outside the reproduction's browser pages. */
  madeBy?: string[];
  /** When and on what machine this section was built, when the report was rebuilt in parts. */
  made?: string;
}

export interface ReportMeta {
  generated: string;
  mode: ReproductionMode;
  backend: BackendName | string;
  device: string;
  machine: string;
  wallMs: number;
}

export interface ReproductionReport extends ReportMeta {
  schema: number;
  experiments: ReportExperiment[];
}

export function buildReport(plan: ReproductionPlan, results: Readonly<Record<string, RunRecord>>, meta: ReportMeta): ReproductionReport {
  const get = (config: Params) => results[runKey(config)] ?? null;
  const experiments = plan.experiments.map((spec) => buildExperiment(spec, plan.scale, results, get, meta));
  return { schema: REPORT_SCHEMA, ...meta, experiments };
}

function buildExperiment(
  spec: ExperimentSpec,
  scale: ReproductionScale,
  results: Readonly<Record<string, RunRecord>>,
  get: (c: Params) => RunRecord | null,
  meta: ReportMeta,
): ReportExperiment {
  const present = spec.runKeys.filter((k) => results[k]);
  const recs = present.map((k) => results[k]);
  const base: ReportExperiment = {
    id: spec.id,
    paper: spec.paper,
    source: spec.source,
    title: spec.title,
    dataset: spec.dataset,
    backend: recs[0]?.summary.backend ?? meta.backend,
    seeds: [...new Set(recs.map((r) => r.config.seed))].sort((a, b) => a - b),
    setting: spec.setting,
    ours: {},
    paper_value: {},
    table: [],
    checks: [],
    runs: spec.runKeys,
    missingRuns: spec.runKeys.length - present.length,
    // A run trained in one pass with others (summary.group) holds the pass's wall time: its share counts.
    wallMs: Math.round(recs.reduce((a, r) => a + r.summary.wallMs / (r.summary.group ?? 1), 0)),
    charts: {},
  };
  const madeBy = [...new Set(recs.map((r) => r.madeBy ?? 'headless Chromium'))];
  if (recs.some((r) => r.madeBy)) base.madeBy = madeBy;
  return experimentOf(spec.id).report(spec, { scale, get, base });
}
