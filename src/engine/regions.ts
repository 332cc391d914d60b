/**
 * The 2-D playground's pictures of the plane: after each budget step, every model answers at
 * each cell centre of the grid (math/regionGrid.ts), and the thieves' queries are read back with
 * the class their answers gave them. The defender and its defended answers do not change during
 * a run, so they are computed once per run; the thieves are asked again at every step.
 */
import * as tf from '@tensorflow/tfjs';
import { imagesToFloat, valuesPerItem, type Dataset } from '../data/load';
import { argmaxRows } from '../math/metrics';
import { gridPoints, REGION_SIDE } from '../math/regionGrid';
import { predictProbabilities } from '../models/training';
import type { Answered, LiveModels } from './experiment';
import { Oracle } from './oracle';
import type { RegionsFrame } from './protocol';

export interface RegionPainter {
  /** The frame of one budget step; creates no tensor that outlives the call. */
  frame(live: LiveModels): Promise<RegionsFrame>;
}

/** Test points drawn over the defender's picture: enough to show the data's shape, few enough not to hide the regions. */
export const DATA_POINTS_SHOWN = 400;

/** The first `count` test points of a 2-D data set, as coordinates in the unit square (bytes / 255), with their classes. */
export function dataSample(dataset: Dataset, count: number = DATA_POINTS_SHOWN): { xy: Float32Array; classes: Uint8Array } {
  const n = Math.min(count, dataset.test.count);
  const per = valuesPerItem(dataset);
  if (per !== 2) throw new RangeError(`a picture of the plane needs 2-D points, not items of ${per} values`);
  return { xy: imagesToFloat(dataset.test.images.subarray(0, n * 2), undefined, 2), classes: dataset.test.labels.slice(0, n) };
}

/** A painter for one run on `dataset`: `between` is the run's checkpoint (the ε answers over the plane are chunked). */
export function createRegionPainter(dataset: Dataset, between: () => Promise<void>, side: number = REGION_SIDE): RegionPainter {
  let plane: { defender: Float32Array; defended: Float32Array } | null = null;
  const k = dataset.numClasses;
  const data = dataSample(dataset);
  const points = async (a: Answered) => {
    const [xy, targets] = await Promise.all([a.x.data(), a.targets.data()]);
    return { xy: Float32Array.from(xy), classes: Uint8Array.from(argmaxRows(targets as Float32Array, k)) };
  };
  return {
    async frame(live) {
      const x = tf.tensor4d(gridPoints(side), [side * side, 1, 2, 1]);
      try {
        if (plane === null) {
          // Its own oracle: the plane's answers are no thief's queries and must not enter the run's counts.
          const answers = await new Oracle(live.defender, live.config, k, null, between).answer(x);
          plane = { defender: answers.original, defended: answers.defended };
        }
        const undefendedThief = await predictProbabilities(live.undefended, x);
        const defendedThief = await predictProbabilities(live.defended, x);
        const und = await points(live.answered.undefended);
        const def = await points(live.answered.defended);
        return {
          queries: live.queries,
          side,
          numClasses: k,
          defender: plane.defender,
          defended: plane.defended,
          undefendedThief,
          defendedThief,
          undefendedPoints: und.xy,
          undefendedPointClasses: und.classes,
          defendedPoints: def.xy,
          defendedPointClasses: def.classes,
          dataPoints: data.xy,
          dataClasses: data.classes,
        };
      } finally {
        x.dispose();
      }
    },
  };
}
