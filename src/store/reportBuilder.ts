/**
 * Turns finished runs into the reproduction report: per experiment our numbers, the paper's,
 * the difference, the checks of the papers' claims (kept even when ours disagree), and the data
 * of the report's charts. Pure: `npm run reproduce` calls it in Node, the Reproduce view in the
 * page, on the same run records. Partial results give a partial report (missing runs counted).
 */
import { queriesToReach } from '../math/metrics';
import { meanStd, type MeanStd } from '../math/stats';
import {
  BASELINES,
  DEFENSE_AWARE_ATTACKS,
  OUTPUT_MODES,
  PAPER_EPS_CLAIM,
  PAPER_EPS_FIGURE1,
  PAPER_EPS_TABLE2,
  PAPER_RS_TABLE1,
  PAPER_RS_TABLE2,
  PAPER_RS_TABLE4,
  STEALING_DROP_RULE,
  THIEF_CLEANING,
  baselineConfig,
  betaSweepConfig,
  defenseAwareConfig,
  epsTableConfig,
  modesConfig,
  modesSeedsFor,
  rsConfig,
  runKey,
  type ExperimentId,
  type ExperimentSpec,
  type PaperId,
  type ReproductionMode,
  type ReproductionPlan,
} from '../params/reproduction';
import type { Params } from '../params/schema';
import type { BackendName, CurvePoint, RunSummary } from '../engine/protocol';
import type { CurveRow } from './appStore';

export const REPORT_SCHEMA = 1;

/** One finished run as the runner records it. */
export interface RunRecord {
  key: string;
  config: Params;
  summary: RunSummary;
  points: CurvePoint[];
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

/** A learning-curve row: the same shape as the lab's live chart rows. */
export type { CurveRow };

export interface ReportCharts {
  curve?: { rows: CurveRow[]; budget: number; defenderAccuracy: number };
  tradeoff?: { budget: number; points: TradeoffPoint[] };
  architectures?: ArchitectureBar[];
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

const round = (v: number, digits = 4) => Number(v.toFixed(digits));
const fmtMs = (ms: MeanStd) => (ms.n === 0 ? null : round(ms.mean));

function row(label: string, ours: MeanStd | number | null, paper: number | null, kind: ValueKind = 'fraction'): TableRow {
  const m = ours === null ? null : typeof ours === 'number' ? ours : fmtMs(ours);
  const std = ours !== null && typeof ours !== 'number' && ours.std !== null ? round(ours.std) : null;
  const value = m === null || !Number.isFinite(m) ? null : round(m);
  return { label, ours: value, oursStd: std, paper, diff: value !== null && paper !== null ? round(value - paper) : null, kind };
}

const fmt = (v: number | null, digits = 2) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits));

/** The stolen model's agreement (defended thief) at a given budget, from the run's curve. */
function pointAt(rec: RunRecord, budget: number): CurvePoint | null {
  return rec.points.find((p) => p.queries === budget) ?? null;
}

export function buildReport(plan: ReproductionPlan, results: Readonly<Record<string, RunRecord>>, meta: ReportMeta): ReproductionReport {
  const get = (config: Params) => results[runKey(config)] ?? null;
  const experiments = plan.experiments.map((spec) => buildExperiment(spec, plan, results, get, meta));
  return { schema: REPORT_SCHEMA, ...meta, experiments };
}

