import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ArchitectureBar } from '../../reproduction/report';
import { ChartLegend } from './ChartLegend';

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * One bar pair per thief architecture: the substitute's test accuracy without and with the
 * defense (or, with `metric="fgsm"`, the defender's accuracy on FGSM examples crafted on each).
 */
export const ArchitectureBars = memo(function ArchitectureBars({ bars, metric, chance }: { bars: ArchitectureBar[]; metric: 'accuracy' | 'fgsm'; chance: number }) {
  const keys = metric === 'accuracy' ? (['undefendedAccuracy', 'defendedAccuracy'] as const) : (['undefendedFgsm', 'defendedFgsm'] as const);
  const names = metric === 'accuracy' ? ['thief, no defense', 'thief, ε-defended'] : ['FGSM from the undefended thief', 'FGSM from the defended thief'];
  return (
    <figure className="chart chart-with-legend chart-architectures" aria-label={metric === 'accuracy' ? 'Substitute accuracy per architecture' : 'Defender accuracy on FGSM examples per architecture'}>
      <ChartLegend
        items={[
          { label: names[0], color: 'var(--accent)', kind: 'box' },
          { label: names[1], color: 'var(--defended)', kind: 'box' },
        ]}
      />
      <div className="chart-plot">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bars} margin={{ top: 16, right: metric === 'accuracy' ? 76 : 12, bottom: 8, left: 8 }} barGap={1} barCategoryGap="22%">
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="arch" stroke="var(--axis)" interval={0} />
          <YAxis domain={[0, 1]} ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]} tickFormatter={pct} stroke="var(--axis)" width={52} />
          {metric === 'accuracy' && (
            <ReferenceLine y={chance} stroke="var(--axis)" strokeDasharray="1 3" label={{ value: `chance ${pct(chance)}`, position: 'right', fill: 'var(--muted)', fontSize: 12 }} />
          )}
          <Bar dataKey={keys[0]} name={names[0]} fill="var(--accent)" isAnimationActive={false} />
          <Bar dataKey={keys[1]} name={names[1]} fill="var(--defended)" isAnimationActive={false} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? pct(v) : String(v))} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }} />
        </BarChart>
      </ResponsiveContainer>
      </div>
    </figure>
  );
});
