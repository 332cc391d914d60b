/**
 * What the engine's tests share to run an experiment without a worker: a RunContext on a given
 * data set that records every event, a clock that moves 10 ms per reading, the curve points out of
 * the recorded events, and the small real-MNIST run most of them train.
 */
import type { Dataset } from '../data/load';
import { loadRealDataset, sliceDataset } from '../data/testing';
import { DEFAULT_PARAMS } from '../params/schema';
import { memoryStore, type ModelStore } from './defenderProvider';
import type { RunContext } from './experiment';
import type { CurvePoint, EngineEvent, ExperimentConfig } from './protocol';

export function recordingRunContext(dataset: Dataset, over: Partial<RunContext> = {}, store: ModelStore = memoryStore()): RunContext & { events: EngineEvent[] } {
  const events: EngineEvent[] = [];
  let t = 0;
  return {
    runId: 1,
    dataset,
    backend: 'wasm',
    store,
    shippedDefender: null,
    emit: (e) => events.push(e),
    isCancelled: () => false,
    yieldNow: () => Promise.resolve(),
    now: () => (t += 10),
    ...over,
    events,
  };
}

/** The curve points among recorded events, in order. */
export const pointsOf = (events: EngineEvent[]): CurvePoint[] => events.flatMap((e) => (e.type === 'point' ? [e.point] : []));

/**
 * Small slices of real MNIST for the WASM backend in Node (CPU only, no GPU): the defender (the
 * real CNN) trains on 67% of 1,200 images for one epoch, the thief is the MLP "I". The pure-JS
 * 'cpu' backend would need ~40 s per CNN step (see models/testing.ts), WASM a fraction of a second.
 */
export const MNIST_SLICE_CONFIG: ExperimentConfig = {
  ...DEFAULT_PARAMS,
  substitute: 'I',
  budget: 300,
  thiefEpochs: 2,
  evalSize: 200,
  defenderEpochs: 1,
  shift: 1,
  seed: 7,
  // A one-epoch defender gives unsure answers, and at the default β = 1 answers under 50% sure can
  // get another class on top; β = 0.8 keeps the top class for every answer, which the tests use.
  beta: 0.8,
};

/** The data set MNIST_SLICE_CONFIG runs on: 1,200 training and 200 test images. */
export async function loadMnistSlice(): Promise<Dataset> {
  return sliceDataset(await loadRealDataset('mnist'), 1200, 200);
}
