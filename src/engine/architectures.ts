/**
 * Which network a run builds for its defender and its thieves. The image lab's defender is the
 * CNN of the registry; on the playground's 2-D points there is no image for a convolution to
 * slide over, so every model is an MLP: the defender a fixed one, the thieves as wide and deep as
 * the settings say.
 */
import type { Dataset } from '../data/load';
import type { ModelId } from '../models/registry';
import type { ExperimentConfig } from './protocol';

/** What buildModel needs besides the seed and shapes. */
export interface Architecture {
  id: ModelId;
  dense?: readonly number[];
}

/**
 * The playground's defender: three hidden layers of 64. Enough to fit a 5-class spiral at low
 * noise (its test accuracy is measured in architectures.test.ts), small enough to train in about
 * a second on a 2-core CPU.
 */
export const TOY_DEFENDER_HIDDEN: readonly number[] = [64, 64, 64];

export function defenderArchitecture(dataset: Pick<Dataset, 'kind'>): Architecture {
  return dataset.kind === 'points' ? { id: 'mlp', dense: TOY_DEFENDER_HIDDEN } : { id: 'defender' };
}

export function thiefArchitecture(config: Pick<ExperimentConfig, 'substitute' | 'mlpWidth' | 'mlpDepth'>): Architecture {
  if (config.substitute !== 'mlp') return { id: config.substitute };
  return { id: 'mlp', dense: Array.from({ length: config.mlpDepth }, () => config.mlpWidth) };
}
