import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartLegend, type LegendItem } from './ChartLegend';
import type { EpsilonQueryView } from '../../store/epsilonQuery';

const ARROW = (sign: number) => (sign > 0 ? '▲' : sign < 0 ? '▼' : '·');

const LEGEND: readonly LegendItem[] = [
  { label: "y: the defender's answer", color: 'var(--accent)', kind: 'box' },
  { label: 'y*: what the thief receives', color: 'var(--defended)', kind: 'box' },
];

/** One real answer before (y) and after (y*) the ε counter-attack; ▲/▼ mark the sign pattern. */
export const EpsilonQueryChart = memo(function EpsilonQueryChart({ view }: { view: EpsilonQueryView }) {
  return (
    <figure className="chart chart-with-legend chart-epsilon" data-testid="epsilon-chart" aria-label="One answer before and after the ε counter-attack">
      <ChartLegend items={LEGEND} />
      <div className="chart-plot">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={view.rows} margin={{ top: 4, right: 12, bottom: 4, left: 4 }} barGap={1}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="label"
            interval={0}
            stroke="var(--axis)"
            tickFormatter={(label: string, i: number) => `${label} ${ARROW(view.rows[i]?.sign ?? 0)}`}
          />
          <YAxis type="number" domain={view.domain} ticks={[-0.2, 0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]} stroke="var(--axis)" width={48} tickFormatter={(v: number) => v.toFixed(1)} allowDataOverflow />
          <ReferenceLine y={0} stroke="var(--axis)" />
          <Bar dataKey="y" name="y: the defender's answer" fill="var(--accent)" isAnimationActive={false} className="bars-y" />
          <Bar dataKey="yStar" name="y*: what the thief receives" fill="var(--defended)" isAnimationActive={false} className="bars-ystar" />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))}
            labelFormatter={(l) => `class ${l}`}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
          />
        </BarChart>
      </ResponsiveContainer>
      </div>
    </figure>
  );
});
