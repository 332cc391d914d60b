/**
 * How big a reproduction is: the two modes (quick, full), the knobs that separate them, and the
 * rough cost model that orders the runs and gives the ETAs. Pure data: no tfjs, no React.
 */
import { budgetSchedule } from '../math/schedule';
import type { AttackChoice, Params } from '../params/schema';

export const REPRODUCTION_MODES = ['quick', 'full'] as const;
export type ReproductionMode = (typeof REPRODUCTION_MODES)[number];

/** The knobs that separate the quick reproduction from the full one. */
export interface ReproductionScale {
  /** Sample-attack budget for the reverse-sigmoid tables (paper: 19,200). */
  rsBudget: number;
  rsSeeds: number[];
  /** Noise scales tried per baseline (the grid the paper's rule chooses from). */
  baselineGrid: number[];
  /**
   * The baselines' shape parameters tried beside their defaults (ρ for the concave and convex
   * weights, f for the sine), at one noise scale; null: defaults only.
   */
  baselineShapes: { noise: number; rho: number[]; frequency: number[] } | null;
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
  /**
   * The same Jacobian runs with the substitute trained as the counter-attack's reference code
   * trains it (CleverHans's black-box tutorial: 10 epochs per augmentation round), per architecture.
   */
  epsTrained: { epochs: number; runs: { arch: string; seeds: number[] }[] };
  /** Fresh-thief training steps per budget tried against the default reverse sigmoid (experiment rs-thief-protocol). */
  protocolSteps: number[];
  /** The budgets the protocol table reads off each run's curve. */
  protocolBudgets: number[];
  /** Other thieves run with continued training beside thief I in the protocol table (the paper's AllConv). */
  protocolThieves: Params['substitute'][];
  /** The output-modes grid (experiment eps-output-modes). */
  modesEpsilons: number[];
  modesAttacks: AttackChoice[];
  modesBudget: number;
  modesSeeds: number[];
  /** Seeds of the Jacobian half of the grid (its queries differ per run, so the Gram cache cannot help). */
  modesSeedsJacobian: number[];
  /** The fixed budget at which the trade-off chart compares every defense. */
  tradeoffBudget: number;
  /**
   * Which reverse-sigmoid grid cells are trained (at rsBudget, seed rsSeeds[0]): 'guarded' = every
   * cell whose analytic P(M, RS) passes the honest-user guard, or a short list of (β, γ).
   */
  gridCells: 'guarded' | readonly { beta: number; gamma: number }[];
}

export const SCALES: Record<ReproductionMode, ReproductionScale> = {
  quick: {
    rsBudget: 1200,
    rsSeeds: [1],
    baselineGrid: [0.2],
    baselineShapes: null,
    betaSweep: [0.3, 0.8, 1],
    defenseAwareBudget: 1200,
    fashion: false,
    epsArchitectures: ['I', 'J'],
    epsBudget: 600,
    epsSeeds: [1],
    epsThiefEpochs: 3,
    epsTrained: { epochs: 10, runs: [{ arch: 'I', seeds: [1] }] },
    protocolSteps: [1000],
    protocolBudgets: [150, 1200],
    protocolThieves: [],
    modesEpsilons: [0.003, 0.1],
    modesAttacks: ['sample'],
    modesBudget: 300,
    modesSeeds: [1],
    modesSeedsJacobian: [1],
    tradeoffBudget: 1200,
    gridCells: [
      { beta: 0.8, gamma: 0.5 },
      { beta: 1, gamma: 0.2 },
      { beta: 1, gamma: 0.5 },
    ],
  },
  full: {
    rsBudget: 19200,
    rsSeeds: [1, 2, 3],
    baselineGrid: [0.05, 0.2, 0.5, 1],
    baselineShapes: { noise: 0.5, rho: [0.1, 1], frequency: [3, 30] },
    betaSweep: [0.2, 0.4, 0.8, 1, 1.6],
    defenseAwareBudget: 19200,
    fashion: true,
    // Every substitute of the counter-attack paper's Table 1 (FULL_EPS_ARCHITECTURES_ALL).
    epsArchitectures: ['X', 'Y', 'A', 'F', 'G', 'H', 'I', 'J', 'K', 'L'],
    epsBudget: 9600,
    epsSeeds: [1],
    epsThiefEpochs: 1,
    epsTrained: {
      epochs: 10,
      runs: [
        { arch: 'I', seeds: [1, 2, 3] },
        { arch: 'A', seeds: [1, 2, 3] },
        { arch: 'X', seeds: [1, 2, 3] },
      ],
    },
    protocolSteps: [1000, 4000, 16000],
    protocolBudgets: [150, 1200, 19200],
    protocolThieves: ['allconv'],
    modesEpsilons: [0.003, 0.01, 0.03, 0.1],
    modesAttacks: ['sample', 'jacobian'],
    modesBudget: 1200,
    modesSeeds: [1, 2],
    modesSeedsJacobian: [1],
    tradeoffBudget: 1200,
    gridCells: 'guarded',
  },
};

/** How a Sample-attack budget reads in a setting line, beside the paper's 19,200. */
export const budgetNote = (b: number) => (b === 19200 ? '19,200 queries as in the paper' : `${b.toLocaleString('en-US')} queries (the paper: 19,200)`);

/** Rough cost in seconds on the WASM backend of a 2-core machine, for ETAs and ordering. */
export function estimatedSeconds(config: Params): number {
  const epsQueries = config.defense === 'epsilon' ? config.budget + 500 : 0;
  const epsilon = epsQueries * 0.01;
  const inversion = config.attack === 'inversion' ? 15 : 0;
  return 8 + 2 * thiefSeconds(config) + epsilon + inversion;
}

/** One thief's training, in the same rough seconds. */
function thiefSeconds(config: Params): number {
  // AllConv: ~1.5× the defender's step (its stride-2 input gradients use the slow stock WASM kernel).
  const stepMs: Record<string, number> = { X: 280, Y: 320, A: 150, F: 150, G: 140, H: 45, I: 22, J: 35, K: 40, L: 65, simple: 250, allconv: 190 };
  const steps = config.thiefProtocol === 'fresh' ? budgetSchedule(config.budget).length * config.thiefSteps : budgetSteps(config.budget) * config.thiefEpochs;
  return ((steps * (stepMs[config.substitute] ?? 100)) / 1000) * 1.3;
}

/**
 * Runs trained in one pass (params/runGroups.ts: they differ only in β and γ): the first run's
 * cost, and one more thief for each other setting (its defended thief; the defender, the queries
 * and the undefended thief are shared). An upper bound where the thieves train as one stack.
 */
export function estimatedPassSeconds(configs: readonly Params[]): number {
  if (configs.length === 0) return 0;
  return estimatedSeconds(configs[0]) + (configs.length - 1) * thiefSeconds(configs[0]);
}

/** Training steps of one thief over the budget schedule 150, 300, … (batches of 64). */
export function budgetSteps(budget: number): number {
  let steps = 0;
  for (let b = 150; b <= budget; b *= 2) steps += Math.ceil(b / 64);
  return steps;
}
