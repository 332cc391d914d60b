/**
 * One experiment: the defender answers a thief's queries, and two thieves that start from the
 * same weights train side by side — one on the undefended answers, one on the defended ones —
 * so their curves differ only by the defense. Runs in the worker (and in Node tests on the
 * CPU backend). Every tensor it creates is disposed on success, cancel and error.
 *
 * Two thief protocols (`thiefProtocol`): 'continue' (the default) keeps training the same two
 * networks as the answers grow, `thiefEpochs` passes over all answers after each budget step;
 * 'fresh' (the reverse-sigmoid paper's) builds two new networks at every budget step — the same
 * seed for both, a new seed per step — with new optimizers, and trains them exactly `thiefSteps`
 * batches of THIEF_BATCH over all answers so far.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/load';
import { defenderAttackerSplit, imagesToFloat, valuesPerItem } from '../data/load';
import { argmaxRows } from '../math/metrics';
import { createRng, shuffleInPlace } from '../math/random';
import { budgetSchedule } from '../math/schedule';
import { fgsm, jacobianStep } from '../models/adversarial';
import { buildModel, MODEL_SPECS, type ModelId } from '../models/registry';
import type { ThiefOptimizerChoice } from '../params/schema';
import { groupProblem } from '../params/runGroups';
import { createOptimizer, mseOnProbabilities, predictProbabilities, softCrossEntropy } from '../models/training';
import { invertAnswers, sameDefenseLayerLoss, trainInversionMlp } from '../models/defenseAware';
import { separatePack, stackedPack, type ThiefPack } from './thiefPack';
import { defenderEpochs, defenderTrainingSteps, getDefender, type ModelStore } from './defenderProvider';
import { thiefArchitecture } from './architectures';
import { Oracle } from './oracle';
import type { GramCache } from './gramCache';
import { costOf, fractionEqual, queryImages, sampleStrip, toTargets } from './queries';
export { cleanAnswers } from './queries';
export type { GroupRun } from './protocol';
import type {
  BackendName,
  CurvePoint,
  EngineEvent,
  ExperimentConfig,
  GroupRun,
  Phase,
  RunSummary,
  ThiefScore,
} from './protocol';

export const THIEF_BATCH = 64;
/**
 * A phase's progress goes to the page at most this often (and always at its end): the page shows
 * at most one update a second (store/progressPacer.ts), and each message costs its main thread a
 * task even when it is not shown.
 */
export const PROGRESS_EVERY_MS = 1000;
export const THIEF_LEARNING_RATE = 1e-3;
/**
 * The thieves' optimizers (`thiefOptimizer`), every constant in one place (the schema's option
 * labels quote them; a test checks they agree).
 * - adam: Adam at THIEF_LEARNING_RATE, tfjs's β1 0.9, β2 0.999.
 * - sgdm: SGD with momentum 0.9 at 0.01, the classic convnet recipe (Springenberg et al. train
 *   All-CNN with SGD, momentum 0.9, rates 0.01–0.25 chosen per net). With momentum 0.9 the
 *   steady-state step is lr / (1 − 0.9) = 0.1 × the gradient, the plain-SGD rate that trains our
 *   nets from scratch in tests (training.test.ts); 0.01 also trains the narrowed AllConv and the
 *   MLP I on MNIST without diverging from Glorot initial weights (measured: I 87% test accuracy
 *   after 300 batches of 64), where larger rates risk the ReLU nets blowing up on the first steps.
 * - adam on 2-D points: 1e-2. The playground's small MLPs learn ten times faster at it, as its
 *   defender does (two moons, 3 classes, 1,200 queries: the honest thief's agreement 0.783 at 1e-3,
 *   measured again in the playground tests).
 */
export const THIEF_OPTIMIZER_SETTINGS = {
  adam: { kind: 'adam', learningRate: THIEF_LEARNING_RATE, pointsLearningRate: 1e-2 },
  sgdm: { kind: 'momentum', learningRate: 0.01, momentum: 0.9 },
} as const satisfies Record<ThiefOptimizerChoice, { kind: 'adam' | 'momentum'; learningRate: number; momentum?: number; pointsLearningRate?: number }>;

/**
 * A new optimizer for a thief (the caller disposes it); anything but 'sgdm' is Adam, as before the
 * option existed. `data`: what the thief learns from (Adam runs faster on 2-D points).
 */
