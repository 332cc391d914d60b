/**
 * Geometry of the grid-search heatmaps (β rows × γ columns), computed here so the SVG component
 * only draws: cell rectangles, their colour strength, their text, and the chosen cell's outline.
 */
import type { GridHeatmapData } from '../reproduction/rsGridCells';

export const HEATMAP_CELL = { width: 56, height: 30 } as const;
export const HEATMAP_MARGIN = { left: 52, top: 34, right: 8, bottom: 8 } as const;

export interface HeatmapCellGeometry {
  x: number;
  y: number;
  /** 0 (palest) … 1 (strongest), null for no fill (excluded or not run). */
  strength: number | null;
  text: string;
  /** What the cell says to a screen reader and in its tooltip. */
  title: string;
  excluded: boolean;
  chosen: boolean;
}

export interface HeatmapGeometry {
  width: number;
  height: number;
  columns: { x: number; label: string }[];
  rows: { y: number; label: string }[];
  cells: HeatmapCellGeometry[];
}

// P(M, RS) needs three decimals: 0.997 and 1 are different verdicts at the 0.99 guard.
const fmt = (metric: GridHeatmapData['metric'], v: number) =>
  metric === 'drop' ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}` : v.toFixed(metric === 'topUnchanged' ? 3 : 2);

export function heatmapGeometry(data: GridHeatmapData): HeatmapGeometry {
  const { width: cw, height: ch } = HEATMAP_CELL;
  const m = HEATMAP_MARGIN;
  const values = data.cells.filter((c) => !c.excluded && c.value !== null).map((c) => c.value as number);
  // Drops are shaded on a fixed 0 … 1 scale (a negative drop is palest), cosines from the
  // smallest to the largest value measured, so the grid's own contrast shows.
  const lo = data.metric === 'drop' ? 0 : Math.min(...values);
  const hi = data.metric === 'drop' ? Math.max(0.5, ...values) : Math.max(...values);
  const scale = (v: number) => (hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5);
  const cells = data.cells.map((c) => {
    const col = data.gammas.indexOf(c.gamma);
    const row = data.betas.indexOf(c.beta);
    const chosen = data.chosen !== null && data.chosen.beta === c.beta && data.chosen.gamma === c.gamma;
    const where = `β = ${c.beta}, γ = ${c.gamma}`;
    return {
      x: m.left + col * cw,
      y: m.top + row * ch,
      strength: c.excluded || c.value === null ? null : scale(c.value),
      text: c.excluded ? '×' : c.value === null ? '–' : fmt(data.metric, c.value),
      title: c.excluded
        ? `${where}: excluded, honest users lose their top class too often`
        : c.value === null
          ? `${where}: not run`
          : `${where}: ${data.title} ${fmt(data.metric, c.value)}${chosen ? ' (chosen)' : ''}`,
      excluded: c.excluded,
      chosen,
    };
  });
  return {
    width: m.left + data.gammas.length * cw + m.right,
    height: m.top + data.betas.length * ch + m.bottom,
    columns: data.gammas.map((g, i) => ({ x: m.left + i * cw + cw / 2, label: `γ ${g}` })),
    rows: data.betas.map((b, i) => ({ y: m.top + i * ch + ch / 2, label: `β ${b}` })),
    cells,
  };
}
