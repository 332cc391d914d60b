import { memo } from 'react';
import { Bar, BarChart, Cell, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { PadBarRow } from '../../store/selectors';

/** One answer as a bar per class, the top class drawn solid and the rest faded. */
export const ProbabilityBars = memo(function ProbabilityBars({
  rows,
  domain,
  tone,
  label,
}: {
  rows: PadBarRow[];
  domain: [number, number];
  tone: 'original' | 'defended';
  label: string;
}) {
  const fill = tone === 'original' ? 'var(--accent)' : 'var(--defended)';
  return (
    <figure className="probability-bars" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 2, right: 2, bottom: 0, left: 2 }} barCategoryGap="18%">
          <XAxis dataKey="label" tick={{ fontSize: 10 }} interval={0} tickLine={false} stroke="var(--axis)" height={14} />
          <YAxis hide domain={domain} allowDataOverflow />
          <Bar dataKey="p" isAnimationActive={false} className="pad-bars">
            {rows.map((r) => (
              <Cell key={r.label} fill={fill} fillOpacity={r.top ? 1 : 0.45} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
});
