/**
 * Chart- and table-shaped views of the reproduction report, memoised so the Reproduce view
 * re-renders only when a run finishes.
 */
import { budgetSchedule } from '../math/schedule';
import { createMemo } from './memo';
import type { ReportCharts, TradeoffPoint } from '../reproduction/report';
import type { RunSummary } from '../engine/protocol';
import type { ReproduceState } from './reproduce';
import type { ThiefChartData } from './thiefChart';

export interface TradeoffGroup {
  group: string;
  name: string;
  color: string;
  shape: 'circle' | 'square' | 'triangle' | 'diamond' | 'cross' | 'star' | 'wye';
  points: TradeoffPoint[];
}

const GROUP_STYLE: Record<string, Omit<TradeoffGroup, 'group' | 'points'>> = {
  none: { name: 'no defense', color: 'var(--accent)', shape: 'star' },
  'reverse-sigmoid': { name: 'reverse sigmoid (β sweep)', color: 'var(--defended)', shape: 'circle' },
  epsilon: { name: 'ε counter-attack', color: 'var(--perturbation)', shape: 'diamond' },
  uniform: { name: 'uniform noise', color: 'var(--identity)', shape: 'square' },
  concave: { name: '× concave', color: 'var(--normalized)', shape: 'triangle' },
  convex: { name: '× convex', color: 'var(--ambiguous)', shape: 'triangle' },
  ranking: { name: 'ranking-preserving', color: 'var(--muted)', shape: 'cross' },
  sine: { name: 'sine', color: 'var(--axis)', shape: 'wye' },
};

/** Below this P(M) a setting is unusable (honest users get a wrong top class at least half the time). */
export const TRADEOFF_USABLE_P = 0.5;

export interface TradeoffView {
  /** The points on the chart, grouped by defense and styled. */
  groups: TradeoffGroup[];
  /** The x range: from just below the lowest usable P(M) (in steps of 0.05) to 1. */
  xDomain: [number, number];
  /** Settings left off the axis because P(M) < TRADEOFF_USABLE_P, named under the chart instead. */
  offChart: TradeoffPoint[];
  /** The off-chart settings in one sentence, or null when every point is on the chart. */
  offChartNote: string | null;
}

const tradeoffMemo = createMemo<object, TradeoffView>();

/**
 * The trade-off chart's data. Every usable defense keeps P(M) near 1, so a [0, 1] axis would stack
 * them all on its right edge; a setting that wrecks honest answers (β = 1.6 flips the ranking:
 * P(M) = 0) would force exactly that. Such settings are left off the axis and listed in `offChart`,
 * so the chart can say so in words.
 */
export function selectTradeoffView(chart: NonNullable<ReportCharts['tradeoff']>): TradeoffView {
  return tradeoffMemo(chart, null, () => tradeoffView(chart));
}

function tradeoffView(chart: NonNullable<ReportCharts['tradeoff']>): TradeoffView {
  const onChart = chart.points.filter((p) => p.protectedAgreement >= TRADEOFF_USABLE_P);
  const offChart = chart.points.filter((p) => p.protectedAgreement < TRADEOFF_USABLE_P);
  const byGroup = new Map<string, TradeoffPoint[]>();
  for (const p of onChart) byGroup.set(p.group, [...(byGroup.get(p.group) ?? []), p]);
  const groups = [...byGroup].map(([group, points]) => ({ group, points, ...(GROUP_STYLE[group] ?? { name: group, color: 'var(--axis)', shape: 'circle' as const }) }));
  const low = Math.min(1, ...onChart.map((p) => p.protectedAgreement));
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const offChartNote =
    offChart.length === 0
      ? null
      : `Off the chart (honest users would get a wrong top class more often than not): ${offChart.map((p) => `${p.label}, P(M) ${pct(p.protectedAgreement)}, S(M) ${pct(p.stolenAgreement)}`).join('; ')}.`;
  return { groups, xDomain: [Math.max(0, Math.floor((low - 0.01) * 20) / 20), 1], offChart, offChartNote };
}

