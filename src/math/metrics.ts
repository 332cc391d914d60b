/**
 * Batch metrics for comparing model outputs (reverse-sigmoid paper Sec. IV-B, Table I and II;
 * counter-attack paper Table 2).
 *
 * Batches are row-major flat matrices: `n` rows of `numClasses` (K) probabilities, so row `i`
 * is `probs[i*K .. i*K+K)`. Every function reads its inputs and never keeps or mutates them;
 * returned arrays are fresh and owned by the caller. Empty inputs and shape mismatches throw a
 * RangeError rather than returning NaN, so a bug upstream cannot silently show "NaN %" in a chart.
 */

/** Floor for q in the KL divergence, so log(p/q) stays finite when the model emits an exact 0. */
export const KL_Q_FLOOR = 1e-12;

/**
 * Index of the largest entry; ties go to the FIRST (lowest) index, matching numpy/tfjs argmax.
 * NaN entries never compare greater, so they win only if they come first and nothing beats
 * them; callers are expected to pass finite values. Throws RangeError on an empty vector.
 */
export function argmax(v: ArrayLike<number>): number {
  if (v.length === 0) throw new RangeError('argmax of an empty vector');
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** Checks K and that `len` holds a whole, non-zero number of rows; returns the row count. */
function rowCount(len: number, numClasses: number, what: string): number {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`numClasses must be an integer >= 1, got ${String(numClasses)}`);
  }
  if (len === 0) throw new RangeError(`${what} is empty`);
  if (len % numClasses !== 0) {
    throw new RangeError(`${what} has length ${len}, not a multiple of numClasses = ${numClasses}`);
  }
  return len / numClasses;
}

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, names: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${names} differ in length: ${a.length} vs ${b.length}`);
  }
}

/**
 * Per-row argmax of an n×K flat matrix (ties → lowest index). Returns a fresh Int32Array of
 * length n (Int32 rather than Uint8 so K > 256 cannot overflow).
 */
export function argmaxRows(probs: ArrayLike<number>, numClasses: number): Int32Array {
  const n = rowCount(probs.length, numClasses, 'probs');
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * numClasses;
    let best = 0;
    for (let j = 1; j < numClasses; j++) if (probs[base + j] > probs[base + best]) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * Top-1 accuracy in [0, 1]: fraction of rows whose argmax equals the integer label.
 * `labels` has one entry per row, each an integer in [0, K) (RangeError otherwise).
 */
export function accuracy(probs: ArrayLike<number>, numClasses: number, labels: ArrayLike<number>): number {
  const n = rowCount(probs.length, numClasses, 'probs');
  if (labels.length !== n) throw new RangeError(`labels has length ${labels.length}, expected ${n} (one per row)`);
  const pred = argmaxRows(probs, numClasses);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= numClasses) {
      throw new RangeError(`labels[${i}] = ${String(l)} is not a class index in [0, ${numClasses})`);
    }
    if (pred[i] === l) hits++;
  }
  return hits / n;
}

/**
 * Top-1 agreement in [0, 1] between two models on the same n queries: the paper's main measure
 * ("top-1 accuracy of the stolen model treating the base model as ground truth", Sec. IV).
 */
export function agreement(probsA: ArrayLike<number>, probsB: ArrayLike<number>, numClasses: number): number {
  sameLength(probsA, probsB, 'probsA and probsB');
  const n = rowCount(probsA.length, numClasses, 'probsA');
  const a = argmaxRows(probsA, numClasses);
  const b = argmaxRows(probsB, numClasses);
  let same = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
  return same / n;
}

/**
 * Fraction in [0, 1] of rows whose argmax a defense left unchanged (counter-attack Table 2).
 * Numerically the same as `agreement(original, defended)`; named for how the UI reports it.
 */
export function argmaxUnchangedRate(
  original: ArrayLike<number>,
  defended: ArrayLike<number>,
  numClasses: number,
): number {
  return agreement(original, defended, numClasses);
}

/**
 * Mean over rows of cos(a_i, b_i) = a_i·b_i / (‖a_i‖‖b_i‖), in [-1, 1] (reverse-sigmoid Table II
 * "cos"). A zero row has no direction, so it throws a RangeError naming the row instead of NaN.
 */
export function meanCosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, numClasses: number): number {
  sameLength(a, b, 'a and b');
  const n = rowCount(a.length, numClasses, 'a');
  let total = 0;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = i * numClasses; j < (i + 1) * numClasses; j++) {
      dot += a[j] * b[j];
      na += a[j] * a[j];
      nb += b[j] * b[j];
    }
    if (na === 0 || nb === 0) throw new RangeError(`row ${i} is all zeros, cosine similarity is undefined`);
    total += dot / Math.sqrt(na * nb);
  }
  return total / n;
}

/**
 * Mean of |a_k − b_k| over ALL entries (samples × classes): the "MAE per dimension" of
 * reverse-sigmoid Table II. Needs equal, non-zero lengths.
 */
export function meanAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength(a, b, 'a and b');
  if (a.length === 0) throw new RangeError('a is empty');
  let total = 0;
  for (let k = 0; k < a.length; k++) total += Math.abs(a[k] - b[k]);
  return total / a.length;
}

/**
 * Mean over rows of KL(p_i ‖ q_i) = Σ_j p_ij ln(p_ij / q_ij), in nats (reverse-sigmoid Table II
 * "KL"). Terms with p_ij = 0 contribute 0 (the limit p ln p → 0); q_ij is floored at
 * KL_Q_FLOOR = 1e-12 so a hard 0 in q gives a large finite value (≈ p·27.6) instead of ∞.
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>, numClasses: number): number {
  sameLength(p, q, 'p and q');
  const n = rowCount(p.length, numClasses, 'p');
  let total = 0;
  for (let k = 0; k < p.length; k++) {
    const pk = p[k];
    if (pk > 0) total += pk * Math.log(pk / Math.max(q[k], KL_Q_FLOOR));
  }
  return total / n;
}

/** One point of a learning curve: a metric value measured after `queries` queries. */
export interface CurvePoint {
  queries: number;
  value: number;
}

/**
 * Query budget at which a rising learning curve first reaches `target` (value ≥ target).
 * Between the last point below target and the first at/above it the curve is taken as a
 * straight line, so the answer is the linear-interpolated crossing, not just the next measured
 * budget (the paper compares budgets like "4800 vs 19200 queries", Sec. IV-D). If the first
 * point already reaches the target its query count is returned; null if no point does.
 * `curve` must be non-empty, finite, and sorted by non-decreasing `queries` (RangeError else).
 */
export function queriesToReach(curve: ReadonlyArray<CurvePoint>, target: number): number | null {
  if (curve.length === 0) throw new RangeError('curve is empty');
  if (!Number.isFinite(target)) throw new RangeError(`target must be finite, got ${String(target)}`);
  for (let i = 0; i < curve.length; i++) {
    const { queries, value } = curve[i];
    if (!Number.isFinite(queries) || !Number.isFinite(value)) {
      throw new RangeError(`curve[${i}] = {queries: ${queries}, value: ${value}} is not finite`);
    }
    if (i > 0 && queries < curve[i - 1].queries) {
      throw new RangeError(`curve is not sorted by queries: curve[${i}].queries = ${queries} < ${curve[i - 1].queries}`);
    }
  }
  if (curve[0].value >= target) return curve[0].queries;
  for (let i = 1; i < curve.length; i++) {
    const b = curve[i];
    if (b.value >= target) {
      const a = curve[i - 1]; // a.value < target <= b.value, so b.value - a.value > 0
      return a.queries + ((target - a.value) * (b.queries - a.queries)) / (b.value - a.value);
    }
  }
  return null;
}
