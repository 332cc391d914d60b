/**
 * A 2-D data set of the playground as a {@link Dataset}, the same type the lab's image sets
 * load into, so the oracle, attacks, thieves and defenses run on it through the same code. Each
 * point is stored like a 1×2 "image" of two bytes: its coordinates on a 256-step lattice over
 * the unit square (the models read them back as value / 255, exactly as they read pixels). The
 * lattice step, 1/255 ≈ 0.004, is finer than a heatmap cell and far below any noise setting.
 */
import { createRng } from '../math/random';
import type { ToyDatasetChoice } from '../params/schema';
import type { Dataset, Split } from './load';
import { TOY_INFO, toyClassNames, toyPoints, type ToySpec } from './toy';

/** Training points (the defender learns on 67% of them, the attacker's pool is the other 33%: 1,980). */
export const TOY_TRAIN_COUNT = 6000;
/** Test points, scoring every model as the image lab's 10,000 test images do. */
export const TOY_TEST_COUNT = 2000;
/** A point as the models see it: [height 1, width 2, channels 1]. */
export const TOY_SHAPE: [1, 2, 1] = [1, 2, 1];

/** The playground's data settings, as the parameter set holds them. */
export interface ToySettings {
  dataset: ToyDatasetChoice;
  toyClasses: number;
  toyNoise: number;
  toySeed: number;
}

function toSplit(xy: Float32Array, labels: Uint8Array): Split {
  const images = new Uint8Array(xy.length);
  for (let i = 0; i < xy.length; i++) images[i] = Math.round(Math.min(1, Math.max(0, xy[i])) * 255);
  return { count: labels.length, images, labels };
}

/** The data set of `s`: the same settings give the same bytes (train and test drawn from independent streams of the seed). */
export function toyDataset(s: ToySettings): Dataset {
  const spec: ToySpec = { id: s.dataset, classes: s.toyClasses, noise: s.toyNoise, seed: s.toySeed };
  const rng = createRng(s.toySeed);
  const trainRng = rng.fork();
  const testRng = rng.fork();
  const train = toyPoints(spec, TOY_TRAIN_COUNT, trainRng);
  const test = toyPoints(spec, TOY_TEST_COUNT, testRng);
  return {
    id: s.dataset,
    kind: 'points',
    name: TOY_INFO[s.dataset].label,
    classNames: toyClassNames(s.toyClasses),
    shape: [...TOY_SHAPE],
    numClasses: s.toyClasses,
    train: toSplit(train.xy, train.labels),
    test: toSplit(test.xy, test.labels),
  };
}

/** A cache key for the data of `s` (the worker keeps generated sets by it). */
export function toyDatasetKey(s: ToySettings): string {
  return `${s.dataset}-k${s.toyClasses}-n${s.toyNoise}-s${s.toySeed}`;
}
