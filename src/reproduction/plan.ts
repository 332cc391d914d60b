/**
 * What `npm run reproduce` (and the app's Reproduce view) runs: every experiment of the two
 * papers we reproduce (experiments/, in the registry's order), as plain parameter sets for the
 * same engine the lab uses, with the papers' own numbers beside them. Pure data: no tfjs, no React.
 */
import type { DatasetChoice, Params } from '../params/schema';
import { cutIntoPasses } from '../params/runGroups';
import { rsConfig, runKey } from './configs';
import { EXPERIMENTS } from './experiments';
import { SCALES, estimatedSeconds, type ReproductionMode, type ReproductionScale } from './scale';

/** Every experiment id, in the order the plan and the report list them. */
export type ExperimentId = (typeof EXPERIMENTS)[number]['ids'][number];
export const EXPERIMENT_IDS: readonly ExperimentId[] = EXPERIMENTS.flatMap((e) => e.ids);

export type PaperId = 'reverse-sigmoid' | 'counter-attack-epsilon';

export interface PlannedRun {
  /** The run's share link, `#v=1&…` ('' for the all-defaults lesson). */
  key: string;
  config: Params;
}

export interface ExperimentSpec<Id extends string = ExperimentId> {
  id: Id;
  paper: PaperId;
  /** Where in the paper, e.g. "Table I, MNIST column". */
  source: string;
  title: string;
  dataset: DatasetChoice;
  /** Keys of the runs this experiment reads. */
  runKeys: string[];
  /** How our setting differs from the paper's, said once. */
  setting: string;
}

export interface ReproductionPlan {
  mode: ReproductionMode;
  scale: ReproductionScale;
  experiments: ExperimentSpec[];
  /** Every distinct run, in the order they should run (cheap, widely used ones first). */
  runs: PlannedRun[];
}

export function reproductionPlan(mode: ReproductionMode): ReproductionPlan {
  const scale = SCALES[mode];
  const runs = new Map<string, PlannedRun>();
  const add = (config: Params): string => {
    const key = runKey(config);
    if (!runs.has(key)) runs.set(key, { key, config });
    return key;
  };
  // In the registry's order: it fixes the order of the experiments and of the runs' first
  // mention, which breaks ties between equally cheap runs below.
  const experiments: ExperimentSpec[] = EXPERIMENTS.flatMap<ExperimentSpec>((e) => e.plan(scale, add));
  return { mode, scale, experiments, runs: orderRuns([...runs.values()]) };
}

function orderRuns(runs: PlannedRun[]): PlannedRun[] {
  // The lesson's own run first (it feeds three experiments), then cheapest first, so a partial
  // reproduction still fills most tables.
  return runs
    .map((r, i) => ({ r, i, cost: estimatedSeconds(r.config) }))
    .sort((a, b) => (a.r.key === runKey(rsConfig(SCALES.full, 1)) ? -1 : b.r.key === runKey(rsConfig(SCALES.full, 1)) ? 1 : a.cost - b.cost || a.i - b.i))
    .map((x) => x.r);
}

/**
 * Runs that differ only in β and γ (the grid search, the trade-off's settings) share a pass of up
 * to this many: one defender, one set of queries, one undefended thief, and the defended thieves
 * side by side (as one stack where they are MLPs). Each still gets exactly its own run's numbers.
 */
export const PASS_SIZE = 8;

/** `runs` cut into the passes they train in, in list order (params/runGroups.ts). */
export function planPasses(runs: readonly PlannedRun[]): PlannedRun[][] {
  return cutIntoPasses(runs, (r) => r.config, PASS_SIZE);
}
