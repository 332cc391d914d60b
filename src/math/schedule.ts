/**
 * The query budgets at which the thief is scored: 150, 300, 600 … doubling (log-spaced, as the
 * reverse-sigmoid paper's 150 … 19,200 and Papernot's 150·2^ρ), ending exactly at `max`.
 */
export const FIRST_BUDGET = 150;

export function budgetSchedule(max: number, first = FIRST_BUDGET): number[] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`budget must be a positive integer, got ${max}`);
  if (!Number.isInteger(first) || first < 1) throw new RangeError(`first budget must be a positive integer, got ${first}`);
  const steps: number[] = [];
  for (let b = first; b < max; b *= 2) steps.push(b);
  steps.push(max);
  return steps;
}
