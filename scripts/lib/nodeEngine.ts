/**
 * The lab's engine (runExperiment) in Node on the WASM backend: the same code the page's worker
 * runs, with the shipped defenders read from public/models and data from public/data. Used by
 * the command-line runners (run-experiment, run-runs).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadRealDataset } from '../../src/data/testing';
import { toyDataset } from '../../src/data/toyDataset';
import { isToyDataset } from '../../src/params/schema';
import type { Dataset } from '../../src/data/load';
import type { DatasetId } from '../../src/data/manifest';
import { loadLayersModelFromDisk, useWasmBackendInNode } from '../../src/models/testing';
import { defenderKey, memoryStore, type ModelStore } from '../../src/engine/defenderProvider';
import { runExperiment, runExperimentGroup, type GroupRun, type RunContext } from '../../src/engine/experiment';
import type { CurvePoint, EngineEvent, ExperimentConfig, RunSummary } from '../../src/engine/protocol';

const MODELS = resolve(import.meta.dirname, '../../public/models');

async function shippedFromDisk(config: ExperimentConfig): Promise<tf.LayersModel | null> {
  const manifest = JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8')) as { models: { key: string; path: string }[] };
  const entry = manifest.models.find((m) => m.key === defenderKey(config));
  return entry ? loadLayersModelFromDisk(join(MODELS, entry.path)) : null;
}

export interface NodeEngine {
  run(config: ExperimentConfig, onEvent?: (e: EngineEvent) => void): Promise<{ summary: RunSummary; points: CurvePoint[] }>;
  /** Settings that differ only in β and γ, in one pass (runExperimentGroup): each one's summary and curve. */
  runGroup(configs: ExperimentConfig[], onEvent?: (e: EngineEvent) => void): Promise<GroupRun[]>;
}

/** Starts WASM once; data sets load on first use; live-trained defenders are kept for the process. */
export async function startNodeEngine(): Promise<NodeEngine> {
  await useWasmBackendInNode();
  const datasets = new Map<DatasetId, Promise<Dataset>>();
  const store: ModelStore = memoryStore();
  let runId = 0;
  const contextFor = async (config: ExperimentConfig, onEvent?: (e: EngineEvent) => void): Promise<RunContext> => {
    // A 2-D data set is drawn from its seed, as the page's worker draws it.
    const id = config.dataset;
    const dataset = isToyDataset(id)
      ? toyDataset({ dataset: id, toyClasses: config.toyClasses, toyNoise: config.toyNoise, toySeed: config.toySeed })
      : await (datasets.get(id) ?? datasets.set(id, loadRealDataset(id)).get(id)!);
    return {
      runId: ++runId,
      dataset,
      backend: 'wasm',
      store,
      shippedDefender: shippedFromDisk,
      emit: (e) => onEvent?.(e),
      isCancelled: () => false,
      yieldNow: () => Promise.resolve(),
      now: () => performance.now(),
    };
  };
  return {
    async run(config, onEvent) {
      const points: CurvePoint[] = [];
      const summary = await runExperiment(
        config,
        await contextFor(config, (e) => {
          if (e.type === 'point') points.push(e.point);
          onEvent?.(e);
        }),
      );
      return { summary, points };
    },
    async runGroup(configs, onEvent) {
      return runExperimentGroup(configs, await contextFor(configs[0], onEvent));
    },
  };
}
