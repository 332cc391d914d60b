/**
 * What one experiment of the reproduction is: the runs it needs and its spec (the plan side),
 * and how its finished runs become its part of the report (the report side), kept side by side
 * in one file per experiment under experiments/ so the two cannot drift apart.
 */
import type { Params } from '../params/schema';
import type { ExperimentSpec } from './plan';
import type { ReportExperiment, RunRecord } from './report';
import type { ReproductionScale } from './scale';

/** Registers a run in the plan (once, however many experiments need it) and gives its key. */
export type AddRun = (config: Params) => string;

export interface ReportContext {
  scale: ReproductionScale;
  /** The finished run of a config; null when it has not (yet) run. */
  get(config: Params): RunRecord | null;
  /** What every experiment's report starts from: the spec's words, seeds, runs present and missing, wall time. */
  base: ReportExperiment;
}

export interface Experiment<Id extends string = string> {
  /** The ids of the specs its plan gives, in the order the plan gives them. */
  readonly ids: readonly Id[];
  /** Its specs at a scale; every run they read goes through `add`, in a fixed order (the order runs are planned in). */
  plan(scale: ReproductionScale, add: AddRun): ExperimentSpec<Id>[];
  /** One spec's part of the report, from whatever runs have finished (missing ones leave gaps). */
  report(spec: ExperimentSpec<Id>, ctx: ReportContext): ReportExperiment;
}
