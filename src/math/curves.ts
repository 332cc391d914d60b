/**
 * Data for the reverse-sigmoid explainer chart (reverse-sigmoid paper, Fig. 1), computed from
 * the same functions the defense uses, so the picture cannot drift from the implementation.
 */
import { reverseSigmoid, reverseSigmoidPerturbation } from './defenses';

export interface ReverseSigmoidPoint {
  /** True probability of one class. */
  y: number;
  /** The perturbation r(y) = β(s(γ s⁻¹(y)) − ½). */
  r: number;
  /** y − r(y): the defended value before clipping and normalisation (what Fig. 1 plots). */
  unnormalized: number;
  /**
   * ŷ of that class after clipping and normalisation, for a 10-class answer whose other
   * (1 − y) mass is spread evenly: α depends on the whole vector, so one class alone has no ŷ.
   */
  normalized: number;
}

export const CURVE_CLASSES = 10;

/** n evenly spaced points on y ∈ [0, 1], ends included. */
export function reverseSigmoidCurve(beta: number, gamma: number, n = 201): ReverseSigmoidPoint[] {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`curve needs n ≥ 2 points, got ${n}`);
  const points: ReverseSigmoidPoint[] = [];
  const rest = new Float64Array(CURVE_CLASSES);
  for (let i = 0; i < n; i++) {
    const y = i / (n - 1);
    const r = reverseSigmoidPerturbation(y, beta, gamma);
    rest[0] = y;
    rest.fill((1 - y) / (CURVE_CLASSES - 1), 1);
    const normalized = reverseSigmoid(rest, beta, gamma)[0];
    points.push({ y, r, unnormalized: y - r, normalized });
  }
  return points;
}

export interface Band {
  from: number;
  to: number;
}

/**
 * Output values reached by two or more inputs of a sampled curve (values[i] = f(x_i) on an
 * increasing grid): the values that cannot be inverted. The curve is cut into monotone runs;
 * a value is ambiguous where two runs' open ranges overlap (runs only touching at a turning
 * point share one input there, not two).
 */
export function ambiguousBands(values: ArrayLike<number>, minWidth = 1e-9): Band[] {
  const runs: Band[] = [];
  let start = 0;
  let dir = 0;
  for (let i = 1; i < values.length; i++) {
    const d = Math.sign(values[i] - values[i - 1]);
    if (d === 0) continue;
    if (dir !== 0 && d !== dir) {
      runs.push(rangeOf(values, start, i - 1));
      start = i - 1;
    }
    dir = d;
  }
  if (values.length > 1) runs.push(rangeOf(values, start, values.length - 1));

  // Sweep the run ends; coverage ≥ 2 on an open interval marks it ambiguous.
  const events: [number, number][] = [];
  for (const run of runs) {
    if (run.to - run.from <= minWidth) continue;
    events.push([run.from, +1], [run.to, -1]);
  }
  // At equal positions close runs before opening new ones, so touching runs don't overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const bands: Band[] = [];
  let depth = 0;
  let openedAt = 0;
  for (const [pos, delta] of events) {
    const before = depth;
    depth += delta;
    if (before < 2 && depth >= 2) openedAt = pos;
    if (before >= 2 && depth < 2 && pos - openedAt > minWidth) {
      const last = bands[bands.length - 1];
      if (last && last.to >= openedAt) last.to = pos;
      else bands.push({ from: openedAt, to: pos });
    }
  }
  return bands;
}

function rangeOf(values: ArrayLike<number>, i: number, j: number): Band {
  return { from: Math.min(values[i], values[j]), to: Math.max(values[i], values[j]) };
}
