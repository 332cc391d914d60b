/**
 * What `npm run reproduce` (and the app's Reproduce view) runs: every experiment of the two
 * papers we reproduce, as plain parameter sets for the same engine the lab uses, with the
 * papers' own numbers beside them. Pure data: no tfjs, no React.
 *
 * A run is identified by its share link (toHash of its config), so any row of the report can be
 * replayed in the lab, and experiments that need the same run share it (it runs once).
 */
import { toHash } from './codec';
import { DEFAULT_PARAMS, SUBSTITUTES, type DatasetChoice, type Params, type RenormChoice, type CleaningChoice, type AttackChoice, type DefenseChoice } from './schema';

export const REPRODUCTION_MODES = ['quick', 'full'] as const;
export type ReproductionMode = (typeof REPRODUCTION_MODES)[number];

export const EXPERIMENT_IDS = [
  'rs-mnist-table1',
  'rs-mnist-table2',
  'rs-fashion-tables',
  'rs-defense-aware',
  'eps-mnist-table2',
  'eps-mnist-figure1',
  'eps-output-modes',
  'tradeoff',
] as const;
export type ExperimentId = (typeof EXPERIMENT_IDS)[number];

export type PaperId = 'reverse-sigmoid' | 'counter-attack-epsilon';

export interface PlannedRun {
  /** The run's share link, `#v=1&…` ('' for the all-defaults lesson). */
  key: string;
  config: Params;
}

