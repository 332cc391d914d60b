/**
 * What the reverse-sigmoid panel says about honest users' labels: whether the defense can put
 * another class on top of an answer, shaped from math/rankingSafety.ts and memoised on (β, γ).
 */
import { DEFAULT_CLASSES, topClassFlipExample, topClassSafety } from '../math/rankingSafety';

export type TopClassView =
  /** Every answer keeps its top class. */
  | { kind: 'safe' }
  /** Answers less sure than `threshold` (e.g. "33%") can get another class on top; surer ones cannot. */
  | { kind: 'unsure-flips'; threshold: string }
  /** Even answers ≥ 99% sure (or one-hots) can: `exampleTop` (e.g. "99%") is one that does. */
  | { kind: 'confident-flips'; exampleTop: string; example: number[] | null };

/** Both datasets (MNIST, Fashion-MNIST) have 10 classes. */
const CLASSES = DEFAULT_CLASSES;

let last: { beta: number; gamma: number; view: TopClassView } | null = null;

/** "99%", "99.99%", "100%": at most two decimals, trailing zeros dropped. */
export function percent(p: number): string {
  return `${Number((p * 100).toFixed(2))}%`;
}

export function selectTopClassView(beta: number, gamma: number): TopClassView {
  if (last && last.beta === beta && last.gamma === gamma) return last.view;
  const s = topClassSafety(beta, gamma, CLASSES);
  let view: TopClassView;
  if (s.alwaysSafe) {
    view = { kind: 'safe' };
  } else if (s.confidentFlips || s.safeTopProbability === null) {
    const example = topClassFlipExample(beta, gamma, CLASSES);
    view = { kind: 'confident-flips', exampleTop: percent(example?.[0] ?? s.largestUnsafeTop ?? 1), example };
  } else {
    // Rounded up to a whole percent: answers at least that sure are safe (t* ≤ 99% here).
    view = { kind: 'unsure-flips', threshold: `${Math.ceil(s.safeTopProbability * 100 - 1e-9)}%` };
  }
  last = { beta, gamma, view };
  return view;
}