const curveMemo = createMemo<object, ThiefChartData>();

/** A report's learning curve in the shape of the lab's thief chart. */
export function selectReportCurve(curve: NonNullable<ReportCharts['curve']>): ThiefChartData {
  return curveMemo(curve, null, () => {
    const schedule = budgetSchedule(curve.budget);
    return { rows: curve.rows, xDomain: [schedule[0], curve.budget], xTicks: schedule, defenderAccuracy: curve.defenderAccuracy, chance: 0.1 };
  });
}

export interface LessonThief {
  accuracy: number;
  undefendedAccuracy: number;
  diverged: boolean;
  argmaxUnchanged: number;
  minEntry: number;
  meanSum: number;
}

export interface EpsilonLessonView {
  naive: LessonThief | null;
  clean: LessonThief | null;
  /** The lesson in plain words, one sentence per finding. */
  sentences: string[];
}

const pctText = (v: number) => `${(v * 100).toFixed(1)}%`;

function lessonThief(r: { summary: RunSummary } | undefined): LessonThief | null {
  if (!r) return null;
  const f = r.summary.final;
  return {
    accuracy: f.defended.accuracy,
    undefendedAccuracy: f.undefended.accuracy,
    diverged: f.defended.loss === null,
    argmaxUnchanged: f.cost.argmaxUnchanged,
    minEntry: f.cost.minEntry,
    meanSum: f.cost.meanSum,
  };
}

/**
 * The ε lesson step: the same ε answers given to a naive thief and to one that
 * cleans them (clip to [0, 1], renormalise), said in plain words from the finished runs.
 */
export function selectEpsilonLesson(results: ReproduceState['results'], naiveKey: string, cleanKey: string): EpsilonLessonView {
  const naive = lessonThief(results[naiveKey]);
  const clean = lessonThief(results[cleanKey]);
  const sentences: string[] = [];
  const any = naive ?? clean;
  if (any) {
    sentences.push(
      `Honest users lose almost nothing: the top class is unchanged for ${pctText(any.argmaxUnchanged)} of answers` +
        (any.minEntry < 0 || Math.abs(any.meanSum - 1) > 1e-3
          ? `, but the answers are no longer probabilities (smallest entry ${any.minEntry.toFixed(4)}, mean sum ${any.meanSum.toFixed(4)}).`
          : '.'),
    );
    sentences.push(`A thief on honest answers reaches ${pctText(any.undefendedAccuracy)} test accuracy.`);
  }
  if (naive) {
    const cut = naive.undefendedAccuracy - naive.accuracy;
    sentences.push(
      `The naive thief, training on the answers as they come, reaches ${pctText(naive.accuracy)}` +
        (naive.diverged ? ' and its loss ran off to infinity (negative targets make cross-entropy unbounded below)' : '') +
        (cut > 0.2 ? `: the defense cost it ${(cut * 100).toFixed(0)} points.` : cut > 0.02 ? `: the defense cost it only ${(cut * 100).toFixed(0)} points.` : ': the defense barely touched it.'),
    );
  }
  if (clean) {
    const cut = clean.undefendedAccuracy - clean.accuracy;
    const vs = naive ? ` — ${clean.accuracy > naive.accuracy + 0.02 ? 'cleaning wins back' : clean.accuracy < naive.accuracy - 0.02 ? 'cleaning loses' : 'cleaning changes'} ${(Math.abs(clean.accuracy - naive.accuracy) * 100).toFixed(0)} points against the naive thief` : '';
    sentences.push(
      `The cleaning thief clips each answer to [0, 1] and renormalises it first; it reaches ${pctText(clean.accuracy)}${vs}` +
        (cut > 0.2 ? `, still ${(cut * 100).toFixed(0)} points below the honest-answer thief.` : cut > 0.02 ? `, ${(cut * 100).toFixed(0)} points below the honest-answer thief.` : ', as good as the thief on honest answers: the defense is undone.'),
    );
  }
  return { naive, clean, sentences };
}