export interface ExperimentSpec {
  id: ExperimentId;
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

/** The knobs that separate the quick reproduction from the full one. */
export interface ReproductionScale {
  /** Sample-attack budget for the reverse-sigmoid tables (paper: 19,200). */
  rsBudget: number;
  rsSeeds: number[];
  /** Noise scales tried per baseline (the grid the paper's rule chooses from). */
  baselineGrid: number[];
  /** β values of the utility–security sweep (γ fixed at 0.5). */
  betaSweep: number[];
  defenseAwareBudget: number;
  fashion: boolean;
  /** Architectures of the counter-attack paper's Table 1 that are run. */
  epsArchitectures: string[];
  /** Jacobian-augmentation budget: 150·2^rounds (paper: 6 rounds = 9,600). */
  epsBudget: number;
  epsSeeds: number[];
  epsThiefEpochs: number;
  /** The output-modes grid (issue #7). */
  modesEpsilons: number[];
  modesAttacks: AttackChoice[];
  modesBudget: number;
  modesSeeds: number[];
  /** Seeds of the Jacobian half of the grid (its queries differ per run, so the Gram cache cannot help). */
  modesSeedsJacobian: number[];
  /** The fixed budget at which the trade-off chart compares every defense. */
  tradeoffBudget: number;
}

export const SCALES: Record<ReproductionMode, ReproductionScale> = {
  quick: {
    rsBudget: 1200,
    rsSeeds: [1],
    baselineGrid: [0.2],
    betaSweep: [0.3, 0.8],
    defenseAwareBudget: 1200,
    fashion: false,
    epsArchitectures: ['I', 'J'],
    epsBudget: 600,
    epsSeeds: [1],
    epsThiefEpochs: 3,
    modesEpsilons: [0.003, 0.1],
    modesAttacks: ['sample'],
    modesBudget: 300,
    modesSeeds: [1],
    modesSeedsJacobian: [1],
    tradeoffBudget: 1200,
  },
  full: {
    rsBudget: 19200,
    rsSeeds: [1, 2, 3],
    baselineGrid: [0.05, 0.2, 0.5],
    betaSweep: [0.2, 0.4, 0.8, 1.6],
    defenseAwareBudget: 19200,
    fashion: true,
    // Every substitute of the counter-attack paper's Table 1 (FULL_EPS_ARCHITECTURES_ALL).
    epsArchitectures: ['X', 'Y', 'A', 'F', 'G', 'H', 'I', 'J', 'K', 'L'],
    epsBudget: 9600,
    epsSeeds: [1],
    epsThiefEpochs: 1,
    modesEpsilons: [0.003, 0.01, 0.03, 0.1],
    modesAttacks: ['sample', 'jacobian'],
    modesBudget: 1200,
    modesSeeds: [1, 2],
    modesSeedsJacobian: [1],
    tradeoffBudget: 1200,
  },
};

/** Every substitute of the counter-attack paper's Table 1. */
export const FULL_EPS_ARCHITECTURES_ALL = SUBSTITUTES.filter((s) => s !== 'simple');

export const BASELINES = ['uniform', 'concave', 'convex', 'ranking', 'sine'] as const satisfies readonly DefenseChoice[];
export const OUTPUT_MODES = ['none', 'centering', 'winner-takes-all'] as const satisfies readonly RenormChoice[];
export const THIEF_CLEANING = ['naive', 'clean'] as const satisfies readonly CleaningChoice[];
export const DEFENSE_AWARE_ATTACKS = ['rs-layer', 'mse', 'inversion', 'argmax'] as const satisfies readonly AttackChoice[];

/** The paper's rule for picking a defense's parameters (reverse sigmoid, Sec. IV-B). */
export const STEALING_DROP_RULE = 0.2;

export function configOf(overrides: Partial<Params>): Params {
  return { ...DEFAULT_PARAMS, ...overrides };
}

export function runKey(config: Params): string {
  return toHash(config);
}

// Configs, named once so the plan and the report builder agree on them. --------------------

export function rsConfig(scale: ReproductionScale, seed: number, overrides: Partial<Params> = {}): Params {
  return configOf({ attack: 'sample', defense: 'reverse-sigmoid', budget: scale.rsBudget, seed, ...overrides });
}

export function baselineConfig(scale: ReproductionScale, defense: DefenseChoice, noise: number): Params {
  return configOf({ attack: 'sample', defense, noise, budget: scale.rsBudget, seed: scale.rsSeeds[0] });
}

export function betaSweepConfig(scale: ReproductionScale, beta: number): Params {
  return rsConfig(scale, scale.rsSeeds[0], { beta });
}

export function defenseAwareConfig(scale: ReproductionScale, attack: AttackChoice): Params {
  return configOf({ attack, defense: 'reverse-sigmoid', budget: scale.defenseAwareBudget, seed: scale.rsSeeds[0] });
}

/** Counter-attack paper, Sec. 3: Jacobian thief, 150 seeds, raw y* (main text), ε = 0.003. */
export function epsTableConfig(scale: ReproductionScale, substitute: string, seed: number): Params {
  return configOf({
    attack: 'jacobian',
    defense: 'epsilon',
    epsilon: 0.003,
    renorm: 'none',
    cleaning: 'naive',
    substitute: substitute as Params['substitute'],
    budget: scale.epsBudget,
    thiefEpochs: scale.epsThiefEpochs,
    seed,
  });
}

export function modesConfig(scale: ReproductionScale, epsilon: number, renorm: RenormChoice, cleaning: CleaningChoice, attack: AttackChoice, seed: number): Params {
  return configOf({ attack, defense: 'epsilon', epsilon, renorm, cleaning, budget: scale.modesBudget, seed });
}

export function modesSeedsFor(scale: ReproductionScale, attack: AttackChoice): number[] {
  return attack === 'jacobian' ? scale.modesSeedsJacobian : scale.modesSeeds;
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
  const experiments: ExperimentSpec[] = [];
  const budgetNote = (b: number) => (b === 19200 ? '19,200 queries as in the paper' : `${b.toLocaleString('en-US')} queries (the paper: 19,200)`);

  const rsMain = scale.rsSeeds.map((seed) => add(rsConfig(scale, seed)));
  const baselineRuns = BASELINES.flatMap((d) => scale.baselineGrid.map((noise) => add(baselineConfig(scale, d, noise))));
  experiments.push({
    id: 'rs-mnist-table1',
    paper: 'reverse-sigmoid',
    source: 'Table I, MNIST column (and the grid search of Sec. IV-B)',
    title: 'Agreement of stolen and protected models, reverse sigmoid vs the baselines',
    dataset: 'mnist',
    runKeys: [...rsMain, ...baselineRuns],
    setting:
      `Sample attack, ${budgetNote(scale.rsBudget)}; thief I (an MLP; the paper uses AllConv); reverse sigmoid β = 0.8, γ = 0.5; ` +
      `baselines' noise scale chosen from {${scale.baselineGrid.join(', ')}} by the paper's rule (highest cosine with a ≥ 0.20 stealing drop, else the largest drop).`,
  });
  experiments.push({
    id: 'rs-mnist-table2',
    paper: 'reverse-sigmoid',
    source: 'Table II, MNIST row',
    title: 'What the reverse sigmoid costs: accuracy of M, P and S(P), cos / MAE / KL between M and P',
    dataset: 'mnist',
    runKeys: rsMain,
    setting: `Same runs as rs-mnist-table1 (reverse sigmoid β = 0.8, γ = 0.5, ${budgetNote(scale.rsBudget)}).`,
  });
  if (scale.fashion) {
    const key = add(rsConfig(scale, scale.rsSeeds[0], { dataset: 'fashion-mnist' }));
    experiments.push({
      id: 'rs-fashion-tables',
      paper: 'reverse-sigmoid',
      source: 'Tables I and II, Fashion-MNIST',
      title: 'Reverse sigmoid on Fashion-MNIST',
      dataset: 'fashion-mnist',
      runKeys: [key],
      setting: `Sample attack, ${budgetNote(scale.rsBudget)}; thief I; β = 0.8, γ = 0.5 (not re-tuned for Fashion-MNIST); one seed.`,
    });
  }
  const awareRuns = DEFENSE_AWARE_ATTACKS.map((a) => add(defenseAwareConfig(scale, a)));
  experiments.push({
    id: 'rs-defense-aware',
    paper: 'reverse-sigmoid',
    source: 'Table IV and Sec. IV-D (the paper: CIFAR-10; ours: MNIST)',
    title: 'Defense-aware attacks on the reverse sigmoid, and the queries ArgmaxSample needs',
    dataset: 'mnist',
    runKeys: [...awareRuns, rsMain[0]],
    setting: `Each attack at ${budgetNote(scale.defenseAwareBudget)}, thief I, β = 0.8, γ = 0.5. The paper's Table IV is on CIFAR-10, so its numbers are not expected to match ours in level.`,
  });
  const epsRuns = scale.epsArchitectures.flatMap((arch) => scale.epsSeeds.map((seed) => add(epsTableConfig(scale, arch, seed))));
  const rounds = Math.round(Math.log2(scale.epsBudget / 150));
  const epsSetting =
    `Jacobian augmentation from 150 real seeds, ${rounds} doubling rounds (${scale.epsBudget.toLocaleString('en-US')} queries per thief; the paper: 6 rounds), ` +
    `${scale.epsThiefEpochs} epoch${scale.epsThiefEpochs === 1 ? '' : 's'} per round, ε = 0.003, raw y* (the paper's main text), one-hot direction, naive cross-entropy thief, ` +
    `${scale.epsSeeds.length} seed${scale.epsSeeds.length === 1 ? '' : 's'} (the paper: 10); substitutes ${scale.epsArchitectures.join(', ')}` +
    (scale.epsArchitectures.length < FULL_EPS_ARCHITECTURES_ALL.length
      ? ` (not in this plan: ${FULL_EPS_ARCHITECTURES_ALL.filter((a) => !scale.epsArchitectures.includes(a)).join(', ')}; the full plan runs all ten).`
      : '.');
  experiments.push({
    id: 'eps-mnist-table2',
    paper: 'counter-attack-epsilon',
    source: 'Table 2 (argmax unchanged, MNIST)',
    title: 'How often the ε counter-attack keeps the top class',
    dataset: 'mnist',
    runKeys: epsRuns,
    setting: epsSetting,
  });
  experiments.push({
    id: 'eps-mnist-figure1',
    paper: 'counter-attack-epsilon',
    source: 'Figure 1 (MNIST): substitute accuracy and FGSM transfer',
    title: 'Substitute accuracy and FGSM transfer, undefended vs ε-defended, per architecture',
    dataset: 'mnist',
    runKeys: epsRuns,
    setting: `${epsSetting} FGSM ε_adv = 0.3 on 1,000 test images.`,
  });
  const modeRuns: string[] = [];
  for (const attack of scale.modesAttacks)
    for (const eps of scale.modesEpsilons)
      for (const renorm of OUTPUT_MODES)
        for (const cleaning of THIEF_CLEANING)
          for (const seed of modesSeedsFor(scale, attack)) modeRuns.push(add(modesConfig(scale, eps, renorm, cleaning, attack, seed)));
  experiments.push({
    id: 'eps-output-modes',
    paper: 'counter-attack-epsilon',
    source: 'Sec. 2.2 and Appendix A: raw, centered and winner-takes-all answers',
    title: 'ε × output mode × naive / cleaning thief',
    dataset: 'mnist',
    runKeys: modeRuns,
    setting:
      `ε ∈ {${scale.modesEpsilons.join(', ')}} × {raw, centering, winner-takes-all} × {naive, cleaning} thief × {${scale.modesAttacks.join(', ')}}; ` +
      `thief I, ${scale.modesBudget.toLocaleString('en-US')} queries per thief; seeds: ${scale.modesAttacks.map((a) => `${a} ${modesSeedsFor(scale, a).join(', ')}`).join('; ')}.`,
  });
  const sweepRuns = scale.betaSweep.map((beta) => add(betaSweepConfig(scale, beta)));
  // The ε points of the trade-off: the naive Sample thief on raw and centered answers.
  const epsTradeoff = scale.modesAttacks.includes('sample')
    ? scale.modesEpsilons.flatMap((eps) => (['none', 'centering'] as const).map((r) => runKey(modesConfig(scale, eps, r, 'naive', 'sample', scale.modesSeeds[0]))))
    : [];
  experiments.push({
    id: 'tradeoff',
    paper: 'reverse-sigmoid',
    source: 'Sec. IV-B (the goal: high P(M, defense), low S(M, defense)); our own chart',
    title: 'Utility against security: protected-model agreement vs stolen-model agreement',
    dataset: 'mnist',
    runKeys: [...sweepRuns, ...baselineRuns, ...epsTradeoff],
    setting: `Every defense setting at a fixed budget of ${scale.tradeoffBudget.toLocaleString('en-US')} queries (Sample attack, thief I): β swept over {${scale.betaSweep.join(', ')}} (γ = 0.5), each baseline's noise grid, and ε ∈ {${scale.modesEpsilons.join(', ')}} (raw and centered). Runs with a smaller budget than that are left out.`,
  });

  return { mode, scale, experiments, runs: orderRuns([...runs.values()]) };
}

/** Rough cost in seconds on the WASM backend of a 2-core machine, for ETAs and ordering. */
export function estimatedSeconds(config: Params): number {
  const stepMs: Record<string, number> = { X: 280, Y: 320, A: 150, F: 150, G: 140, H: 45, I: 22, J: 35, K: 40, L: 65, simple: 250 };
  const steps = budgetSteps(config.budget) * config.thiefEpochs * 2;
  const train = (steps * (stepMs[config.substitute] ?? 100)) / 1000;
  const epsQueries = config.defense === 'epsilon' ? config.budget + 500 : 0;
  const epsilon = epsQueries * 0.01;
  const inversion = config.attack === 'inversion' ? 15 : 0;
  return 8 + train * 1.3 + epsilon + inversion;
}

function budgetSteps(budget: number): number {
  let steps = 0;
  for (let b = 150; b <= budget; b *= 2) steps += Math.ceil(b / 64);
  return steps;
}

function orderRuns(runs: PlannedRun[]): PlannedRun[] {
  // The lesson's own run first (it feeds three experiments), then cheapest first, so a partial
  // reproduction still fills most tables.
  return runs
    .map((r, i) => ({ r, i, cost: estimatedSeconds(r.config) }))
    .sort((a, b) => (a.r.key === runKey(rsConfig(SCALES.full, 1)) ? -1 : b.r.key === runKey(rsConfig(SCALES.full, 1)) ? 1 : a.cost - b.cost || a.i - b.i))
    .map((x) => x.r);
}

// The papers' numbers ---------------------------------------------------------------------

/** Reverse sigmoid, Table I (MNIST and Fashion-MNIST columns): agreements at 19,200 queries. */
export const PAPER_RS_TABLE1 = {
  mnist: {
    S_M: 0.93,
    P_RS: 0.99,
    S_RS: 0.68,
    // Our copy of the table is garbled around the uniform-noise cells; 0.60 / 0.98 is our reading.
    baselines: {
      uniform: { P: 0.6, S: 0.98 },
      concave: { P: 0.88, S: 0.93 },
      convex: { P: 0.89, S: 0.93 },
      ranking: { P: 1.0, S: 0.87 },
      sine: { P: 0.89, S: 0.92 },
    },
  },
  'fashion-mnist': { S_M: 0.95, P_RS: 0.99, S_RS: 0.7 },
} as const;

/** Reverse sigmoid, Table II. */
export const PAPER_RS_TABLE2 = {
  mnist: { M: 0.99, P: 0.99, S_P: 0.68, cos: 0.41, mae: 0.17, kl: 3.27 },
  'fashion-mnist': { M: 0.87, P: 0.87, S_P: 0.66, cos: 0.47, mae: 0.16, kl: 1.72 },
} as const;

/** Reverse sigmoid, Table IV (CIFAR-10) and Sec. IV-A/IV-D on ArgmaxSample's query cost. */
export const PAPER_RS_TABLE4 = {
  'rs-layer': 0.1,
  mse: 0.18,
  inversion: 0.22,
  argmax: 0.78,
  /** MNIST, undefended: Sample reaches 0.97 at 300 queries; ArgmaxSample 0.96 at 19,200 (≈64×). */
  argmaxQueryFactorMnist: 64,
  /** CIFAR-10, defended: 4,800 vs 19,200 queries to 0.7813 agreement (4×). */
  argmaxQueryFactorCifar: 4,
} as const;

/** Counter-attack paper, Table 2: argmax unchanged, mean (std) over 10 repetitions. */
export const PAPER_EPS_TABLE2: Record<string, { mean: number; std: number }> = {
  X: { mean: 0.999, std: 0.001 },
  Y: { mean: 1.0, std: 0.0 },
  A: { mean: 0.999, std: 0.001 },
  F: { mean: 0.999, std: 0.001 },
  G: { mean: 0.999, std: 0.001 },
  H: { mean: 1.0, std: 0.001 },
  I: { mean: 1.0, std: 0.0 },
  J: { mean: 1.0, std: 0.0 },
  K: { mean: 1.0, std: 0.0 },
  L: { mean: 0.999, std: 0.0 },
};

/**
 * Counter-attack paper, Figure 1, as its text states it (no numbers are printed, so these are
 * read from the caption and Sec. 3.2, approximately): defended substitutes "degrade to slightly
 * above random guessing" (chance = 0.1), most undefended ones exceed 0.6 "simply after training
 * on the provided 150 seed examples", and defending costs the classifier "non-existent or at
 * most minimal" accuracy on the substitutes' FGSM examples (baseline ≈ 0.99).
 */
export const PAPER_EPS_FIGURE1 = {
  chance: 0.1,
  defendedSubstituteAccuracyApprox: 0.15,
  undefendedSubstituteAccuracyAtLeast: 0.6,
  defendedFgsmDefenderAccuracyApprox: 0.99,
} as const;

/** The claim the output-modes grid tests: thieves near chance at ε = 0.003 with ≥ 0.999 argmax unchanged. */
export const PAPER_EPS_CLAIM = { epsilon: 0.003, argmaxUnchangedAtLeast: 0.999, substituteAccuracyNear: 0.1, nearChanceBelow: 0.2 } as const;
