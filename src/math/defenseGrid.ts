/**
 * The analytic pass of the reverse-sigmoid grid search: what each (β, γ) does to honest users,
 * computed from the defender's own answers alone, with no thief trained. For a fixed set of
 * answers y (the defender's softmax on test images) and each cell, ŷ = reverseSigmoid(y) gives:
 * - top-1 unchanged: P(M, RS), the fraction of answers whose top class the defense kept
 *   (a tie for the top after clipping counts as changed: the label is then not defined);
 * - cosine, MAE per dimension and KL(y ‖ ŷ), the reverse-sigmoid paper's Table II costs;
 * - the top-2 margin of ŷ (its largest entry minus the second largest), mean and 1st percentile:
 *   how close the defended answers come to handing an honest user the wrong class;
 * - the accuracy honest users see through the defense, when labels are given.
 * Milliseconds per cell for 10,000 answers, so the whole grid is screened before any training.
 */
import { addToCost, emptyCost } from './defenseCost';
import { reverseSigmoidBatch } from './defenses';

export interface GridCell {
  beta: number;
  gamma: number;
}

export interface AnalyticCell extends GridCell {
  /** P(M, RS): answers whose top class is unchanged and unique after the defense. */
  topUnchanged: number;
  cosine: number;
  mae: number;
  kl: number;
  /** Mean over answers of ŷ's top-1 minus top-2 entry. */
  meanMargin: number;
  /** The 1st percentile of that margin (the least sure 1% of defended answers). */
  marginP01: number;
  /** Accuracy honest users see through the defense; null without labels. */
  protectedAccuracy: number | null;
}

/** The grid's cells, β-major: every γ for the first β, then the next β. */
export function gridCells(betas: readonly number[], gammas: readonly number[]): GridCell[] {
  return betas.flatMap((beta) => gammas.map((gamma) => ({ beta, gamma })));
}

/** Index of the strictly largest entry of row r, or −1 when the largest value is shared. */
function uniqueArgmax(v: ArrayLike<number>, offset: number, k: number): number {
  let best = offset;
  let tie = false;
  for (let j = offset + 1; j < offset + k; j++) {
    if (v[j] > v[best]) {
      best = j;
      tie = false;
    } else if (v[j] === v[best]) tie = true;
  }
  return tie ? -1 : best - offset;
}

/**
 * The analytic figures of every cell for the answers `probs` (row-major n×k, rows summing to 1).
 * `labels` (length n), when given, adds the accuracy honest users see through the defense.
 */
export function analyzeReverseSigmoidGrid(
  probs: Float32Array,
  k: number,
  cells: readonly GridCell[],
  labels?: ArrayLike<number>,
): AnalyticCell[] {
  const n = probs.length / k;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`probs has length ${probs.length}, not a positive multiple of k = ${k}`);
  if (labels && labels.length !== n) throw new RangeError(`labels has length ${labels.length}, expected ${n}`);
  const originalTop = Int32Array.from({ length: n }, (_, r) => uniqueArgmax(probs, r * k, k));
  const margins = new Float64Array(n);
  return cells.map(({ beta, gamma }) => {
    const defended = reverseSigmoidBatch(probs, k, beta, gamma);
    const cost = addToCost(emptyCost(), probs, defended, k);
    let unchanged = 0;
    let correct = 0;
    let marginSum = 0;
    for (let r = 0; r < n; r++) {
      const top = uniqueArgmax(defended, r * k, k);
      if (top >= 0 && top === originalTop[r]) unchanged++;
      if (labels && top >= 0 && top === labels[r]) correct++;
      let first = -Infinity;
      let second = -Infinity;
      for (let j = r * k; j < (r + 1) * k; j++) {
        const v = defended[j];
        if (v > first) {
          second = first;
          first = v;
        } else if (v > second) second = v;
      }
      margins[r] = first - second;
      marginSum += margins[r];
    }
    const sorted = Float64Array.from(margins).sort();
    return {
      beta,
      gamma,
      topUnchanged: unchanged / n,
      cosine: cost.cosine,
      mae: cost.mae,
      kl: cost.kl,
      meanMargin: marginSum / n,
      marginP01: sorted[Math.floor(0.01 * (n - 1))],
      protectedAccuracy: labels ? correct / n : null,
    };
  });
}
