import { memo } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { TradeoffGroup } from '../../store/reportSelectors';

const pct = (v: number) => `${Number((v * 100).toFixed(1))}%`;

/**
 * Utility against security: each point is one defense setting — how often the protected model
 * keeps the defender's top class (x, higher is better for honest users) against how well the
 * stolen model agrees with the defender (y, lower is better for the defender). The best
 * settings sit bottom right.
 */
export const TradeoffChart = memo(function TradeoffChart({ groups, budget, xDomain }: { groups: TradeoffGroup[]; budget: number; xDomain: [number, number] }) {
  const span = xDomain[1] - xDomain[0];
  const step = span > 0.5 ? 0.2 : span > 0.2 ? 0.05 : span > 0.1 ? 0.02 : 0.01;
  const xTicks = Array.from({ length: Math.round(span / step) + 1 }, (_, i) => Number((xDomain[0] + i * step).toFixed(2)));
  return (
    <figure className="chart chart-tradeoff" aria-label="Protected-model agreement against stolen-model agreement">
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={{ top: 16, right: 20, bottom: 28, left: 20 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="protectedAgreement"
            name="protected model agrees with M"
            domain={xDomain}
            ticks={xTicks}
            tickFormatter={pct}
            stroke="var(--axis)"
            label={{ value: 'P(M, defense): top class kept →', position: 'insideBottom', offset: -16, fill: 'var(--muted)' }}
          />
          <YAxis
            type="number"
            dataKey="stolenAgreement"
            name={`stolen model agrees with M at ${budget} queries`}
            domain={[0, 1]}
            ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]}
            tickFormatter={pct}
            stroke="var(--axis)"
            width={48}
            label={{ value: `S(M, defense) at ${budget.toLocaleString('en-US')} q`, angle: -90, position: 'left', offset: 6, fill: 'var(--muted)', style: { textAnchor: 'middle' } }}
          />
          <ZAxis range={[70, 70]} />
          {groups.map((g) => (
            <Scatter key={g.group} name={g.name} data={g.points} fill={g.color} shape={g.shape} isAnimationActive={false} className={`tradeoff-${g.group}`} />
          ))}
          <Tooltip
            cursor={{ strokeDasharray: '3 3' }}
            content={({ payload }) => {
              const p = payload?.[0]?.payload as { label: string; protectedAgreement: number; stolenAgreement: number } | undefined;
              return p ? (
                <div className="chart-tooltip">
                  <strong>{p.label}</strong>
                  <br />P(M) {pct(p.protectedAgreement)} · S(M) {pct(p.stolenAgreement)}
                </div>
              ) : null;
            }}
          />
          <Legend verticalAlign="top" height={56} wrapperStyle={{ fontSize: '0.85rem' }} />
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
});
