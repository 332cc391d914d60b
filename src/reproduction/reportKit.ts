/**
 * The pieces the experiments' reports are made of: a table row (ours, the paper's, the
 * difference, rounded the same way everywhere), the number format of the checks' details, a
 * run's learning curve as a chart, and the reverse sigmoid's main runs that several tables read.
 */
import type { MeanStd } from '../math/stats';
import { PARAMS, type Params } from '../params/schema';
import type { CurvePoint } from '../engine/protocol';
import { rsConfig } from './configs';
import type { ReportContext } from './experiment';
import type { ReportCharts, RunRecord, TableRow, ValueKind } from './report';

export const round = (v: number, digits = 4) => Number(v.toFixed(digits));
export const fmtMs = (ms: MeanStd) => (ms.n === 0 ? null : round(ms.mean));

export function row(label: string, ours: MeanStd | number | null, paper: number | null, kind: ValueKind = 'fraction'): TableRow {
  const m = ours === null ? null : typeof ours === 'number' ? ours : fmtMs(ours);
  const std = ours !== null && typeof ours !== 'number' && ours.std !== null ? round(ours.std) : null;
  const value = m === null || !Number.isFinite(m) ? null : round(m);
  return { label, ours: value, oursStd: std, paper, diff: value !== null && paper !== null ? round(value - paper) : null, kind };
}

export const fmt = (v: number | null, digits = 2) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits));

/** The stolen model's agreement (defended thief) at a given budget, from the run's curve. */
export function pointAt(rec: RunRecord, budget: number): CurvePoint | null {
  return rec.points.find((p) => p.queries === budget) ?? null;
}

export const MODE_LABEL: Record<string, string> = { none: 'raw', centering: 'centering', 'winner-takes-all': 'winner-takes-all' };

/** The reverse sigmoid's main runs that have finished: every seed on MNIST, the first on Fashion-MNIST. */
export function rsMainRuns(ctx: ReportContext, dataset: 'mnist' | 'fashion-mnist'): RunRecord[] {
  const { scale, get } = ctx;
  return (dataset === 'mnist' ? scale.rsSeeds : [scale.rsSeeds[0]])
    .map((seed) => get(rsConfig(scale, seed, dataset === 'mnist' ? {} : { dataset })))
    .filter((r): r is RunRecord => r !== null);
}

/** Which run a curve is: the thief, the attack and how the thief trained, the data set, the seed, the defense. */
export function curveCaption(c: Params): string {
  const training = c.thiefProtocol === 'fresh' ? `; a fresh thief per budget, ${c.thiefSteps.toLocaleString('en-US')} steps` : '';
  const attack = PARAMS.attack.optionLabels[c.attack].split(' (')[0];
  const defense = PARAMS.defense.optionLabels[c.defense].split(' (')[0].toLowerCase();
  return `Thief ${c.substitute} (${attack}${training}) against queries (${c.dataset}, seed ${c.seed}): blue on honest answers, orange on ${defense} answers`;
}

export function curveChart(r: RunRecord | undefined): ReportCharts['curve'] {
  return r
    ? {
        caption: curveCaption(r.config),
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
}
