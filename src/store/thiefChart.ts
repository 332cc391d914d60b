/**
 * The thief chart's data: the agreement curves, an axis fixed from the budget, the defender's
 * accuracy and the chance line, memoised on what the chart draws.
 */
import { budgetSchedule } from '../math/schedule';
import { DEFAULT_PARAMS, type Params } from '../params/schema';
import type { CurveRow } from '../engine/protocol';
import type { RunState } from './appStore';
import { classNamesFor } from './classNames';
import { createMemo } from './memo';

export interface ThiefChartData {
  rows: CurveRow[];
  /** Fixed from the budget, so the axis does not rescale as points stream in. */
  xDomain: [number, number];
  xTicks: number[];
  defenderAccuracy: number | null;
  /** 1/K for the K classes of the run's data: what guessing scores. */
  chance: number;
}

/** The settings the chart reads: the budget (the axis) and the data set with its class count (the chance line). */
export type ThiefChartSettings = Pick<Params, 'budget' | 'dataset' | 'toyClasses'>;

const thiefMemo = createMemo<object, ThiefChartData>();
const NO_ROWS: CurveRow[] = [];

/**
 * Chart data for the thief curves, memoised on what the chart draws: the rows array (new only
 * when a point arrives), the budget, the defender's accuracy and the class count. Progress
 * events replace the run object several times a second; they must not re-render the chart.
 * `idle`: the current settings, drawn while no run has started; a run draws its own.
 */
export function selectThiefChart(run: RunState, idle: ThiefChartSettings = DEFAULT_PARAMS): ThiefChartData {
  // Before a run the chart follows the settings, so pressing Run (same settings) leaves the
  // chart untouched: no redraw in the click's task.
  const made = run.config ?? idle;
  const budget = made.budget;
  // A 3-class 2-D data set is guessed right a third of the time, not a tenth.
  const numClasses = classNamesFor(made).length;
  const defenderAccuracy = run.defender?.testAccuracy ?? null;
  return thiefMemo(run.rows.length === 0 ? NO_ROWS : run.rows, `${budget}|${defenderAccuracy}|${numClasses}`, () => {
    const schedule = budgetSchedule(budget);
    return { rows: run.rows, xDomain: [schedule[0], budget], xTicks: schedule, defenderAccuracy, chance: 1 / numClasses };
  });
}
