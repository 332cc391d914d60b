/**
 * Geometry of the thief chart: queries on a log axis across, 0–100% up. Where the grid, the ticks,
 * the four curves and the two reference lines go in a plot of a given size, computed here so the
 * SVG component only draws (and so the numbers can be checked without a browser).
 */
import type { CurveRow } from '../engine/protocol';
import type { ThiefChartData } from './thiefChart';

/** Room around the plot: the y-axis labels on the left, the x-axis labels and its title below. */
export const THIEF_CHART_MARGIN = { top: 20, right: 28, bottom: 54, left: 60 } as const;
export const THIEF_Y_TICKS: readonly number[] = [0, 0.2, 0.4, 0.6, 0.8, 1];

export type ThiefLineKey = Exclude<keyof CurveRow, 'queries'>;

export interface ThiefChartGeometry {
  plot: { left: number; right: number; top: number; bottom: number };
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  /** Each row's x, in the rows' order (the hover and the keyboard pick a row by it). */
  rowX: number[];
  /** A curve's SVG path ('' without rows) and its vertices, one per row. */
  lines: Record<ThiefLineKey, { d: string; points: { x: number; y: number }[] }>;
  defender: { y: number; label: string } | null;
  chance: { y: number; label: string };
}

const LINE_KEYS: readonly ThiefLineKey[] = ['undefendedAccuracy', 'defendedAccuracy', 'undefendedAgreement', 'defendedAgreement'];
const COUNT = new Intl.NumberFormat('en-US');

export const percent = (v: number) => `${Math.round(v * 100)}%`;
export const queriesLabel = (q: number) => COUNT.format(q);

export function thiefChartGeometry(data: ThiefChartData, width: number, height: number): ThiefChartGeometry {
  const m = THIEF_CHART_MARGIN;
  const left = m.left;
  const right = Math.max(left + 10, width - m.right);
  const top = m.top;
  const bottom = Math.max(top + 10, height - m.bottom);
  const [x0, x1] = data.xDomain;
  const span = Math.log(x1) - Math.log(x0);
  // A one-step budget has a one-point axis: its point sits in the middle.
  const sx = (q: number) => (span > 0 ? left + ((Math.log(q) - Math.log(x0)) / span) * (right - left) : (left + right) / 2);
  const sy = (v: number) => bottom - v * (bottom - top);
  const rowX = data.rows.map((r) => sx(r.queries));
  const line = (key: ThiefLineKey) => {
    const points = data.rows.map((r, i) => ({ x: rowX[i], y: sy(r[key]) }));
    return { d: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(''), points };
  };
  return {
    plot: { left, right, top, bottom },
    xTicks: data.xTicks.map((q) => ({ x: sx(q), label: queriesLabel(q) })),
    yTicks: THIEF_Y_TICKS.map((v) => ({ y: sy(v), label: percent(v) })),
    rowX,
    lines: Object.fromEntries(LINE_KEYS.map((k) => [k, line(k)])) as ThiefChartGeometry['lines'],
    defender: data.defenderAccuracy === null ? null : { y: sy(data.defenderAccuracy), label: `defender ${percent(data.defenderAccuracy)}` },
    chance: { y: sy(data.chance), label: `chance ${percent(data.chance)}` },
  };
}

/** The row whose x is nearest to `x` (the first of a tie), or null without rows. */
export function nearestRow(rowX: readonly number[], x: number): number | null {
  let best: number | null = null;
  for (let i = 0; i < rowX.length; i++) if (best === null || Math.abs(rowX[i] - x) < Math.abs(rowX[best] - x)) best = i;
  return best;
}