function buildExperiment(
  spec: ExperimentSpec,
  plan: ReproductionPlan,
  results: Readonly<Record<string, RunRecord>>,
  get: (c: Params) => RunRecord | null,
  meta: ReportMeta,
): ReportExperiment {
  const scale = plan.scale;
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
    wallMs: Math.round(recs.reduce((a, r) => a + r.summary.wallMs, 0)),
    charts: {},
  };
  const rsRuns = (dataset: 'mnist' | 'fashion-mnist') =>
    (dataset === 'mnist' ? scale.rsSeeds : [scale.rsSeeds[0]])
      .map((seed) => get(rsConfig(scale, seed, dataset === 'mnist' ? {} : { dataset })))
      .filter((r): r is RunRecord => r !== null);
  const curveChart = (r: RunRecord | undefined): ReportCharts['curve'] =>
    r
      ? {
          budget: r.config.budget,
          defenderAccuracy: r.summary.defenderAccuracy,
          rows: r.points.map((p) => ({
            queries: p.queries,
            undefendedAccuracy: p.undefended.accuracy,
            defendedAccuracy: p.defended.accuracy,
            undefendedAgreement: p.undefended.agreement,
            defendedAgreement: p.defended.agreement,
          })),
        }
      : undefined;

  switch (spec.id) {
    case 'rs-mnist-table1': {
      const main = rsRuns('mnist');
      const S_M = meanStd(main.map((r) => r.summary.final.undefended.agreement));
      const P_RS = meanStd(main.map((r) => r.summary.protectedAgreement));
      const S_RS = meanStd(main.map((r) => r.summary.final.defended.agreement));
      const paper = PAPER_RS_TABLE1.mnist;
      const baselines: Record<string, unknown> = {};
      const table: TableRow[] = [row('S(M): stolen, no defense', S_M, paper.S_M), row('P(M, RS): protected', P_RS, paper.P_RS), row('S(M, RS): stolen from RS', S_RS, paper.S_RS)];
      const checks: Check[] = [];
      if (main.length) {
        const drop = S_M.mean - S_RS.mean;
        checks.push({
          claim: 'The reverse sigmoid drops the stolen agreement by more than 0.20 (paper: 0.93 → 0.68, i.e. S(M, RS) ≤ S(M) − 0.20)',
          holds: drop >= STEALING_DROP_RULE,
          detail: `ours: ${fmt(S_M.mean)} → ${fmt(S_RS.mean)} (drop ${fmt(drop)}) at ${scale.rsBudget} queries`,
        });
        checks.push({
          claim: 'The protected model keeps its answers: P(M, RS) ≥ 0.99',
          holds: P_RS.mean >= 0.99,
          detail: `ours: ${fmt(P_RS.mean, 4)}`,
        });
      }
      for (const d of BASELINES) {
        const grid = scale.baselineGrid
          .map((noise) => ({ noise, rec: get(baselineConfig(scale, d, noise)) }))
          .filter((g): g is { noise: number; rec: RunRecord } => g.rec !== null)
          .map(({ noise, rec }) => ({
            noise,
            P: round(rec.summary.protectedAgreement),
            S: round(rec.summary.final.defended.agreement),
            S_M: round(rec.summary.final.undefended.agreement),
            drop: round(rec.summary.final.undefended.agreement - rec.summary.final.defended.agreement),
            cosine: round(rec.summary.final.cost.cosine),
          }));
        const chosen = chooseByPaperRule(grid);
        baselines[d] = { chosen, grid };
        const p = paper.baselines[d];
        table.push(row(`P(M, ${d}${chosen ? ` β=${chosen.noise}` : ''})`, chosen ? chosen.P : null, p.P));
        table.push(row(`S(M, ${d}${chosen ? ` β=${chosen.noise}` : ''})`, chosen ? chosen.S : null, p.S));
      }
      const sine = (baselines.sine as { chosen: { drop: number } | null }).chosen;
      if (sine) {
        checks.push({
          claim: 'Sine noise does not protect the model (paper: S(M, sine) 0.92 vs S(M) 0.93)',
          holds: sine.drop < STEALING_DROP_RULE,
          detail: `ours: drop ${fmt(sine.drop)} with the grid's best setting`,
        });
      }
      return {
        ...base,
        ours: { S_M: fmtMs(S_M), S_M_std: S_M.std, P_RS: fmtMs(P_RS), S_RS: fmtMs(S_RS), S_RS_std: S_RS.std, budget: scale.rsBudget, baselines },
        paper_value: { S_M: paper.S_M, P_RS: paper.P_RS, S_RS: paper.S_RS, baselines: paper.baselines, budget: 19200 },
        table,
        checks,
        charts: { curve: curveChart(main[0]) },
      };
    }
    case 'rs-mnist-table2':
    case 'rs-fashion-tables': {
      const dataset = spec.id === 'rs-mnist-table2' ? 'mnist' : 'fashion-mnist';
      const main = rsRuns(dataset);
      const t2 = PAPER_RS_TABLE2[dataset];
      const M = meanStd(main.map((r) => r.summary.defenderAccuracy));
      const P = meanStd(main.map((r) => r.summary.protectedAccuracy));
      const S_P = meanStd(main.map((r) => r.summary.final.defended.accuracy));
      const cos = meanStd(main.map((r) => r.summary.final.cost.cosine));
      const mae = meanStd(main.map((r) => r.summary.final.cost.mae));
      const kl = meanStd(main.map((r) => r.summary.final.cost.kl));
      const table = [
        row('accuracy of M (defender)', M, t2.M),
        row('accuracy of P (protected)', P, t2.P),
        row('accuracy of S(P) (stolen from P)', S_P, t2.S_P),
        row('cosine(M, P)', cos, t2.cos, 'ratio'),
        row('MAE(M, P) per dimension', mae, t2.mae, 'ratio'),
        row('KL(M ‖ P)', kl, t2.kl, 'nats'),
      ];
      const ours: Record<string, unknown> = { M: fmtMs(M), P: fmtMs(P), S_P: fmtMs(S_P), cos: fmtMs(cos), mae: fmtMs(mae), kl: fmtMs(kl) };
      const paper_value: Record<string, unknown> = { ...t2 };
      const checks: Check[] = [];
      if (main.length) {
        checks.push({ claim: 'The protected model is as accurate as M (|P − M| ≤ 0.01)', holds: Math.abs(P.mean - M.mean) <= 0.01, detail: `ours: M ${fmt(M.mean, 4)}, P ${fmt(P.mean, 4)}` });
        checks.push({ claim: 'MAE per dimension below 0.2', holds: mae.mean < 0.2, detail: `ours: ${fmt(mae.mean, 3)}` });
      }
      if (spec.id === 'rs-fashion-tables') {
        const t1 = PAPER_RS_TABLE1['fashion-mnist'];
        const S_M = meanStd(main.map((r) => r.summary.final.undefended.agreement));
        const P_RS = meanStd(main.map((r) => r.summary.protectedAgreement));
        const S_RS = meanStd(main.map((r) => r.summary.final.defended.agreement));
        table.unshift(row('S(M): stolen, no defense', S_M, t1.S_M), row('P(M, RS): protected', P_RS, t1.P_RS), row('S(M, RS): stolen from RS', S_RS, t1.S_RS));
        Object.assign(ours, { S_M: fmtMs(S_M), P_RS: fmtMs(P_RS), S_RS: fmtMs(S_RS) });
        Object.assign(paper_value, { S_M: t1.S_M, P_RS: t1.P_RS, S_RS: t1.S_RS });
        if (main.length) {
          checks.unshift({
            claim: 'The reverse sigmoid drops the stolen agreement by more than 0.20 (paper: 0.95 → 0.70)',
            holds: S_M.mean - S_RS.mean >= STEALING_DROP_RULE,
            detail: `ours: ${fmt(S_M.mean)} → ${fmt(S_RS.mean)}`,
          });
        }
      }
      return { ...base, ours, paper_value, table, checks, charts: { curve: curveChart(main[0]) } };
    }
    case 'rs-defense-aware': {
      const table: TableRow[] = [];
      const ours: Record<string, unknown> = {};
      const checks: Check[] = [];
      const sample = get(rsConfig(scale, scale.rsSeeds[0]));
      for (const attack of DEFENSE_AWARE_ATTACKS) {
        const rec = get(defenseAwareConfig(scale, attack));
        const agreement = rec ? round(rec.summary.final.defended.agreement) : null;
        ours[attack] = agreement;
        table.push(row(`${ATTACK_LABEL[attack]}: S(M, RS)`, agreement, PAPER_RS_TABLE4[attack]));
      }
      if (sample && ours.argmax !== null && ours.argmax !== undefined) {
        checks.push({
          claim: 'ArgmaxSample steals the defended model better than the probability-based attacks (paper: 0.78 vs 0.10–0.22)',
          holds: DEFENSE_AWARE_ATTACKS.filter((a) => a !== 'argmax').every((a) => ours[a] === null || (ours[a] as number) <= (ours.argmax as number)),
          detail: DEFENSE_AWARE_ATTACKS.map((a) => `${a} ${fmt(ours[a] as number | null)}`).join(', '),
        });
        checks.push({
          claim: 'Knowing the defense does not help: every defense-aware attack stays below the undefended thief',
          holds: DEFENSE_AWARE_ATTACKS.filter((a) => a !== 'argmax').every((a) => ours[a] === null || (ours[a] as number) < sample.summary.final.undefended.agreement),
          detail: `undefended thief ${fmt(sample.summary.final.undefended.agreement)}`,
        });
      }
      // Queries ArgmaxSample (undefended) needs to match Sample's agreement at each budget.
      const argmaxRec = get(defenseAwareConfig(scale, 'argmax'));
      const factors: { queries: number; sampleAgreement: number; argmaxQueries: number | null; factor: number | null }[] = [];
      if (sample && argmaxRec) {
        const argmaxCurve = argmaxRec.points.map((p) => ({ queries: p.queries, value: p.undefended.agreement }));
        for (const p of sample.points) {
          const q = queriesToReach(argmaxCurve, p.undefended.agreement);
          factors.push({ queries: p.queries, sampleAgreement: round(p.undefended.agreement), argmaxQueries: q === null ? null : Math.round(q), factor: q === null ? null : round(q / p.queries, 2) });
        }
        ours.sampleAgreement = sample.summary.final.undefended.agreement;
        const at300 = factors.find((f) => f.queries === 300);
        table.push({ ...row('queries ArgmaxSample needs ÷ Sample\'s, to match Sample at 300 queries (undefended)', at300?.factor ?? null, PAPER_RS_TABLE4.argmaxQueryFactorMnist, 'ratio') });
        checks.push({
          claim: 'ArgmaxSample needs many times more queries than Sample for the same agreement (paper, MNIST: ≈64×)',
          holds: at300 ? at300.factor === null || at300.factor > 4 : null,
          detail: at300
            ? at300.factor === null
              ? `ArgmaxSample never reached Sample's ${fmt(at300.sampleAgreement)} at 300 queries within ${argmaxRec.config.budget} queries (> ${Math.round(argmaxRec.config.budget / 300)}×)`
              : `${at300.argmaxQueries} vs 300 queries (${at300.factor}×)`
            : 'no 300-query point',
        });
      }
      ours.argmaxQueryFactors = factors;
      return {
        ...base,
        ours,
        paper_value: { ...PAPER_RS_TABLE4, dataset: 'cifar-10' },
        table,
        checks,
        charts: { curve: curveChart(argmaxRec ?? undefined) },
      };
    }
    case 'eps-mnist-table2':
    case 'eps-mnist-figure1': {
      const bars: ArchitectureBar[] = [];
      const perArch: Record<string, unknown> = {};
      const table: TableRow[] = [];
      for (const arch of scale.epsArchitectures) {
        const rs = scale.epsSeeds.map((seed) => get(epsTableConfig(scale, arch, seed))).filter((r): r is RunRecord => r !== null);
        if (rs.length === 0) {
          if (spec.id === 'eps-mnist-table2') table.push(row(`${arch}: argmax unchanged`, null, PAPER_EPS_TABLE2[arch]?.mean ?? null));
          continue;
        }
        const argmaxUnchanged = meanStd(rs.map((r) => r.summary.final.cost.argmaxUnchanged));
        const undefAcc = meanStd(rs.map((r) => r.summary.final.undefended.accuracy));
        const defAcc = meanStd(rs.map((r) => r.summary.final.defended.accuracy));
        const undefFgsm = meanStd(rs.map((r) => r.summary.fgsm.undefended));
        const defFgsm = meanStd(rs.map((r) => r.summary.fgsm.defended));
        const diverged = rs.filter((r) => r.summary.final.defended.loss === null).length;
        perArch[arch] = {
          argmaxUnchanged: { mean: fmtMs(argmaxUnchanged), std: argmaxUnchanged.std },
          substituteAccuracy: { undefended: { mean: fmtMs(undefAcc), std: undefAcc.std }, defended: { mean: fmtMs(defAcc), std: defAcc.std } },
          fgsmDefenderAccuracy: { undefended: { mean: fmtMs(undefFgsm), std: undefFgsm.std }, defended: { mean: fmtMs(defFgsm), std: defFgsm.std }, clean: round(rs[0].summary.fgsm.clean) },
          defendedLossDiverged: diverged,
          seeds: rs.length,
        };
        bars.push({
          arch,
          undefendedAccuracy: round(undefAcc.mean),
          defendedAccuracy: round(defAcc.mean),
          undefendedFgsm: round(undefFgsm.mean),
          defendedFgsm: round(defFgsm.mean),
          argmaxUnchanged: round(argmaxUnchanged.mean),
          seeds: rs.length,
        });
        if (spec.id === 'eps-mnist-table2') table.push(row(`${arch}: argmax unchanged`, argmaxUnchanged, PAPER_EPS_TABLE2[arch]?.mean ?? null));
        else {
          table.push(row(`${arch}: substitute accuracy, undefended`, undefAcc, null));
          table.push(row(`${arch}: substitute accuracy, ε-defended`, defAcc, PAPER_EPS_FIGURE1.defendedSubstituteAccuracyApprox));
          table.push(row(`${arch}: defender acc. on FGSM from undefended substitute`, undefFgsm, null));
          table.push(row(`${arch}: defender acc. on FGSM from defended substitute`, defFgsm, PAPER_EPS_FIGURE1.defendedFgsmDefenderAccuracyApprox));
        }
      }
      const checks: Check[] = [];
      if (bars.length) {
        if (spec.id === 'eps-mnist-table2') {
          const worst = Math.min(...bars.map((b) => b.argmaxUnchanged));
          checks.push({ claim: 'The top class is unchanged for ≥ 99.9% of answers, for every architecture', holds: worst >= 0.999, detail: `ours: lowest ${fmt(worst, 4)}` });
        } else {
          const nearChance = bars.filter((b) => b.defendedAccuracy < PAPER_EPS_CLAIM.nearChanceBelow);
          checks.push({
            claim: 'Defended substitutes degrade to slightly above random guessing (accuracy < 0.2)',
            holds: nearChance.length === bars.length,
            detail: `ours: ${nearChance.length} of ${bars.length} architectures below 0.2 (${bars.map((b) => `${b.arch} ${fmt(b.defendedAccuracy)}`).join(', ')})`,
          });
          checks.push({
            claim: 'Defended substitutes are worse than undefended ones (defended ≤ undefended accuracy)',
            holds: bars.every((b) => b.defendedAccuracy <= b.undefendedAccuracy),
            detail: bars.map((b) => `${b.arch} ${fmt(b.undefendedAccuracy)} → ${fmt(b.defendedAccuracy)}`).join(', '),
          });
          checks.push({
            claim: "FGSM examples from defended substitutes hurt the defender less (defender accuracy defended ≥ undefended)",
            holds: bars.every((b) => b.defendedFgsm >= b.undefendedFgsm),
            detail: bars.map((b) => `${b.arch} ${fmt(b.undefendedFgsm)} vs ${fmt(b.defendedFgsm)}`).join(', '),
          });
        }
      }
      return {
        ...base,
        ours: { architectures: perArch, seedsPerArchitecture: scale.epsSeeds.length, budget: scale.epsBudget, thiefEpochs: scale.epsThiefEpochs },
        paper_value: spec.id === 'eps-mnist-table2' ? { argmaxUnchanged: PAPER_EPS_TABLE2, seeds: 10 } : { ...PAPER_EPS_FIGURE1, seeds: 10, approximate: true },
        table,
        checks,
        charts: spec.id === 'eps-mnist-figure1' ? { architectures: bars } : {},
      };
    }
    case 'eps-output-modes': {
      const grid: Record<string, unknown>[] = [];
      const table: TableRow[] = [];
      const checks: Check[] = [];
      for (const attack of scale.modesAttacks)
        for (const epsilon of scale.modesEpsilons)
          for (const renorm of OUTPUT_MODES)
            for (const cleaning of THIEF_CLEANING) {
              const rs = modesSeedsFor(scale, attack).map((seed) => get(modesConfig(scale, epsilon, renorm, cleaning, attack, seed))).filter((r): r is RunRecord => r !== null);
              if (rs.length === 0) continue;
              const unchanged = meanStd(rs.map((r) => r.summary.final.cost.argmaxUnchanged));
              const agr = meanStd(rs.map((r) => r.summary.final.defended.agreement));
              const acc = meanStd(rs.map((r) => r.summary.final.defended.accuracy));
              const undefAgr = meanStd(rs.map((r) => r.summary.final.undefended.agreement));
              const diverged = rs.filter((r) => r.summary.final.defended.loss === null).length;
              const claimHolds = unchanged.mean >= PAPER_EPS_CLAIM.argmaxUnchangedAtLeast && acc.mean < PAPER_EPS_CLAIM.nearChanceBelow;
              grid.push({
                attack,
                epsilon,
                renorm,
                cleaning,
                seeds: rs.length,
                argmaxUnchanged: { mean: fmtMs(unchanged), std: unchanged.std },
                defendedAgreement: { mean: fmtMs(agr), std: agr.std },
                defendedAccuracy: { mean: fmtMs(acc), std: acc.std },
                undefendedAgreement: { mean: fmtMs(undefAgr), std: undefAgr.std },
                meanSum: round(meanStd(rs.map((r) => r.summary.final.cost.meanSum)).mean),
                minEntry: round(Math.min(...rs.map((r) => r.summary.final.cost.minEntry))),
                meanCenteringRounds: rs[0].summary.epsilon?.meanCenteringRounds ?? null,
                defendedLossDiverged: diverged,
                paperClaimHolds: claimHolds,
              });
              const undefAcc = meanStd(rs.map((r) => r.summary.final.undefended.accuracy));
              table.push(
                row(
                  `${attack}, ε=${epsilon}, ${MODE_LABEL[renorm]}, ${cleaning} thief: test accuracy (agreement ${fmt(agr.mean)}; honest-answer thief ${fmt(undefAcc.mean)}${diverged ? `; loss diverged in ${diverged}/${rs.length}` : ''})`,
                  acc,
                  epsilon === PAPER_EPS_CLAIM.epsilon ? PAPER_EPS_CLAIM.substituteAccuracyNear : null,
                ),
              );
            }
      const at = grid.filter((g) => g.epsilon === PAPER_EPS_CLAIM.epsilon);
      if (at.length) {
        const holding = at.filter((g) => g.paperClaimHolds);
        checks.push({
          claim: 'At ε = 0.003 thieves end near chance (accuracy < 0.2) with ≥ 0.999 argmax unchanged',
          holds: holding.length === at.length,
          detail: `holds for ${holding.length} of ${at.length} combinations${holding.length ? `: ${holding.map((g) => `${g.attack}/${MODE_LABEL[g.renorm as string]}/${g.cleaning}`).join(', ')}` : ''}`,
        });
      }
      return {
        ...base,
        ours: { grid, budget: scale.modesBudget },
        paper_value: { ...PAPER_EPS_CLAIM },
        table,
        checks,
        charts: {},
      };
    }
    case 'tradeoff': {
      const budget = scale.tradeoffBudget;
      const points: TradeoffPoint[] = [];
      const push = (label: string, group: string, rec: RunRecord | null) => {
        const p = rec ? pointAt(rec, budget) : null;
        if (rec && p) points.push({ label, group, protectedAgreement: round(rec.summary.protectedAgreement), stolenAgreement: round(p.defended.agreement) });
      };
      const first = get(betaSweepConfig(scale, scale.betaSweep[0]));
      const firstPoint = first ? pointAt(first, budget) : null;
      if (first && firstPoint) points.push({ label: 'no defense', group: 'none', protectedAgreement: 1, stolenAgreement: round(firstPoint.undefended.agreement) });
      for (const beta of scale.betaSweep) push(`RS β=${beta}`, 'reverse-sigmoid', get(betaSweepConfig(scale, beta)));
      for (const d of BASELINES) for (const noise of scale.baselineGrid) push(`${d} β=${noise}`, d, get(baselineConfig(scale, d, noise)));
      if (scale.modesAttacks.includes('sample'))
        for (const eps of scale.modesEpsilons)
          for (const renorm of ['none', 'centering'] as const) push(`ε=${eps} ${MODE_LABEL[renorm]}`, 'epsilon', get(modesConfig(scale, eps, renorm, 'naive', 'sample', scale.modesSeeds[0])));
      // The paper's rule applied to the β sweep (at the sweep's budget).
      const betaGrid = scale.betaSweep
        .map((beta) => ({ beta, rec: get(betaSweepConfig(scale, beta)) }))
        .filter((g): g is { beta: number; rec: RunRecord } => g.rec !== null)
        .map(({ beta, rec }) => ({
          noise: beta,
          P: rec.summary.protectedAgreement,
          S: rec.summary.final.defended.agreement,
          drop: rec.summary.final.undefended.agreement - rec.summary.final.defended.agreement,
          cosine: rec.summary.final.cost.cosine,
        }));
      const pick = chooseByPaperRule(betaGrid);
      const table = points.map((p) => row(`${p.label}: S(M) at ${budget} (P(M) ${fmt(p.protectedAgreement, 3)})`, p.stolenAgreement, null));
      return {
        ...base,
        ours: { budget, points, betaChosenByPaperRule: pick ? pick.noise : null, betaGrid: betaGrid.map((g) => ({ beta: g.noise, P: round(g.P), S: round(g.S), drop: round(g.drop), cosine: round(g.cosine) })) },
        paper_value: { rule: `highest cosine with a stealing drop ≥ ${STEALING_DROP_RULE} at 19,200 queries` },
        table,
        checks: [],
        charts: { tradeoff: { budget, points } },
      };
    }
  }
}

