/**
 * One experiment: the defender answers a thief's queries, and two thieves that start from the
 * same weights train side by side — one on the undefended answers, one on the defended ones —
 * so their curves differ only by the defense. Runs in the worker (and in Node tests on the
 * CPU backend). Every tensor it creates is disposed on success, cancel and error.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/load';
import { defenderAttackerSplit, imagesToFloat } from '../data/load';
import { argmaxRows } from '../math/metrics';
import { createRng, shuffleInPlace } from '../math/random';
import { budgetSchedule } from '../math/schedule';
import { fgsm, jacobianStep } from '../models/adversarial';
import { buildModel } from '../models/registry';
import { createOptimizer, mseOnProbabilities, predictProbabilities, softCrossEntropy } from '../models/training';
import { invertAnswers, sameDefenseLayerLoss, trainInversionMlp } from '../models/defenseAware';
import { thiefTrainStep } from './thiefStep';
import { getDefender, type ModelStore } from './defenderProvider';
import { Oracle } from './oracle';
import type { GramCache } from './gramCache';
import { costOf, fractionEqual, queryImages, sampleStrip, toTargets } from './queries';
export { cleanAnswers } from './queries';
import type {
  BackendName,
  CurvePoint,
  EngineEvent,
  ExperimentConfig,
  Phase,
  RunSummary,
  ThiefScore,
} from './protocol';

export const THIEF_BATCH = 64;
export const THIEF_LEARNING_RATE = 1e-3;
/** Papernot et al.'s step size for Jacobian augmentation (also the reverse-sigmoid paper's). */
export const JACOBIAN_LAMBDA = 0.1;
/** Images per Jacobian-augmentation pass (bounds the memory of a CNN thief's input gradients). */
export const JACOBIAN_CHUNK = 256;
/** ε answers are expensive (K gradients per query), so honest-user accuracy under ε uses fewer images. */
export const PROTECTED_EVAL_CAP_EPSILON = 500;
export const FGSM_EVAL_CAP = 1000;
/** A mean thief loss beyond this (or non-finite) is reported as diverged, not plotted. */
export const DIVERGED_LOSS = 1e4;
/** Reverse-sigmoid Sec. IV-D: the inversion MLP learns from 16,670 (defended, honest) pairs. */
export const INVERSION_PAIRS = 16670;
/** ε answers cost K gradients each, so the ε inversion attack learns from fewer pairs. */
export const INVERSION_PAIRS_EPSILON = 1000;
export const INVERSION_EPOCHS = 5;

export class CancelledError extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'CancelledError';
  }
}

export interface RunContext {
  runId: number;
  dataset: Dataset;
  backend: BackendName;
  store: ModelStore;
  shippedDefender: ((config: ExperimentConfig) => Promise<tf.LayersModel | null>) | null;
  /** Train the defender afresh (and replace the cached one), ignoring cache and shipped weights. */
  retrainDefender?: boolean;
  emit(event: EngineEvent): void;
  isCancelled(): boolean;
  /** Lets queued messages (a stop command) in; resolves on the next turn of the event loop. */
  yieldNow(): Promise<void>;
  now(): number;
  /** ε defense: per-image Gram matrices shared across runs (cleared when the defender is retrained). */
  gramCache?: GramCache;
  /**
   * Called once at the end of a successful run, before the thieves are disposed (the drawing pad
   * copies their weights out here). It must not keep the models or create tensors it does not
   * dispose: the run's tensor count is checked right after.
   */
  onThieves?(snapshot: { undefended: tf.LayersModel; defended: tf.LayersModel; config: ExperimentConfig }): void | Promise<void>;
  /**
   * While the run trains: its defender and thieves as they are after each budget step, for the
   * drawing pad to answer with between two training steps; called with null before they are
   * freed. The receiver may predict with them but must not keep or change them.
   */
  onLiveModels?(live: LiveModels | null): void;
}

/** The models of a running experiment, lent to the drawing pad (engine/classify.ts). */
export interface LiveModels {
  defender: tf.LayersModel;
  undefended: tf.LayersModel;
  defended: tf.LayersModel;
  config: ExperimentConfig;
  /** Queries per thief at the latest budget step (they go on training from there). */
  queries: number;
}

/** One thief: its model, optimizer, and the answers it has collected so far (device-resident). */
interface Thief {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  x: tf.Tensor4D | null;
  targets: tf.Tensor2D | null;
  lastLoss: number | null;
}

