/**
 * The drawing pad: one image (drawn, or a test image) through the defender, through the defense
 * (the oracle's own `answer`, so it is exactly what a thief would receive), and through the
 * latest finished run's two thieves.
 *
 * Tensors: the defender is cached between calls, keyed by its defenderKey, and replaced when the
 * key changes. The thieves are not kept from the run: at its end the worker copies their weights
 * into plain arrays (`snapshotThieves`), and the models are rebuilt from those on first use,
 * then cached until the next run starts (`setThieves`) or the pad asks about another data set.
 * While a run is measuring its tensor count, `keep: false` loads whatever is missing for the one
 * call and disposes it afterwards, so the count the run sees does not move.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/load';
import { imagesToFloat } from '../data/load';
import { buildModel } from '../models/registry';
import { predictProbabilities } from '../models/training';
import { defenderKey } from './defenderProvider';
import { Oracle } from './oracle';
import type { ClassifyResult, ExperimentConfig } from './protocol';
import type { LiveModels } from './experiment';

/** One weight tensor, copied out of the engine. */
export interface WeightArray {
  shape: number[];
  values: Float32Array;
}

/** The two thieves of one finished run, as plain arrays (no tensors). */
export interface ThiefSnapshot {
  runId: number;
  config: ExperimentConfig;
  inputShape: [number, number, number];
  numClasses: number;
  undefended: WeightArray[];
  defended: WeightArray[];
}

export type DefenderLoader = (config: ExperimentConfig) => Promise<tf.LayersModel | null>;

/** No trained defender exists for these settings (the pad never trains one). */
export class NoDefenderError extends Error {
  constructor() {
    super('No trained defender for these settings yet.');
    this.name = 'NoDefenderError';
  }
}

/** Copies a model's weights out of the engine (getWeights returns the variables themselves: no new tensors). */
export async function copyWeights(model: tf.LayersModel): Promise<WeightArray[]> {
  const out: WeightArray[] = [];
  for (const w of model.getWeights()) {
    // A copy: some backends hand back their own buffer.
    out.push({ shape: w.shape.slice(), values: Float32Array.from(await w.data()) });
  }
  return out;
}