export function createThiefOptimizer(choice: ThiefOptimizerChoice | undefined, data: Dataset['kind'] = 'images'): tf.Optimizer {
  if (choice === 'sgdm') {
    const { kind, learningRate, momentum } = THIEF_OPTIMIZER_SETTINGS.sgdm;
    return createOptimizer(kind, learningRate, momentum);
  }
  const adam = THIEF_OPTIMIZER_SETTINGS.adam;
  return createOptimizer(adam.kind, data === 'points' ? adam.pointsLearningRate : adam.learningRate);
}

/**
 * The build seed of both thieves at budget step `stepIndex` (0, 1, …): `seed + 1` at step 0 (so
 * step 0 starts from the same weights under both protocols), then one 2^32-wide block per step,
 * so no step of any run (seed ≤ 2^32 − 1) reuses another step's or another seed's weights.
 */
export function thiefSeed(seed: number, stepIndex: number): number {
  return seed + 1 + stepIndex * 0x1_0000_0000;
}
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
  /**
   * After a result the page shows (the defender's score, the sample strip, a curve point): resolves
   * once the page has drawn it, or after a short cap, so the frame does not compete with the
   * training for a core. Absent outside a page (Node scripts, tests): no wait.
   */
  waitForPage?(): Promise<void>;
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
   * freed. With 'fresh' thieves it is called again with the new networks after each budget step,
   * before the previous ones are freed. The receiver may predict with them but must not keep or
   * change them.
   */
  onLiveModels?(live: LiveModels | null): void;
  /**
   * Awaited after each budget step, with the same models as onLiveModels and the same rules
   * (read, never keep or change, leave no tensors behind): the 2-D playground paints its
   * pictures of the plane here, before training goes on.
   */
  onBudgetStep?(live: LiveModels): Promise<void>;
  /**
   * Diagnostics (tests): called at each budget step right before the thieves train ('start') and
   * right after ('end'), with their models and optimizers. It may read them (weights,
   * `optimizer.iterations`) but must not keep or change them, nor leave tensors behind.
   */
  onThiefTraining?(event: ThiefTrainingEvent): void | Promise<void>;
  /**
   * false: train the thieves one by one even where they could train as one stack (thiefPack.ts).
   * The numbers are the same either way; tests and the benchmark compare the two.
   */
  stackThieves?: boolean;
}

/** What onThiefTraining sees. */
export interface ThiefTrainingEvent {
  stage: 'start' | 'end';
  /** 0, 1, … along budgetSchedule(config.budget). */
  stepIndex: number;
  budget: number;
  undefended: { model: tf.LayersModel; optimizer: tf.Optimizer };
  defended: { model: tf.LayersModel; optimizer: tf.Optimizer };
}

/** The models of a running experiment, lent to the drawing pad (engine/classify.ts). */
export interface LiveModels {
  defender: tf.LayersModel;
  undefended: tf.LayersModel;
  defended: tf.LayersModel;
  config: ExperimentConfig;
  /**
   * Queries per thief at the latest budget step ('continue': they go on training from there;
   * 'fresh': they stay as they are while their successors train, then are replaced and freed).
   */
  queries: number;
  /** What each thief has asked and been told so far (the playground draws the queries). */
  answered: { undefended: Answered; defended: Answered };
}

/** A thief's queries and its training targets (the oracle's answers, after any cleaning or inversion). */
export interface Answered {
  x: tf.Tensor4D;
  targets: tf.Tensor2D;
}

/** One thief's answers so far (device-resident; defended thieves share the undefended one's queries unless each asks its own). */
interface ThiefState {
  x: tf.Tensor4D | null;
  targets: tf.Tensor2D | null;
  lastLoss: number | null;
}

/** One arm of a group: a defense setting, its oracles and its defended thief's curve. */
interface Arm {
  config: ExperimentConfig;
  oracle: Oracle;
  points: CurvePoint[];
}


/**
 * One run (runExperiment) for each config of a group that differs only in β and γ (params/runGroups.ts),
 * sharing everything the settings do not change: the defender, its answers to the same queries,
 * and the undefended thief, trained once. The defended thieves (one per setting) and the
 * undefended one train side by side on the same batches, as one stack where the thief is an MLP
 * (thiefPack.ts). Each setting gets exactly the summary and curve its own run gives (a test), but
 * wallMs, which is the group's. Events (phase, progress, points, samples) and the context's hooks
 * speak for the first config only, as if it ran alone.
 */
