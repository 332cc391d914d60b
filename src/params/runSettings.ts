/**
 * Which parameters make a run what it is. A defense's own settings (β and γ for the reverse
 * sigmoid, ε and its output mode for the counter-attack, …) are listed once here, for the
 * controls that show them and for the check that says whether results on screen still match
 * the settings: changing ε while the reverse sigmoid is chosen changes nothing about the run.
 */
import { isToyDataset, PARAMS, type DefenseChoice, type ParamKey, type Params } from './schema';

/** Each defense's settings, in the order its controls appear. */
export const DEFENSE_SETTINGS: Readonly<Record<DefenseChoice, readonly ParamKey[]>> = {
  'reverse-sigmoid': ['beta', 'gamma'],
  epsilon: ['epsilon', 'renorm', 'epsDirection'],
  uniform: ['noise'],
  concave: ['noise', 'rho'],
  convex: ['noise', 'rho'],
  ranking: ['noise'],
  sine: ['noise', 'frequency'],
};

/**
 * Settings that never change a run's numbers: how the page looks (lesson, presenter and embed modes
 * included), which view is open, the price
 * the bill is shown at (it is recomputed live), and which backend trains (the numbers agree across
 * backends up to float rounding; the page says which one ran).
 */
const PRESENTATION: ReadonlySet<ParamKey> = new Set<ParamKey>(['theme', 'view', 'backend', 'calibrate', 'threads', 'price', 'lesson', 'present', 'embed', 'demo']);

const DEFENSE_ONLY: ReadonlySet<ParamKey> = new Set(Object.values(DEFENSE_SETTINGS).flat());

/** The training length that applies: epochs per budget step for a continuing thief, steps for a fresh one. */
const PROTOCOL_ONLY: Readonly<Record<Params['thiefProtocol'], ParamKey>> = { continue: 'thiefEpochs', fresh: 'thiefSteps' };

/** The 2-D data's own settings: they mean nothing for an image data set. */
export const TOY_DATA_SETTINGS: readonly ParamKey[] = ['toyClasses', 'toyNoise', 'toySeed'];
/** The MLP thief's shape: it means nothing for the other thieves. */
export const MLP_SETTINGS: readonly ParamKey[] = ['mlpWidth', 'mlpDepth'];

/** The parameters that define run `p`, in the schema's order. */
export function runSettingKeys(p: Params): ParamKey[] {
  const own = new Set(DEFENSE_SETTINGS[p.defense]);
  const unused = new Set<ParamKey>([PROTOCOL_ONLY[p.thiefProtocol === 'fresh' ? 'continue' : 'fresh']]);
  if (!isToyDataset(p.dataset)) for (const k of TOY_DATA_SETTINGS) unused.add(k);
  if (p.substitute !== 'mlp') for (const k of MLP_SETTINGS) unused.add(k);
  return (Object.keys(PARAMS) as ParamKey[]).filter(
    (k) => !PRESENTATION.has(k) && (!DEFENSE_ONLY.has(k) || own.has(k)) && !unused.has(k),
  );
}

/** The settings of run `made` that `live` changed (empty: the results on screen are the live settings'). */
export function changedRunSettings(made: Params, live: Params): ParamKey[] {
  const keys = new Set([...runSettingKeys(made), ...runSettingKeys(live)]);
  return (Object.keys(PARAMS) as ParamKey[]).filter((k) => keys.has(k) && made[k] !== live[k]);
}

/** `run`'s settings with the page's own presentation settings (theme, view, lesson, backend …) kept from `page`. */
export function withPresentationOf(run: Params, page: Params): Params {
  const out: Params = { ...run };
  for (const k of PRESENTATION) (out as Record<ParamKey, unknown>)[k] = page[k];
  return out;
}
