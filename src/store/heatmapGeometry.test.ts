import { describe, expect, it } from 'vitest';
import { HEATMAP_CELL, HEATMAP_MARGIN, heatmapGeometry } from './heatmapGeometry';
import type { GridHeatmapData } from '../reproduction/rsGridCells';

const data = (metric: GridHeatmapData['metric'], values: (number | null | 'x')[]): GridHeatmapData => ({
  metric,
  title: metric,
  betas: [0.8, 1],
  gammas: [0.2, 0.5],
  cells: [
    { beta: 0.8, gamma: 0.2 },
    { beta: 0.8, gamma: 0.5 },
    { beta: 1, gamma: 0.2 },
    { beta: 1, gamma: 0.5 },
  ].map((c, i) => ({ ...c, value: values[i] === 'x' ? 0.9 : (values[i] as number | null), excluded: values[i] === 'x' })),
  chosen: { beta: 1, gamma: 0.2 },
});

describe('heatmapGeometry', () => {
  it('places β rows and γ columns, cell by cell', () => {
    const g = heatmapGeometry(data('drop', [0.1, 0.25, 0.6, 'x']));
    expect(g.width).toBe(HEATMAP_MARGIN.left + 2 * HEATMAP_CELL.width + HEATMAP_MARGIN.right);
    expect(g.height).toBe(HEATMAP_MARGIN.top + 2 * HEATMAP_CELL.height + HEATMAP_MARGIN.bottom);
    expect(g.cells[3]).toMatchObject({ x: HEATMAP_MARGIN.left + HEATMAP_CELL.width, y: HEATMAP_MARGIN.top + HEATMAP_CELL.height, excluded: true, text: '×', strength: null });
    expect(g.columns.map((c) => c.label)).toEqual(['γ 0.2', 'γ 0.5']);
    expect(g.rows.map((r) => r.label)).toEqual(['β 0.8', 'β 1']);
  });

  it('shades drops on 0 … max(0.5, largest drop) and marks the chosen cell', () => {
    const g = heatmapGeometry(data('drop', [0.1, 0.25, 0.6, 'x']));
    // hi = 0.6 (the largest drop), lo = 0: 0.1 → 1/6, 0.25 → 5/12, 0.6 → 1.
    expect(g.cells[0].strength).toBeCloseTo(1 / 6, 10);
    expect(g.cells[1].strength).toBeCloseTo(5 / 12, 10);
    expect(g.cells[2]).toMatchObject({ strength: 1, chosen: true, text: '+0.60' });
    expect(g.cells[0].chosen).toBe(false);
    expect(g.cells[2].title).toBe('β = 1, γ = 0.2: drop +0.60 (chosen)');
  });

  it('shades cosines between the smallest and largest measured, leaves unrun cells blank', () => {
    const g = heatmapGeometry(data('cosine', [0.4, null, 0.8, 0.6]));
    expect(g.cells[0].strength).toBe(0);
    expect(g.cells[2].strength).toBe(1);
    expect(g.cells[3].strength).toBeCloseTo(0.5, 10);
    expect(g.cells[1]).toMatchObject({ strength: null, text: '–' });
  });

  it('writes a negative drop with a real minus sign', () => {
    expect(heatmapGeometry(data('drop', [-0.02, 0.3, 0.5, 0.4])).cells[0]).toMatchObject({ text: '−0.02', strength: 0 });
  });
});