export async function runExperimentGroup(configs: readonly ExperimentConfig[], ctx: RunContext): Promise<GroupRun[]> {
  const problem = groupProblem(configs);
  if (problem) throw new Error(`runExperimentGroup: ${problem}`);
  const config = configs[0];
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
    if (done < total && t - lastProgressAt < PROGRESS_EVERY_MS) return;
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
    // The page draws the run's start (Run pressed, the first phase) before the defender loads.
    await ctx.waitForPage?.();
    const { model: defender, source, notes: defenderNotes } = await getDefender(dataset, config, ctx.store, ctx.shippedDefender, {
      onProgress: (d, t) => progress('defender', d, t),
      onNote: (text) => ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'defender', detail: text, note: true }),
      checkpoint,
    }, ctx.retrainDefender ?? false);
    own(defender);
    // Fresh weights under the same key: cached Gram matrices of the old ones are no longer valid.
    if (source === 'trained') ctx.gramCache?.clear();

    // The evaluation images: the first evalSize of the test set (its order is fixed by the data files).
    const evalN = Math.min(config.evalSize, dataset.test.count);
    const evalIdx = Uint32Array.from({ length: evalN }, (_, i) => i);
    const xEval = own(tf.tensor4d(imagesToFloat(dataset.test.images, evalIdx, valuesPerItem(dataset)), [evalN, h, w, c]));
    const evalLabels = dataset.test.labels.subarray(0, evalN);
    const defenderEvalProbs = await predictProbabilities(defender, xEval);
    const defenderPred = argmaxRows(defenderEvalProbs, k);
    const defenderAccuracy = fractionEqual(defenderPred, evalLabels);
    ctx.emit({ type: 'defender', runId: ctx.runId, source, testAccuracy: defenderAccuracy, trainSteps: defenderTrainingSteps(dataset, defenderEpochs(dataset, config)), notes: defenderNotes });
    await ctx.waitForPage?.();

    // Honest users: the defender's accuracy as seen through each defense setting.
    const protectedN = config.defense === 'epsilon' ? Math.min(evalN, PROTECTED_EVAL_CAP_EPSILON) : evalN;
    const honestX = own(xEval.slice(0, protectedN));
    const honestAnswers = await new Oracle(defender, config, k, ctx.gramCache ?? null, checkpoint).answer(honestX);
    const honestUsers = configs.map((armConfig, i) => {
      const defended = i === 0 ? honestAnswers.defended : new Oracle(defender, armConfig, k).answerFrom(honestAnswers.original).defended;
      const protectedPred = argmaxRows(defended, k);
      return {
        protectedAccuracy: fractionEqual(protectedPred, evalLabels.subarray(0, protectedN)),
        // P(M, defense) of the reverse-sigmoid paper's Table I: the protected model's agreement with M.
        protectedAgreement: fractionEqual(protectedPred, defenderPred.subarray(0, protectedN)),
      };
    });
    await checkpoint();

    // --- The attack ---------------------------------------------------------------------
    phase('attack', `${config.attack} attack on thief ${config.substitute}`);
    const arms: Arm[] = configs.map((armConfig) => ({ config: armConfig, oracle: new Oracle(defender, armConfig, k, ctx.gramCache ?? null, checkpoint), points: [] }));
    const oracle = arms[0].oracle;
    const rng = createRng(config.seed);
    const { attacker } = defenderAttackerSplit(dataset.train);
    const pool = shuffleInPlace(Uint32Array.from(attacker), rng);
    const schedule = budgetSchedule(config.budget);
    const freshProtocol = config.thiefProtocol === 'fresh';
    // Thief 0 is undefended, thief 1 + i the defended one of arm i; all from the same seed:
    // identical starting weights, so only the answers differ.
    const thiefArch = thiefArchitecture(config);
    const count = 1 + arms.length;
    const loss = thiefLoss(config);
    // One stack when every thief is the same MLP learning with the plain cross-entropy from the same queries.
    const stackable = ctx.stackThieves !== false && config.attack !== 'jacobian' && loss === softCrossEntropy && isStackable(thiefArch.id);
    const buildPack = (stepIndex: number): ThiefPack => {
      const models = Array.from({ length: count }, () =>
        buildModel(thiefArch.id, { seed: thiefSeed(config.seed, stepIndex), inputShape: [h, w, c], numClasses: k, dense: thiefArch.dense }),
      );
      if (stackable) return stackedPack(models, createThiefOptimizer(config.thiefOptimizer, dataset.kind));
      return separatePack(models, models.map(() => createThiefOptimizer(config.thiefOptimizer, dataset.kind)), loss);
    };
    let pack = own(buildPack(0));
    const data: ThiefState[] = Array.from({ length: count }, () => ({ x: null, targets: null, lastLoss: null }));
    // 'fresh': the networks of the previous budget step, kept (and still lent to the drawing pad)
    // while their successors train, disposed once the successors are lent instead.
    const retired: { dispose(): void }[] = [];
    owned.push({ dispose: () => disposeAll(retired) });

    // Inversion attack: the thief knows the defense and its parameters, so it can produce
    // (defended, honest) pairs on its own images (the paper's assumption; not billed as queries)
    // and learn to map answers back. Only the defended thief's answers are inverted.
    let inversion: tf.LayersModel | null = null;
    if (config.attack === 'inversion') {
      const pairs = Math.min(pool.length, config.defense === 'epsilon' ? INVERSION_PAIRS_EPSILON : INVERSION_PAIRS);
      ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'attack', detail: `Training the inversion MLP on ${pairs} answer pairs` });
      const knowledge = new Oracle(defender, config, k, ctx.gramCache ?? null, checkpoint);
      const pairX = tf.tensor4d(imagesToFloat(dataset.train.images, pool.subarray(pool.length - pairs), valuesPerItem(dataset)), [pairs, h, w, c]);
      const pairAnswers = await knowledge.answer(pairX).finally(() => pairX.dispose());
      inversion = own(await trainInversionMlp(pairAnswers.defended, pairAnswers.original, k, { epochs: INVERSION_EPOCHS, seed: config.seed, checkpoint }));
    }
    const defendedTargets = async (answers: Float32Array, armConfig: ExperimentConfig) =>
      inversion ? invertAnswers(inversion, answers, k) : toTargets(answers, armConfig, k);
    const disposeData = () => {
      const seen = new Set<tf.Tensor>();
      for (const t of data) {
        for (const tensor of [t.x, t.targets]) {
          if (tensor && !seen.has(tensor)) {
            seen.add(tensor);
            tensor.dispose();
          }
        }
      }
    };
    owned.push({ dispose: disposeData });

    const totalSteps = freshProtocol
      ? schedule.length * config.thiefSteps
      : schedule.reduce((sum, b) => sum + Math.ceil(b / THIEF_BATCH) * config.thiefEpochs, 0);
    let stepsDone = 0;
    let previousBudget = 0;
    const batchRng = rng.fork();

    function trainingEvent(stage: ThiefTrainingEvent['stage'], stepIndex: number, budget: number): ThiefTrainingEvent {
      pack.sync();
      const view = (i: number) => ({ model: pack.models[i], optimizer: pack.optimizers[i] });
      return { stage, stepIndex, budget, undefended: view(0), defended: view(1) };
    }

    /**
     * `steps` training steps of every thief on the same batches (`rowsOf(s)`, shifts from
     * `shiftSeed + s`), the losses summed on the device and read back once at the end: each
     * thief's lastLoss becomes the mean over those steps (`rows` rows in all).
     */
    async function trainBatches(steps: number, rowsOf: (s: number) => Int32Array, shiftSeed: number, rows: number) {
      const trainOn = data.map((t) => ({ x: t.x!, targets: t.targets! }));
      for (let s = 0; s < steps; s++) {
        pack.step(trainOn, rowsOf(s), config.shift, shiftSeed + s);
        stepsDone++;
        progress('attack', stepsDone, totalSteps);
        await checkpoint();
      }
      // One read-back per epoch (per pass's worth of steps with 'fresh'), not per step.
      const means = await pack.readMeans(rows);
      means.forEach((mean, i) => {
        data[i].lastLoss = Number.isFinite(mean) && Math.abs(mean) < DIVERGED_LOSS ? mean : null;
      });
    }

    /**
     * The 'fresh' protocol's training: exactly config.thiefSteps batches of THIEF_BATCH rows from
     * the n answers, drawn from back-to-back shuffles of all n (a new shuffle each pass; a batch may
     * straddle two passes, so every batch is full). Read back in chunks of one pass's worth of
     * steps, counted from the end, so the reported loss is the mean over the last pass's worth (as
     * 'continue' reports its last epoch's).
     */
    async function trainFresh(n: number) {
      const perPass = Math.ceil(n / THIEF_BATCH);
      const total = config.thiefSteps;
      let order = new Int32Array(0);
      let at = 0;
      const nextBatch = () => {
        const rows = new Int32Array(THIEF_BATCH);
        for (let i = 0; i < THIEF_BATCH; i++) {
          if (at === order.length) {
            order = shuffleInPlace(Int32Array.from({ length: n }, (_, j) => j), batchRng);
            at = 0;
          }
          rows[i] = order[at++];
        }
        return rows;
      };
      for (let done = 0; done < total; ) {
        const chunk = done === 0 ? total % perPass || perPass : perPass;
        const batches = Array.from({ length: chunk }, nextBatch);
        await trainBatches(chunk, (s) => batches[s], batchRng.int(0x7fffffff), chunk * THIEF_BATCH);
        done += chunk;
      }
    }

    const answered = (i: number): Answered => ({ x: data[i].x!, targets: data[i].targets! });
    for (const [stepIndex, budget] of schedule.entries()) {
      const fresh = budget - previousBudget;
      if (config.attack === 'jacobian' && previousBudget > 0) {
        // Each thief grows its own set from its own gradients: after round 0 their queries differ.
        // With the 'fresh' protocol the pack still holds the thieves trained at the previous
        // budget (the rebuild comes below, after the queries): the latest trained thief augments.
        // A group is never Jacobian (groupProblem): thieves 0 and 1 are all there are.
        for (const i of [0, 1]) {
          const newX = augmentJacobian(pack.models[i], data[i], fresh);
          try {
            // The undefended thief gets honest answers: no need to compute the defense for it.
            const answers = i === 0 ? await oracle.answerHonest(newX) : await defendedTargets((await oracle.answer(newX)).defended, config);
            appendData(data[i], newX, i === 0 ? toTargets(answers, config, k) : answers);
          } finally {
            newX.dispose();
          }
        }
      } else {
        const newX = queryImages(config, dataset, pool, previousBudget, fresh, batchRng);
        // The ε oracle checks for Stop between its chunks: a stop there must not leave the queries behind.
        try {
          const answers = await oracle.answer(newX);
          if (previousBudget === 0) {
            ctx.emit({ type: 'samples', runId: ctx.runId, samples: await sampleStrip(newX, answers, pool, dataset, config, k) });
            await ctx.waitForPage?.();
          }
          const shared = config.attack !== 'jacobian';
          appendData(data[0], newX, toTargets(answers.original, config, k), shared ? undefined : false);
          for (const [i, arm] of arms.entries()) {
            const armAnswers = i === 0 ? answers : arm.oracle.answerFrom(answers.original);
            appendData(data[1 + i], shared ? data[0].x! : newX, await defendedTargets(armAnswers.defended, arm.config), shared);
          }
        } finally {
          newX.dispose();
        }
      }
      await checkpoint();

      if (freshProtocol && stepIndex > 0) {
        // New thieves per budget: fresh weights (the step's seed, the same for all) and fresh
        // optimizers. Step 0's thieves are already that build (thiefSeed(seed, 0)).
        const i = owned.indexOf(pack);
        if (i >= 0) owned.splice(i, 1);
        retired.push(pack);
        pack = own(buildPack(stepIndex));
        for (const t of data) t.lastLoss = null;
      }
      if (ctx.onThiefTraining) await ctx.onThiefTraining(trainingEvent('start', stepIndex, budget));

      // Train every thief on identical batches (same order, same shifts).
      const n = budget;
      if (freshProtocol) await trainFresh(n);
      else {
        for (let epoch = 0; epoch < config.thiefEpochs; epoch++) {
          const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), batchRng);
          const shiftSeed = batchRng.int(0x7fffffff);
          const steps = Math.ceil(n / THIEF_BATCH);
          await trainBatches(steps, (s) => order.subarray(s * THIEF_BATCH, (s + 1) * THIEF_BATCH), shiftSeed, n);
        }
      }
      pack.sync();
      if (ctx.onThiefTraining) await ctx.onThiefTraining(trainingEvent('end', stepIndex, budget));

      const preds = (await pack.predict(xEval)).map((probs) => argmaxRows(probs, k));
      const score = (i: number): ThiefScore => ({ accuracy: fractionEqual(preds[i], evalLabels), agreement: fractionEqual(preds[i], defenderPred), loss: data[i].lastLoss });
      const undefended = score(0);
      for (const [i, arm] of arms.entries()) {
        arm.points.push({ queries: budget, oracleQueries: arm.oracle.snapshot.queries, undefended, defended: score(1 + i), cost: costOf(arm.oracle) });
      }
      ctx.emit({ type: 'point', runId: ctx.runId, point: arms[0].points.at(-1)! });
      await ctx.waitForPage?.();
      // Lends the models just trained; with 'fresh' this replaces the previous step's (retired)
      // networks, which the pad used until now and which can only be freed once it no longer has them.
      const live: LiveModels = {
        defender,
        undefended: pack.models[0],
        defended: pack.models[1],
        config,
        queries: budget,
        answered: { undefended: answered(0), defended: answered(1) },
      };
      ctx.onLiveModels?.(live);
      if (ctx.onBudgetStep) await ctx.onBudgetStep(live);
      disposeAll(retired);
      previousBudget = budget;
      await checkpoint();
    }

    // --- FGSM transfer (counter-attack paper, Fig. 1 top row) ---------------------------
    phase('fgsm', `FGSM ε = ${config.fgsmEps} crafted on each thief`);
    const fgsmN = Math.min(evalN, FGSM_EVAL_CAP);
    const fgsmX = own(xEval.slice(0, fgsmN));
    const fgsmLabels = own(tf.tensor1d(Int32Array.from(evalLabels.subarray(0, fgsmN)), 'int32'));
    const transfer = async (model: tf.LayersModel) => {
      const adv = fgsm(model, fgsmX, fgsmLabels, config.fgsmEps);
      try {
        return fractionEqual(argmaxRows(await predictProbabilities(defender, adv), k), evalLabels.subarray(0, fgsmN));
      } finally {
        adv.dispose();
      }
    };
    const fgsmUndefended = await transfer(pack.models[0]);
    const fgsmDefended: number[] = [];
    for (let i = 0; i < arms.length; i++) fgsmDefended.push(await transfer(pack.models[1 + i]));
    const fgsmClean = fractionEqual(defenderPred.subarray(0, fgsmN), evalLabels.subarray(0, fgsmN));
    progress('fgsm', 1, 1);
    await ctx.onThieves?.({ undefended: pack.models[0], defended: pack.models[1], config });

    const wallMs = ctx.now() - started;
    const runs: GroupRun[] = arms.map((arm, i) => ({
      config: arm.config,
      points: arm.points,
      summary: {
        defenderAccuracy,
        ...honestUsers[i],
        protectedEvalSize: protectedN,
        defenderSource: source,
        final: arm.points.at(-1)!,
        fgsm: { undefended: fgsmUndefended, defended: fgsmDefended[i], clean: fgsmClean, epsilon: config.fgsmEps },
        queries: arm.oracle.snapshot.queries,
        epsilon:
          config.defense === 'epsilon'
            ? {
                degenerate: oracle.snapshot.degenerate,
                centeringUnconverged: oracle.snapshot.centeringUnconverged,
                meanCenteringRounds: config.renorm === 'centering' && oracle.snapshot.cost.count > 0 ? oracle.snapshot.centeringRoundsTotal / oracle.snapshot.cost.count : null,
              }
            : null,
        wallMs,
        ...(arms.length > 1 ? { group: arms.length } : {}),
        backend: ctx.backend,
        numTensorsBefore,
        numTensorsAfter: -1,
      },
    }));
    disposeAll(owned);
    const after = tf.memory().numTensors;
    for (const r of runs) r.summary.numTensorsAfter = after;
    return runs;
  } finally {
    ctx.onLiveModels?.(null);
    disposeAll(owned);
  }

  // --- helpers that close over the run ----------------------------------------------------
  function appendData(t: ThiefState, x: tf.Tensor4D, targets: Float32Array, shareX?: boolean) {
    const tTargets = tf.tensor2d(targets, [targets.length / k, k]);
    if (shareX) {
      // A defended thief reuses the undefended thief's (already grown) x tensor.
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

  function augmentJacobian(model: tf.LayersModel, t: ThiefState, count: number): tf.Tensor4D {
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
            return jacobianStep(model, t.x!.slice(from, n), labels, JACOBIAN_LAMBDA);
          }),
        );
      }
      return parts.length === 1 ? parts.pop()! : (tf.concat(parts) as tf.Tensor4D);
    } finally {
      tf.dispose(parts);
    }
  }
}

/** One run: the defender answers a thief's queries; the undefended and the defended thief train side by side. */
export async function runExperiment(config: ExperimentConfig, ctx: RunContext): Promise<RunSummary> {
  const [run] = await runExperimentGroup([config], ctx);
  return run.summary;
}

/** Dense-only thieves (no convolution): a stack can train several as one. */
function isStackable(id: ModelId): boolean {
  const spec = MODEL_SPECS[id];
  return spec.conv.length === 0 && spec.head === 'dense';
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
