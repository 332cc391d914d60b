/**
 * The thief chart's caption, for slides and the presenter: which run the curves are (thief,
 * attack, data set, defense) and where they come from (trained here, or a replay and where it
 * was recorded), so a chart cut out of the page still says what it shows.
 */
import { PARAMS } from '../params/schema';
import type { RunState } from './appStore';
import { describeDefense } from './describeDefense';

export function chartCaption(run: Pick<RunState, 'config' | 'replay' | 'status'>): string {
  const c = run.config;
  if (!c) return 'Thief agreement with the defender against queries: press Run to start a theft.';
  const what =
    `Thief ${c.substitute} (${PARAMS.attack.optionLabels[c.attack]}) on ${PARAMS.dataset.optionLabels[c.dataset]}: ` +
    `blue trains on honest answers, orange on answers defended by the ${describeDefense(c)}.`;
  if (run.replay) {
    const day = new Date(run.replay.recordedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
    return `${what} Replay of a run recorded on ${PARAMS.backend.optionLabels[run.replay.backend]}, ${day}.`;
  }
  return `${what} ${run.status === 'running' ? 'Training in this browser now.' : 'Trained in this browser.'}`;
}