const ATTACK_LABEL: Record<string, string> = { 'rs-layer': 'same defense layer', mse: 'MSE loss', inversion: 'inversion MLP', argmax: 'ArgmaxSample' };
const MODE_LABEL: Record<string, string> = { none: 'raw', centering: 'centering', 'winner-takes-all': 'winner-takes-all' };

/**
 * Reverse sigmoid, Sec. IV-B: "the highest cosine similarity to the original model with at least
 * 20% accuracy drop in stealing … When we cannot find parameters satisfying 20% accuracy drop in
 * stealing, we instead choose the parameters with the highest accuracy drop".
 */
export function chooseByPaperRule<T extends { drop: number; cosine: number }>(grid: readonly T[]): T | null {
  if (grid.length === 0) return null;
  const qualifying = grid.filter((g) => g.drop >= STEALING_DROP_RULE);
  if (qualifying.length) return qualifying.reduce((best, g) => (g.cosine > best.cosine ? g : best));
  return grid.reduce((best, g) => (g.drop > best.drop ? g : best));
}

// Markdown ----------------------------------------------------------------------------------

export const cell = (v: number | null, kind: ValueKind) => (v === null ? '–' : kind === 'queries' ? Math.round(v).toLocaleString('en-US') : kind === 'ratio' || kind === 'nats' ? v.toFixed(2) : v.toFixed(3));

