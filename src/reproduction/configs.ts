/**
 * The runs of the reproduction as plain parameter sets for the same engine the lab uses, named
 * once so an experiment's plan and its report agree on them. A run is identified by its share
 * link (toHash of its config), so any row of the report can be replayed in the lab, and
 * experiments that need the same run share it (it runs once).
 */
import { toHash } from '../params/codec';
import { DEFAULT_PARAMS, type AttackChoice, type CleaningChoice, type DefenseChoice, type Params, type RenormChoice, type SubstituteChoice } from '../params/schema';
import type { ReproductionScale } from './scale';

/**
 * Every substitute of the counter-attack paper's Table 1, named here (not derived from the
 * lab's list of substitutes, which also holds the reverse-sigmoid paper's thieves).
 */
export const FULL_EPS_ARCHITECTURES_ALL = ['X', 'Y', 'A', 'F', 'G', 'H', 'I', 'J', 'K', 'L'] as const satisfies readonly SubstituteChoice[];

export const BASELINES = ['uniform', 'concave', 'convex', 'ranking', 'sine'] as const satisfies readonly DefenseChoice[];
export const OUTPUT_MODES = ['none', 'centering', 'winner-takes-all'] as const satisfies readonly RenormChoice[];
export const THIEF_CLEANING = ['naive', 'clean'] as const satisfies readonly CleaningChoice[];
export const DEFENSE_AWARE_ATTACKS = ['rs-layer', 'mse', 'inversion', 'argmax'] as const satisfies readonly AttackChoice[];

/** The reverse sigmoid's setting in the lab's defaults, as the report's settings say it. */
export const RS_DEFAULTS = `β = ${DEFAULT_PARAMS.beta}, γ = ${DEFAULT_PARAMS.gamma}`;

export function configOf(overrides: Partial<Params>): Params {
  return { ...DEFAULT_PARAMS, ...overrides };
}

export function runKey(config: Params): string {
  return toHash(config);
}

export function rsConfig(scale: ReproductionScale, seed: number, overrides: Partial<Params> = {}): Params {
  return configOf({ attack: 'sample', defense: 'reverse-sigmoid', budget: scale.rsBudget, seed, ...overrides });
}

/** One point of a baseline's grid: its noise scale and, where it differs from the default, its shape. */
export interface BaselineSetting {
  noise: number;
  rho?: number;
  frequency?: number;
}

export function baselineConfig(scale: ReproductionScale, defense: DefenseChoice, setting: number | BaselineSetting): Params {
  const s = typeof setting === 'number' ? { noise: setting } : setting;
  return configOf({ attack: 'sample', defense, ...s, budget: scale.rsBudget, seed: scale.rsSeeds[0] });
}

/** The settings the paper's rule chooses a baseline's parameters from: the noise grid, then the shapes. */
export function baselineSettings(scale: ReproductionScale, defense: DefenseChoice): BaselineSetting[] {
  const out: BaselineSetting[] = scale.baselineGrid.map((noise) => ({ noise }));
  const shapes = scale.baselineShapes;
  if (shapes && (defense === 'concave' || defense === 'convex')) out.push(...shapes.rho.map((rho) => ({ noise: shapes.noise, rho })));
  if (shapes && defense === 'sine') out.push(...shapes.frequency.map((frequency) => ({ noise: shapes.noise, frequency })));
  return out;
}

/** "β=0.5, ρ=0.1": a baseline setting as the tables name it. */
export function baselineLabel(s: BaselineSetting): string {
  return [`β=${s.noise}`, s.rho !== undefined ? `ρ=${s.rho}` : null, s.frequency !== undefined ? `f=${s.frequency}` : null].filter(Boolean).join(', ');
}

export function betaSweepConfig(scale: ReproductionScale, beta: number): Params {
  return rsConfig(scale, scale.rsSeeds[0], { beta });
}

export function defenseAwareConfig(scale: ReproductionScale, attack: AttackChoice): Params {
  return configOf({ attack, defense: 'reverse-sigmoid', budget: scale.defenseAwareBudget, seed: scale.rsSeeds[0] });
}

/** Counter-attack paper, Sec. 3: Jacobian thief, 150 seeds, raw y* (main text), ε = 0.003. */
export function epsTableConfig(scale: ReproductionScale, substitute: string, seed: number, thiefEpochs = scale.epsThiefEpochs): Params {
  return configOf({
    attack: 'jacobian',
    defense: 'epsilon',
    epsilon: 0.003,
    renorm: 'none',
    cleaning: 'naive',
    substitute: substitute as Params['substitute'],
    budget: scale.epsBudget,
    thiefEpochs,
    seed,
  });
}

export function modesConfig(scale: ReproductionScale, epsilon: number, renorm: RenormChoice, cleaning: CleaningChoice, attack: AttackChoice, seed: number): Params {
  return configOf({ attack, defense: 'epsilon', epsilon, renorm, cleaning, budget: scale.modesBudget, seed });
}

export function modesSeedsFor(scale: ReproductionScale, attack: AttackChoice): number[] {
  return attack === 'jacobian' ? scale.modesSeedsJacobian : scale.modesSeeds;
}

/** The reverse sigmoid's main runs (the lab's default β, γ: the grid search's choice), one per seed: Tables I and II read them all, the defense-aware experiment the first. */
export function rsMainConfigs(scale: ReproductionScale): Params[] {
  return scale.rsSeeds.map((seed) => rsConfig(scale, seed));
}

/** Every baseline at every noise scale of the grid: Table I picks from them, the trade-off chart shows them all. */
export function baselineConfigs(scale: ReproductionScale): Params[] {
  return BASELINES.flatMap((d) => baselineSettings(scale, d).map((s) => baselineConfig(scale, d, s)));
}
