/**
 * The registry of the reproduction's experiments. Its order is the order of the plan's
 * experiments, of the report's sections and of the runs' first mention (which breaks ties in
 * the run order), so a new experiment goes at the end: one file beside these, one line here.
 */
import type { Experiment } from '../experiment';
import { epsOutputModes } from './epsOutputModes';
import { epsTable2Figure1 } from './epsTable2Figure1';
import { epsTrained } from './epsTrained';
import { rsDefenseAware } from './rsDefenseAware';
import { rsGrid } from './rsGrid';
import { rsQueriesNeeded } from './rsQueriesNeeded';
import { rsThiefProtocol } from './rsThiefProtocol';
import { rsMnistTable1 } from './rsMnistTable1';
import { rsTables2 } from './rsTables2';
import { tradeoff } from './tradeoff';

export const EXPERIMENTS = [rsMnistTable1, rsTables2, rsDefenseAware, epsTable2Figure1, epsOutputModes, tradeoff, rsGrid, rsQueriesNeeded, rsThiefProtocol, epsTrained] as const;

/** The experiment that plans and reports a spec id. */
export function experimentOf(id: string): Experiment {
  const experiment = EXPERIMENTS.find((e) => (e.ids as readonly string[]).includes(id));
  if (!experiment) throw new Error(`No experiment in the registry has the id ${id}.`);
  return experiment as Experiment;
}
