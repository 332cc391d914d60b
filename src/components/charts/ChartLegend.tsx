/**
 * A chart's legend as HTML above the plot, not inside the SVG: recharts' legend has a fixed
 * height inside the chart, so when its items wrap (a narrow column, a zoomed page) it covers the
 * plot. Here the items wrap onto more lines and the plot below gets what is left.
 */
export interface LegendItem {
  label: string;
  color: string;
  /** 'line': a stroke sample (with `dash`, dashed); 'box': a filled swatch (bars). */
  kind: 'line' | 'box';
  dash?: string;
  width?: number;
}

export function ChartLegend({ items }: { items: readonly LegendItem[] }) {
  return (
    <ul className="chart-legend">
      {items.map((it) => (
        <li key={it.label}>
          <svg width="22" height="10" viewBox="0 0 22 10" aria-hidden="true" focusable="false">
            {it.kind === 'line' ? (
              <line x1="1" y1="5" x2="21" y2="5" stroke={it.color} strokeWidth={it.width ?? 2} strokeDasharray={it.dash} />
            ) : (
              <rect x="5" y="0" width="12" height="10" fill={it.color} />
            )}
          </svg>
          {it.label}
        </li>
      ))}
    </ul>
  );
}
