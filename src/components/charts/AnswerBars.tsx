import { memo } from 'react';
import { Bar, BarChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { AnswerBarRow } from '../../store/selectors';

/** One query's answer per class: the defender's true probabilities beside the defended ones. */
export const AnswerBars = memo(function AnswerBars({ rows, domain }: { rows: AnswerBarRow[]; domain: [number, number] }) {
  return (
    <div className="answer-bars">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 2, right: 2, bottom: 0, left: 2 }} barGap={0} barCategoryGap="15%">
          <XAxis dataKey="label" tick={{ fontSize: 10 }} interval={0} tickLine={false} stroke="var(--axis)" height={14} />
          <YAxis hide domain={domain} />
          <Bar dataKey="original" name="true answer" fill="var(--accent)" isAnimationActive={false} />
          <Bar dataKey="defended" name="defended answer" fill="var(--defended)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
});
