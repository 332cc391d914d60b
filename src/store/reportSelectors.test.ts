import { describe, expect, it } from 'vitest';
import { selectEpsilonLesson, selectTradeoffView, TRADEOFF_USABLE_P } from './reportSelectors';
import type { RunRecord } from '../reproduction/report';

function rec(defAcc: number, undefAcc: number, loss: number | null, minEntry: number, meanSum: number): RunRecord {
  const score = (accuracy: number, l: number | null) => ({ accuracy, agreement: accuracy, loss: l });
  const final = {
    queries: 1200,
    oracleQueries: 1200,
    undefended: score(undefAcc, 0.1),
    defended: score(defAcc, loss),
    cost: { argmaxUnchanged: 0.9995, cosine: 0.99, mae: 0.001, kl: 0.01, minEntry, meanSum },
  };
  return { key: 'k', config: {} as RunRecord['config'], points: [final], summary: { final } as RunRecord['summary'] };
}

describe('selectEpsilonLesson', () => {
  it('says in plain words what ε does to a naive thief and what cleaning wins back', () => {
    const view = selectEpsilonLesson({ a: rec(0.11, 0.86, null, -0.003, 0.97), b: rec(0.84, 0.86, 0.2, -0.003, 0.97) }, 'a', 'b');
    expect(view.sentences).toEqual([
      'Honest users lose almost nothing: the top class is unchanged for 100.0% of answers, but the answers are no longer probabilities (smallest entry -0.0030, mean sum 0.9700).',
      'A thief on honest answers reaches 86.0% test accuracy.',
      'The naive thief, training on the answers as they come, reaches 11.0% and its loss ran off to infinity (negative targets make cross-entropy unbounded below): the defense cost it 75 points.',
      'The cleaning thief clips each answer to [0, 1] and renormalises it first; it reaches 84.0% — cleaning wins back 73 points against the naive thief, 2 points below the honest-answer thief.',
    ]);
  });
  it('is empty before any run', () => {
    expect(selectEpsilonLesson({}, 'a', 'b')).toEqual({ naive: null, clean: null, sentences: [] });
  });
});

describe('selectTradeoffView', () => {
  it('groups points by defense, styled, memoised per chart; the x range hugs the usable points', () => {
    const chart = {
      budget: 1200,
      points: [
        { label: 'no defense', group: 'none', protectedAgreement: 1, stolenAgreement: 0.9 },
        { label: 'RS β=0.3', group: 'reverse-sigmoid', protectedAgreement: 1, stolenAgreement: 0.8 },
        { label: 'RS β=0.8', group: 'reverse-sigmoid', protectedAgreement: 0.97, stolenAgreement: 0.7 },
      ],
    };
    const view = selectTradeoffView(chart);
    expect(view.groups.map((g) => [g.group, g.points.length])).toEqual([
      ['none', 1],
      ['reverse-sigmoid', 2],
    ]);
    expect(view.groups[1].name).toBe('reverse sigmoid (β sweep)');
    // Lowest P(M) 0.97: floor((0.97 − 0.01) · 20) / 20 = 0.95.
    expect(view.xDomain).toEqual([0.95, 1]);
    expect(view.offChart).toEqual([]);
    expect(view.offChartNote).toBeNull();
    expect(selectTradeoffView(chart)).toBe(view);
  });

  it('leaves a setting that wrecks honest answers off the axis and names it', () => {
    const flipped = { label: 'RS β=1.6', group: 'reverse-sigmoid', protectedAgreement: 0, stolenAgreement: 0 };
    const chart = {
      budget: 1200,
      points: [
        { label: 'no defense', group: 'none', protectedAgreement: 1, stolenAgreement: 0.9 },
        { label: 'uniform 0.5', group: 'uniform', protectedAgreement: 0.62, stolenAgreement: 0.85 },
        flipped,
      ],
    };
    const view = selectTradeoffView(chart);
    expect(view.offChart).toEqual([flipped]);
    expect(view.offChartNote).toBe('Off the chart (honest users would get a wrong top class more often than not): RS β=1.6, P(M) 0%, S(M) 0%.');
    expect(view.groups.flatMap((g) => g.points).map((p) => p.label)).toEqual(['no defense', 'uniform 0.5']);
    // floor((0.62 − 0.01) · 20) / 20 = floor(12.2) / 20 = 0.6; 0.5 itself stays on the chart.
    expect(view.xDomain).toEqual([0.6, 1]);
    const edge = selectTradeoffView({ budget: 1, points: [{ ...flipped, protectedAgreement: TRADEOFF_USABLE_P }] });
    expect(edge.offChart).toEqual([]);
    expect(edge.xDomain).toEqual([0.45, 1]);
  });
});
