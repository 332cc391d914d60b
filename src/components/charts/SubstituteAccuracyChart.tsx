import { memo, useState } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartLegend, type LegendItem } from './ChartLegend';
import type { ThiefChartData } from '../../store/thiefChart';

/** In drawing order: accuracy solid, agreement dashed; blue honest, orange defended. */
const LEGEND: readonly LegendItem[] = [
  { label: 'thief, no defense: accuracy', color: 'var(--accent)', kind: 'line', width: 2.5 },
  { label: 'thief, defended: accuracy', color: 'var(--defended)', kind: 'line', width: 2.5 },
  { label: 'no defense: agreement', color: 'var(--accent)', kind: 'line', dash: '5 4' },
  { label: 'defended: agreement', color: 'var(--defended)', kind: 'line', dash: '5 4' },
];


const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * The thieves' test accuracy (solid) and agreement with the defender (dashed) against queries.
 * Memoised: it re-renders only when its (memoised) data object changes, i.e. when a point arrives.
 *
 * The tooltip is mounted only while the pointer or the keyboard focus is on the chart: recharts'
 * Tooltip made each redraw of a streaming point cost 50–75 ms on this 2-core machine (the run's
 * longest main-thread task); without it the same redraw stays under 50 ms. interval={0}: every
 * given tick is drawn, so recharts skips measuring each tick label in the DOM on every redraw (its
 * overlap check, ~15 ms of a streamed point's redraw here); the ticks are chosen to fit.
 */
export const SubstituteAccuracyChart = memo(function SubstituteAccuracyChart({ data }: { data: ThiefChartData }) {
  const [inspecting, setInspecting] = useState(false);
  return (
    <figure
      className="chart chart-with-legend chart-thief"
      data-testid="thief-chart"
      aria-label="Thief accuracy against queries"
      onPointerEnter={() => setInspecting(true)}
      onPointerLeave={() => setInspecting(false)}
      onFocus={() => setInspecting(true)}
      onBlur={() => setInspecting(false)}
    >
      <ChartLegend items={LEGEND} />
      <div className="chart-plot">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data.rows} margin={{ top: 20, right: 28, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            dataKey="queries"
            type="number"
            scale="log"
            domain={data.xDomain}
            ticks={data.xTicks}
            interval={0}
            allowDataOverflow
            stroke="var(--axis)"
            tickFormatter={(q: number) => q.toLocaleString('en-US')}
            label={{ value: 'queries the thief paid for (log scale)', position: 'insideBottom', offset: -14, fill: 'var(--muted)' }}
          />
          <YAxis type="number" domain={[0, 1]} ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]} interval={0} tickFormatter={pct} stroke="var(--axis)" width={52} />
          {/* Above its line: the top margin leaves room for the label when the defender is at 100%. */}
          {data.defenderAccuracy !== null && (
            <ReferenceLine
              y={data.defenderAccuracy}
              stroke="var(--identity)"
              strokeDasharray="4 4"
              label={{ value: `defender ${pct(data.defenderAccuracy)}`, position: 'insideBottomRight', fill: 'var(--muted)', fontSize: 12 }}
            />
          )}
          <ReferenceLine
            y={data.chance}
            stroke="var(--axis)"
            strokeDasharray="1 3"
            label={{ value: `chance ${pct(data.chance)}`, position: 'insideTopRight', fill: 'var(--muted)', fontSize: 12 }}
          />
          <Line dataKey="undefendedAccuracy" name="thief, no defense: accuracy" stroke="var(--accent)" strokeWidth={2.5} dot isAnimationActive={false} className="line-undefended" />
          <Line dataKey="defendedAccuracy" name="thief, defended: accuracy" stroke="var(--defended)" strokeWidth={2.5} dot isAnimationActive={false} className="line-defended" />
          <Line dataKey="undefendedAgreement" name="no defense: agreement" stroke="var(--accent)" strokeDasharray="5 4" dot={false} isAnimationActive={false} />
          <Line dataKey="defendedAgreement" name="defended: agreement" stroke="var(--defended)" strokeDasharray="5 4" dot={false} isAnimationActive={false} />
          {inspecting && (
            <Tooltip
              formatter={(v) => (typeof v === 'number' ? pct(v) : String(v))}
              labelFormatter={(q) => `${Number(q).toLocaleString('en-US')} queries`}
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
      </div>
    </figure>
  );
});
