import { memo } from 'react';
import { heatmapGeometry, HEATMAP_CELL } from '../../store/heatmapGeometry';
import type { GridHeatmapData } from '../../reproduction/rsGridCells';

/**
 * One grid-search heatmap (β rows × γ columns) as plain SVG: each cell shaded by its value,
 * with the number written in it; × marks a cell excluded because honest users would lose their
 * top class too often; the chosen cell is outlined.
 */
export const GridHeatmap = memo(function GridHeatmap({ data, color }: { data: GridHeatmapData; color: string }) {
  const g = heatmapGeometry(data);
  const { width: cw, height: ch } = HEATMAP_CELL;
  return (
    <figure className="chart-heatmap" aria-label={`${data.title} over β and γ`} data-testid={`heatmap-${data.metric}`}>
      <figcaption className="chart-title">{data.title}</figcaption>
      <svg viewBox={`0 0 ${g.width} ${g.height}`} width="100%" style={{ maxWidth: g.width }} role="img" aria-label={`${data.title}: ${g.cells.map((c) => c.title).join('; ')}`}>
        {g.columns.map((c) => (
          <text key={c.label} x={c.x} y={22} textAnchor="middle" className="heatmap-axis">
            {c.label}
          </text>
        ))}
        {g.rows.map((r) => (
          <text key={r.label} x={44} y={r.y} textAnchor="end" dominantBaseline="central" className="heatmap-axis">
            {r.label}
          </text>
        ))}
        {g.cells.map((c) => (
          <g key={`${c.x},${c.y}`} data-excluded={c.excluded || undefined} data-chosen={c.chosen || undefined}>
            <title>{c.title}</title>
            <rect
              x={c.x + 1}
              y={c.y + 1}
              width={cw - 2}
              height={ch - 2}
              rx={3}
              fill={c.strength === null ? 'var(--bg)' : `color-mix(in srgb, ${color} ${Math.round(8 + 80 * c.strength)}%, var(--panel))`}
              stroke={c.chosen ? 'var(--text)' : 'var(--border)'}
              strokeWidth={c.chosen ? 3 : 1}
            />
            <text
              x={c.x + cw / 2}
              y={c.y + ch / 2}
              textAnchor="middle"
              dominantBaseline="central"
              className={`heatmap-value${c.strength !== null && c.strength > 0.6 ? ' on-dark' : ''}`}
            >
              {c.text}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
});
