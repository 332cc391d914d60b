/**
 * Running averages of what a defense costs honest users, over every answer the oracle gave:
 * argmax-unchanged rate (counter-attack Table 2), cosine, MAE per dimension and KL(y‖ŷ)
 * (reverse-sigmoid Table II), plus the range of the answers (raw ε answers may leave [0, 1]).
 */
import { argmaxUnchangedRate, klDivergence, meanAbsoluteError, meanCosineSimilarity } from './metrics';

export interface DefenseCostTotals {
  /** Answers folded in so far. */
  count: number;
  argmaxUnchanged: number;
  cosine: number;
  /** Mean absolute error per dimension (reverse-sigmoid Table II). */
  mae: number;
  /** Mean KL(y ‖ ŷ), natural log. */
  kl: number;
  /** Smallest entry of the defended answers (raw ε answers can leave [0, 1]). */
  minEntry: number;
  meanSum: number;
}

export function emptyCost(): DefenseCostTotals {
  return { count: 0, argmaxUnchanged: 1, cosine: 1, mae: 0, kl: 0, minEntry: Number.POSITIVE_INFINITY, meanSum: 1 };
}

/**
 * Folds one batch (row-major n×K original and defended answers) into the running means.
 * KL needs ŷ ≥ 0 summing to 1: for raw ε answers it is computed on ŷ clipped to [0, 1] and
 * renormalised (the closest distribution), and the raw range is reported separately.
 */
export function addToCost(totals: DefenseCostTotals, original: Float32Array, defended: Float32Array, k: number): DefenseCostTotals {
  const n = original.length / k;
  if (n === 0) return totals;
  let min = totals.minEntry;
  let sumOfSums = 0;
  const asDistribution = new Float32Array(defended.length);
  for (let r = 0; r < n; r++) {
    let rowSum = 0;
    let clippedSum = 0;
    for (let j = 0; j < k; j++) {
      const v = defended[r * k + j];
      rowSum += v;
      if (v < min) min = v;
      const c = Math.min(1, Math.max(0, v));
      asDistribution[r * k + j] = c;
      clippedSum += c;
    }
    sumOfSums += rowSum;
    for (let j = 0; j < k; j++) {
      asDistribution[r * k + j] = clippedSum > 0 ? asDistribution[r * k + j] / clippedSum : 1 / k;
    }
  }
  const total = totals.count + n;
  const mix = (old: number, batch: number) => (old * totals.count + batch * n) / total;
  return {
    count: total,
    argmaxUnchanged: mix(totals.argmaxUnchanged, argmaxUnchangedRate(original, defended, k)),
    cosine: mix(totals.cosine, meanCosineSimilarity(original, defended, k)),
    mae: mix(totals.mae, meanAbsoluteError(original, defended)),
    kl: mix(totals.kl, klDivergence(original, asDistribution, k)),
    minEntry: min,
    meanSum: mix(totals.meanSum, sumOfSums / n),
  };
}