/** "+0.137", "−0.004", "0.00": a difference with its sign, never "-0.00". */
export function signed(v: number | null, kind: ValueKind): string {
  if (v === null) return '–';
  const text = cell(Math.abs(v), kind);
  if (Number(text) === 0) return text;
  return `${v > 0 ? '+' : '−'}${text}`;
}

export function reportMarkdown(report: ReproductionReport, charts: Readonly<Record<string, string>> = {}): string {
  const lines: string[] = [];
  const mins = (ms: number) => `${(ms / 60000).toFixed(1)} min`;
  lines.push(`# Reproduction report (${report.mode})`, '');
  lines.push(
    `Generated ${report.generated} by \`npm run reproduce${report.mode === 'quick' ? ' -- --quick' : ''}\`: headless Chromium, the app's own engine worker, ` +
      `backend **${report.backend}** (${report.device || 'no device string'}), on ${report.machine}. Wall time ${mins(report.wallMs)}.`,
    '',
    'Every number is a fraction in [0, 1] unless marked. "ours ± sd" is the mean and sample standard deviation over the seeds listed. ' +
      'Each run is a share link: open the lab with it to replay it.',
    '',
  );
  for (const e of report.experiments) {
    lines.push(`## ${e.id}: ${e.title}`, '');
    lines.push(`*${e.paper === 'reverse-sigmoid' ? 'Reverse sigmoid' : 'ε counter-attack'} paper, ${e.source}.* ${e.setting}`, '');
    lines.push(`Data set ${e.dataset}, backend ${e.backend}, seeds ${e.seeds.length ? e.seeds.join(', ') : '–'}, ${e.runs.length - e.missingRuns} of ${e.runs.length} runs (${mins(e.wallMs)}).`, '');
    if (e.table.length) {
      lines.push('| | ours | paper | ours − paper |', '|---|---:|---:|---:|');
      for (const r of e.table) {
        const ours = r.ours === null ? '–' : `${cell(r.ours, r.kind)}${r.oursStd !== null && r.oursStd !== undefined ? ` ± ${cell(r.oursStd, r.kind)}` : ''}`;
        lines.push(`| ${r.label} | ${ours} | ${cell(r.paper, r.kind)} | ${signed(r.diff, r.kind)} |`);
      }
      lines.push('');
    }
    if (e.checks.length) {
      lines.push('Claims checked:', '');
      for (const c of e.checks) lines.push(`- ${c.holds === null ? '❔ not enough runs' : c.holds ? '✅ holds' : '❌ does not hold here'}: ${c.claim}. ${c.detail}.`);
      lines.push('');
    }
    if (charts[e.id]) lines.push(`![${e.title}](${charts[e.id]})`, '');
  }
  return `${lines.join('\n')}\n`;
}
