import { memo } from 'react';
import { Bar, BarChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { AnswerBarRow } from '../../store/selectors';

/**
 * The size the last card's container measured. All cards of the strip are one size, so a new card
 * starts at it: ResponsiveContainer then draws the chart once instead of twice (an empty first render,
 * then another after measuring), which halved a card's mount (22–43 → 11–27 ms in the run's trace).
 */
let lastSize: { width: number; height: number } | undefined;
const remember = (width: number, height: number) => {
  if (width > 0 && height > 0) lastSize = { width: Math.round(width), height: Math.round(height) };
};

/** One query's answer per class: the defender's true probabilities beside the defended ones. */
export const AnswerBars = memo(function AnswerBars({ rows, domain }: { rows: AnswerBarRow[]; domain: [number, number] }) {
  return (
    <div className="answer-bars">
      <ResponsiveContainer width="100%" height="100%" initialDimension={lastSize} onResize={remember}>
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