export async function runExperiment(config: ExperimentConfig, ctx: RunContext): Promise<RunSummary> {
  const started = ctx.now();
  const numTensorsBefore = tf.memory().numTensors;
  const { dataset } = ctx;
  const [h, w, c] = dataset.shape;
  const k = dataset.numClasses;
  const owned: { dispose(): void }[] = [];
  const own = <T extends { dispose(): void }>(t: T): T => {
    owned.push(t);
    return t;
  };

  let lastProgressAt = -Infinity;
  let phaseStart = started;
  const phase = (p: Phase, detail: string) => {
    phaseStart = ctx.now();
    lastProgressAt = -Infinity;
    ctx.emit({ type: 'phase', runId: ctx.runId, phase: p, detail });
  };
  const progress = (p: Phase, done: number, total: number) => {
    const t = ctx.now();
    if (done < total && t - lastProgressAt < 250) return;
    lastProgressAt = t;
    const elapsed = t - phaseStart;
    ctx.emit({
      type: 'progress',
      runId: ctx.runId,
      phase: p,
      done,
      total,
      etaMs: done > 0 ? (elapsed / done) * (total - done) : null,
    });
  };
  const checkpoint = async () => {
    await ctx.yieldNow();
    if (ctx.isCancelled()) throw new CancelledError();
  };

  try {
    // --- The defender -------------------------------------------------------------------
    phase('defender', 'Loading or training the defender');
    const { model: defender, source } = await getDefender(dataset, config, ctx.store, ctx.shippedDefender, {
      onProgress: (d, t) => progress('defender', d, t),
      checkpoint,
    }, ctx.retrainDefender ?? false);
    own(defender);
    // Fresh weights under the same key: cached Gram matrices of the old ones are no longer valid.
    if (source === 'trained') ctx.gramCache?.clear();

    // The evaluation images: the first evalSize of the test set (its order is fixed by the data files).
    const evalN = Math.min(config.evalSize, dataset.test.count);
    const evalIdx = Uint32Array.from({ length: evalN }, (_, i) => i);
    const xEval = own(tf.tensor4d(imagesToFloat(dataset.test.images, evalIdx), [evalN, h, w, c]));
    const evalLabels = dataset.test.labels.subarray(0, evalN);
    const defenderEvalProbs = await predictProbabilities(defender, xEval);
    const defenderPred = argmaxRows(defenderEvalProbs, k);
    const defenderAccuracy = fractionEqual(defenderPred, evalLabels);
    ctx.emit({ type: 'defender', runId: ctx.runId, source, testAccuracy: defenderAccuracy });

    // Honest users: the defender's accuracy as seen through the defense.
    const protectedN = config.defense === 'epsilon' ? Math.min(evalN, PROTECTED_EVAL_CAP_EPSILON) : evalN;
    const honest = new Oracle(defender, config, k, ctx.gramCache ?? null);
    const honestX = own(xEval.slice(0, protectedN));
    const honestAnswers = await honest.answer(honestX);
    const protectedPred = argmaxRows(honestAnswers.defended, k);
    const protectedAccuracy = fractionEqual(protectedPred, evalLabels.subarray(0, protectedN));
    // P(M, defense) of the reverse-sigmoid paper's Table I: the protected model's agreement with M.
    const protectedAgreement = fractionEqual(protectedPred, defenderPred.subarray(0, protectedN));
    await checkpoint();

    // --- The attack ---------------------------------------------------------------------
    phase('attack', `${config.attack} attack on thief ${config.substitute}`);
    const oracle = new Oracle(defender, config, k, ctx.gramCache ?? null);
    const rng = createRng(config.seed);
    const { attacker } = defenderAttackerSplit(dataset.train);
    const pool = shuffleInPlace(Uint32Array.from(attacker), rng);
    const schedule = budgetSchedule(config.budget);
    const makeThief = (): Thief => ({
      // The same seed for both: identical starting weights, so only the answers differ.
      model: own(buildModel(config.substitute, { seed: config.seed + 1, inputShape: [h, w, c], numClasses: k })),
      optimizer: own(createOptimizer('adam', THIEF_LEARNING_RATE)),
      x: null,
      targets: null,
      lastLoss: null,
    });
    const thieves = { undefended: makeThief(), defended: makeThief() };
    const loss = thiefLoss(config);

    // Inversion attack: the thief knows the defense and its parameters, so it can produce
    // (defended, honest) pairs on its own images (the paper's assumption; not billed as queries)
    // and learn to map answers back. Only the defended thief's answers are inverted.
    let inversion: tf.LayersModel | null = null;
    if (config.attack === 'inversion') {
      const pairs = Math.min(pool.length, config.defense === 'epsilon' ? INVERSION_PAIRS_EPSILON : INVERSION_PAIRS);
      ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'attack', detail: `Training the inversion MLP on ${pairs} answer pairs` });
      const knowledge = new Oracle(defender, config, k, ctx.gramCache ?? null);
      const pairX = tf.tensor4d(imagesToFloat(dataset.train.images, pool.subarray(pool.length - pairs)), [pairs, h, w, c]);
      const pairAnswers = await knowledge.answer(pairX).finally(() => pairX.dispose());
      inversion = own(await trainInversionMlp(pairAnswers.defended, pairAnswers.original, k, { epochs: INVERSION_EPOCHS, seed: config.seed, checkpoint }));
    }
    const defendedTargets = async (answers: Float32Array) =>
      inversion ? invertAnswers(inversion, answers, k) : toTargets(answers, config, k);
    const disposeData = () => {
      const seen = new Set<tf.Tensor>();
      for (const t of [thieves.undefended, thieves.defended]) {
        for (const tensor of [t.x, t.targets]) {
          if (tensor && !seen.has(tensor)) {
            seen.add(tensor);
            tensor.dispose();
          }
        }
      }
    };
    owned.push({ dispose: disposeData });

    const totalSteps = schedule.reduce((sum, b) => sum + Math.ceil(b / THIEF_BATCH) * config.thiefEpochs, 0);
    let stepsDone = 0;
    let previousBudget = 0;
    let lastPoint: CurvePoint | null = null;
    const batchRng = rng.fork();

    for (const budget of schedule) {
      const fresh = budget - previousBudget;
      if (config.attack === 'jacobian' && previousBudget > 0) {
        // Each thief grows its own set from its own gradients: after round 0 their queries differ.
        for (const t of [thieves.undefended, thieves.defended]) {
          const newX = augmentJacobian(t, fresh);
          try {
            // The undefended thief gets honest answers: no need to compute the defense for it.
            const answers = t === thieves.undefended ? await oracle.answerHonest(newX) : await defendedTargets((await oracle.answer(newX)).defended);
            appendData(t, newX, t === thieves.undefended ? toTargets(answers, config, k) : answers);
          } finally {
            newX.dispose();
          }
        }
      } else {
        const newX = queryImages(config, dataset, pool, previousBudget, fresh, batchRng);
        const answers = await oracle.answer(newX);
        if (previousBudget === 0) ctx.emit({ type: 'samples', runId: ctx.runId, samples: sampleStrip(newX, answers, pool, dataset, config, k) });
        const shared = config.attack !== 'jacobian';
        appendData(thieves.undefended, newX, toTargets(answers.original, config, k), shared ? undefined : false);
        appendData(thieves.defended, shared ? thieves.undefended.x! : newX, await defendedTargets(answers.defended), shared);
        newX.dispose();
      }
      await checkpoint();

      // Train both thieves on identical batches (same order, same shifts).
      const n = budget;
      for (let epoch = 0; epoch < config.thiefEpochs; epoch++) {
        const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), batchRng);
        const shiftSeed = batchRng.int(0x7fffffff);
        const sums = { undefended: tf.scalar(0), defended: tf.scalar(0) };
        const steps = Math.ceil(n / THIEF_BATCH);
        for (let s = 0; s < steps; s++) {
          const rows = order.subarray(s * THIEF_BATCH, (s + 1) * THIEF_BATCH);
          for (const name of ['undefended', 'defended'] as const) {
            const t = thieves[name];
            const next = thiefTrainStep(t.model, t.optimizer, t.x!, t.targets!, rows, config.shift, shiftSeed + s, loss, sums[name]);
            sums[name].dispose();
            sums[name] = next;
          }
          stepsDone++;
          progress('attack', stepsDone, totalSteps);
          try {
            await checkpoint();
          } catch (e) {
            sums.undefended.dispose();
            sums.defended.dispose();
            throw e;
          }
        }
        // One read-back per epoch, not per step.
        for (const name of ['undefended', 'defended'] as const) {
          const mean = (await sums[name].data())[0] / n;
          sums[name].dispose();
          thieves[name].lastLoss = Number.isFinite(mean) && Math.abs(mean) < DIVERGED_LOSS ? mean : null;
        }
      }

      const score = async (t: Thief): Promise<ThiefScore> => {
        const pred = argmaxRows(await predictProbabilities(t.model, xEval), k);
        return { accuracy: fractionEqual(pred, evalLabels), agreement: fractionEqual(pred, defenderPred), loss: t.lastLoss };
      };
      lastPoint = {
        queries: budget,
        oracleQueries: oracle.snapshot.queries,
        undefended: await score(thieves.undefended),
        defended: await score(thieves.defended),
        cost: costOf(oracle),
      };
      ctx.emit({ type: 'point', runId: ctx.runId, point: lastPoint });
      ctx.onLiveModels?.({ defender, undefended: thieves.undefended.model, defended: thieves.defended.model, config, queries: budget });
      previousBudget = budget;
      await checkpoint();
    }

    // --- FGSM transfer (counter-attack paper, Fig. 1 top row) ---------------------------
    phase('fgsm', `FGSM ε = ${config.fgsmEps} crafted on each thief`);
    const fgsmN = Math.min(evalN, FGSM_EVAL_CAP);
    const fgsmX = own(xEval.slice(0, fgsmN));
    const fgsmLabels = own(tf.tensor1d(Int32Array.from(evalLabels.subarray(0, fgsmN)), 'int32'));
    const transfer = async (t: Thief) => {
      const adv = fgsm(t.model, fgsmX, fgsmLabels, config.fgsmEps);
      try {
        return fractionEqual(argmaxRows(await predictProbabilities(defender, adv), k), evalLabels.subarray(0, fgsmN));
      } finally {
        adv.dispose();
      }
    };
    const fgsmResult = {
      undefended: await transfer(thieves.undefended),
      defended: await transfer(thieves.defended),
      clean: fractionEqual(defenderPred.subarray(0, fgsmN), evalLabels.subarray(0, fgsmN)),
      epsilon: config.fgsmEps,
    };
    progress('fgsm', 1, 1);
    await ctx.onThieves?.({ undefended: thieves.undefended.model, defended: thieves.defended.model, config });

    const summary: RunSummary = {
      defenderAccuracy,
      protectedAccuracy,
      protectedAgreement,
      protectedEvalSize: protectedN,
      defenderSource: source,
      final: lastPoint!,
      fgsm: fgsmResult,
      queries: oracle.snapshot.queries,
      epsilon:
        config.defense === 'epsilon'
          ? {
              degenerate: oracle.snapshot.degenerate,
              centeringUnconverged: oracle.snapshot.centeringUnconverged,
              meanCenteringRounds: config.renorm === 'centering' && oracle.snapshot.cost.count > 0 ? oracle.snapshot.centeringRoundsTotal / oracle.snapshot.cost.count : null,
            }
          : null,
      wallMs: ctx.now() - started,
      backend: ctx.backend,
      numTensorsBefore,
      numTensorsAfter: -1,
    };
    disposeAll(owned);
    summary.numTensorsAfter = tf.memory().numTensors;
    return summary;
  } finally {
    ctx.onLiveModels?.(null);
    disposeAll(owned);
  }

  // --- helpers that close over the run ----------------------------------------------------
  function appendData(t: Thief, x: tf.Tensor4D, targets: Float32Array, shareX?: boolean) {
    const tTargets = tf.tensor2d(targets, [targets.length / k, k]);
    if (shareX) {
      // The defended thief reuses the undefended thief's (already grown) x tensor.
      t.x = x;
    } else {
      const grown = t.x ? tf.concat([t.x, x]) : x.clone();
      if (t.x) t.x.dispose();
      t.x = grown as tf.Tensor4D;
    }
    const grownTargets = t.targets ? tf.concat([t.targets, tTargets]) : tTargets;
    if (t.targets) {
      t.targets.dispose();
      tTargets.dispose();
    }
    t.targets = grownTargets as tf.Tensor2D;
  }

  function augmentJacobian(t: Thief, count: number): tf.Tensor4D {
    const have = t.x!.shape[0];
    const take = Math.min(count, have);
    // The newest points (the whole set while it doubles) are pushed toward the boundary, each
    // labelled with the class the oracle gave it (the argmax of what this thief was told).
    // In chunks, each in its own tidy: a CNN thief's activations and their gradients for
    // thousands of images at once (4,800 in round 6) exhaust the WASM heap ("Aborted()").
    const parts: tf.Tensor4D[] = [];
    try {
      for (let from = have - take; from < have; from += JACOBIAN_CHUNK) {
        const n = Math.min(JACOBIAN_CHUNK, have - from);
        parts.push(
          tf.tidy(() => {
            const labels = tf.argMax(t.targets!.slice(from, n), 1) as tf.Tensor1D;
            return jacobianStep(t.model, t.x!.slice(from, n), labels, JACOBIAN_LAMBDA);
          }),
        );
      }
      return parts.length === 1 ? parts.pop()! : (tf.concat(parts) as tf.Tensor4D);
    } finally {
      tf.dispose(parts);
    }
  }
}

/**
 * The thief's training loss: cross-entropy on the answers, MSE on probabilities (defense-aware
 * "MSE loss"), or cross-entropy through the same reverse-sigmoid layer with the defender's β, γ
 * (defense-aware "same defense layer"; the thief assumes a reverse sigmoid whatever the defense).
 */
function thiefLoss(config: ExperimentConfig): (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar {
  if (config.attack === 'mse') return mseOnProbabilities;
  if (config.attack === 'rs-layer') return (logits, targets) => sameDefenseLayerLoss(logits, targets, config.beta, config.gamma);
  return softCrossEntropy;
}

function disposeAll(owned: { dispose(): void }[]) {
  while (owned.length) owned.pop()!.dispose();
}
