import { memo } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartLegend, type LegendItem } from './ChartLegend';
import type { ReverseSigmoidChartData } from '../../store/reverseSigmoidChart';

/** In drawing order, styled as the lines below. */
const LEGEND: readonly LegendItem[] = [
  { label: 'y (no defense)', color: 'var(--identity)', kind: 'line', dash: '2 4' },
  { label: 'y − r(y): defended, before normalising', color: 'var(--defended)', kind: 'line', width: 2.5 },
  { label: 'r(y): the perturbation', color: 'var(--perturbation)', kind: 'line', dash: '6 3' },
  { label: 'ŷ: defended answer (10 classes, normalised)', color: 'var(--normalized)', kind: 'line' },
];


const fmt = (v: number) => v.toFixed(2);
const TICKS = [0, 0.25, 0.5, 0.75, 1];

/** Fig. 1 of the reverse-sigmoid paper, live: layout and styling only; data comes shaped. */
export const ReverseSigmoidChart = memo(function ReverseSigmoidChart({ data }: { data: ReverseSigmoidChartData }) {
  return (
    <figure className="chart chart-with-legend" data-testid="reverse-sigmoid-chart" aria-label="Reverse sigmoid curves">
      <ChartLegend items={LEGEND} />
      <div className="chart-plot">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data.points} margin={{ top: 8, right: 16, bottom: 24, left: 4 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            dataKey="y"
            type="number"
            domain={[0, 1]}
            ticks={TICKS}
            tickFormatter={fmt}
            stroke="var(--axis)"
            label={{ value: 'true probability y of one class', position: 'insideBottom', offset: -14, fill: 'var(--muted)' }}
          />
          <YAxis
            type="number"
            domain={data.yDomain}
            ticks={data.yTicks}
            allowDataOverflow
            tickFormatter={fmt}
            stroke="var(--axis)"
            width={44}
          />
          {data.ambiguous.map((band) => (
            <ReferenceArea
              key={`${band.from}-${band.to}`}
              y1={band.from}
              y2={band.to}
              fill="var(--ambiguous)"
              fillOpacity={0.35}
              stroke="none"
              ifOverflow="hidden"
              className="ambiguous-band"
            />
          ))}
          <ReferenceLine y={0} stroke="var(--axis)" />
          <Line
            dataKey="y"
            name="y (no defense)"
            stroke="var(--identity)"
            strokeDasharray="2 4"
            dot={false}
            isAnimationActive={false}
            className="line-identity"
          />
          <Line
            dataKey="unnormalized"
            name="y − r(y): defended, before normalising"
            stroke="var(--defended)"
            strokeWidth={2.5}
            dot={false}
            isAnimationActive={false}
            className="line-unnormalized"
          />
          <Line
            dataKey="r"
            name="r(y): the perturbation"
            stroke="var(--perturbation)"
            strokeWidth={2}
            strokeDasharray="6 3"
            dot={false}
            isAnimationActive={false}
            className="line-perturbation"
          />
          <Line
            dataKey="normalized"
            name="ŷ: defended answer (10 classes, normalised)"
            stroke="var(--normalized)"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
            className="line-normalized"
          />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))}
            labelFormatter={(y) => `y = ${Number(y).toFixed(3)}`}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
          />
        </LineChart>
      </ResponsiveContainer>
      </div>
    </figure>
  );
});
