/**
 * The reverse-sigmoid chart's data: the defense curve for β and γ, the ranges it cannot invert,
 * and an axis that depends on β alone. Memoised on β and γ, so the chart receives a stable
 * reference until one of them really changes.
 */
import { ambiguousBands, reverseSigmoidCurve, type Band, type ReverseSigmoidPoint } from '../math/curves';

export interface ReverseSigmoidChartData {
  points: ReverseSigmoidPoint[];
  /** Ranges of y − r(y) reached by two different y: the part of the defense that cannot be inverted. */
  ambiguous: Band[];
  /** Vertical extent the chart needs, fixed per β so the axis does not jump while γ moves. */
  yDomain: [number, number];
  yTicks: number[];
}

const CURVE_POINTS = 401;

let last: { beta: number; gamma: number; data: ReverseSigmoidChartData } | null = null;

export function selectReverseSigmoidChart(beta: number, gamma: number): ReverseSigmoidChartData {
  if (last && last.beta === beta && last.gamma === gamma) return last.data;
  const points = reverseSigmoidCurve(beta, gamma, CURVE_POINTS);
  const data: ReverseSigmoidChartData = {
    points,
    ambiguous: ambiguousBands(points.map((p) => p.unnormalized)),
    yDomain: domainFor(beta),
    yTicks: ticksFor(domainFor(beta)),
  };
  last = { beta, gamma, data };
  return data;
}

const TICK = 0.25;

/**
 * r ∈ (−β/2, β/2) and y − r(y) ∈ (−β/2, max(1, β/2)], whatever γ is: the domain depends on β
 * alone, rounded out to the tick grid.
 */
function domainFor(beta: number): [number, number] {
  const lower = -Math.max(TICK, Math.ceil(beta / 2 / TICK) * TICK);
  const upper = Math.max(1, Math.ceil(beta / 2 / TICK) * TICK);
  return [lower, upper];
}

function ticksFor([lo, hi]: [number, number]): number[] {
  const ticks: number[] = [];
  for (let t = lo; t <= hi + 1e-9; t += TICK) ticks.push(Math.round(t / TICK) * TICK);
  return ticks;
}