function inputShapeOf(model: tf.LayersModel): [number, number, number] {
  const [, h, w, c] = model.inputs[0].shape;
  if (typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') throw new Error('model input shape unknown');
  return [h, w, c];
}

function numClassesOf(model: tf.LayersModel): number {
  const k = model.outputs[0].shape.at(-1);
  if (typeof k !== 'number') throw new Error('model output width unknown');
  return k;
}

/** The RunContext.onThieves hook's work: both thieves' weights as plain arrays. */
export async function snapshotThieves(
  runId: number,
  thieves: { undefended: tf.LayersModel; defended: tf.LayersModel; config: ExperimentConfig },
): Promise<ThiefSnapshot> {
  return {
    runId,
    config: { ...thieves.config },
    inputShape: inputShapeOf(thieves.undefended),
    numClasses: numClassesOf(thieves.undefended),
    undefended: await copyWeights(thieves.undefended),
    defended: await copyWeights(thieves.defended),
  };
}

/** Rebuilds one thief: the run's architecture, then its trained weights. */
function rebuildThief(snapshot: ThiefSnapshot, weights: WeightArray[]): tf.LayersModel {
  const model = buildModel(snapshot.config.substitute, {
    seed: snapshot.config.seed + 1,
    inputShape: snapshot.inputShape,
    numClasses: snapshot.numClasses,
  });
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  try {
    model.setWeights(tensors);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    // setWeights writes the values into the model's own variables.
    tf.dispose(tensors);
  }
  return model;
}

/** One test image as the pad shows it: 784 values 0–1 and its true label. */
export function testImage(dataset: Dataset, index: number): { index: number; label: number; pixels: Float32Array } {
  const i = Math.min(Math.max(0, Math.floor(index)), dataset.test.count - 1);
  return { index: i, label: dataset.test.labels[i], pixels: imagesToFloat(dataset.test.images, Uint32Array.of(i)) };
}

export interface ClassifyOptions {
  /** Cache what this call loads (false while a run is measuring its tensor count). */
  keep: boolean;
  /**
   * The running experiment's models (lent between two training steps): its thieves answer as
   * trained so far, and its defender serves when the settings name the same one.
   */
  live?: (LiveModels & { runId: number }) | null;
}

export class PadClassifier {
  private defender: { key: string; model: tf.LayersModel } | null = null;
  private snapshot: ThiefSnapshot | null = null;
  private thieves: { undefended: tf.LayersModel; defended: tf.LayersModel } | null = null;
  /** Calls run one at a time: each may load or replace the cached models. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly loadDefender: DefenderLoader) {}

  /** The run whose thieves answer, if any. */
  get thiefRunId(): number | null {
    return this.snapshot?.runId ?? null;
  }

  /** A new run started (null) or one finished (its thieves): the old thief models go. */
  setThieves(snapshot: ThiefSnapshot | null): void {
    this.disposeThieves();
    this.snapshot = snapshot;
  }

  /** The defender was retrained: the cached one is stale. */
  forgetDefender(): void {
    this.defender?.model.dispose();
    this.defender = null;
  }

  /** Frees every cached model. */
  dispose(): void {
    this.disposeThieves();
    this.snapshot = null;
    this.forgetDefender();
  }

  /** The answers for one image: `pixels` are h×w×c values 0–1. Throws NoDefenderError if none exists. */
  classify(pixels: ArrayLike<number>, config: ExperimentConfig, classifyId: number, opts: ClassifyOptions): Promise<ClassifyResult> {
    const result = this.queue.then(() => this.classifyNow(pixels, config, classifyId, opts));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async classifyNow(pixels: ArrayLike<number>, config: ExperimentConfig, classifyId: number, { keep, live }: ClassifyOptions): Promise<ClassifyResult> {
    const transient: tf.LayersModel[] = [];
    // A running experiment's thieves learned this data set: they answer, as trained so far.
    const lent = live && live.config.dataset === config.dataset ? live : null;
    try {
      const defender =
        lent && defenderKey(lent.config) === defenderKey(config) ? lent.defender : await this.defenderFor(config, keep, transient);
      const [h, w, c] = inputShapeOf(defender);
      const k = numClassesOf(defender);
      if (pixels.length !== h * w * c) throw new RangeError(`the pad sent ${pixels.length} pixels, the defender takes ${h}×${w}×${c}`);
      const values = Float32Array.from(pixels, (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0));
      const x = tf.tensor4d(values, [1, h, w, c]);
      try {
        // A fresh oracle per image: the same code (and, for the noise baselines, the same seeded
        // stream) that answers the thief's first query.
        const answer = await new Oracle(defender, config, k).answer(x);
        const thieves = lent ?? this.thievesFor(config, keep, transient);
        const from = lent ? { runId: lent.runId, queries: lent.queries } : thieves ? { runId: this.snapshot!.runId, queries: this.snapshot!.config.budget } : null;
        return {
          classifyId,
          defender: Array.from(answer.original),
          defended: Array.from(answer.defended),
          thiefUndefended: thieves ? Array.from(await predictProbabilities(thieves.undefended, x)) : null,
          thiefDefended: thieves ? Array.from(await predictProbabilities(thieves.defended, x)) : null,
          thiefRunId: from?.runId ?? null,
          thiefQueries: from?.queries ?? null,
          thiefLive: lent !== null,
        };
      } finally {
        x.dispose();
      }
    } finally {
      for (const m of transient) m.dispose();
    }
  }

  private async defenderFor(config: ExperimentConfig, keep: boolean, transient: tf.LayersModel[]): Promise<tf.LayersModel> {
    const key = defenderKey(config);
    if (this.defender?.key === key) return this.defender.model;
    const model = await this.loadDefender(config);
    if (!model) throw new NoDefenderError();
    if (keep) {
      this.forgetDefender();
      this.defender = { key, model };
    } else {
      transient.push(model);
    }
    return model;
  }

  private thievesFor(config: ExperimentConfig, keep: boolean, transient: tf.LayersModel[]) {
    const snap = this.snapshot;
    if (!snap || snap.config.dataset !== config.dataset) {
      // Another data set: these thieves cannot answer; free their models (the arrays stay).
      if (keep) this.disposeThieves();
      return null;
    }
    if (this.thieves) return this.thieves;
    const undefended = rebuildThief(snap, snap.undefended);
    let defended: tf.LayersModel;
    try {
      defended = rebuildThief(snap, snap.defended);
    } catch (e) {
      undefended.dispose();
      throw e;
    }
    if (keep) this.thieves = { undefended, defended };
    else transient.push(undefended, defended);
    return { undefended, defended };
  }

  private disposeThieves(): void {
    if (!this.thieves) return;
    this.thieves.undefended.dispose();
    this.thieves.defended.dispose();
    this.thieves = null;
  }
}
