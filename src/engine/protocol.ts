/**
 * The typed messages between the page and the engine worker. Both sides import this file;
 * the UI layers import it with `import type` only (lint-enforced), so no tfjs code crosses.
 * Only plain numbers, strings and typed arrays travel: never tensors, never whole histories —
 * one curve point (and on 2-D data one picture of the plane) per budget step.
 */
import type { BackendPreference, Params, ThreadsChoice } from '../params/schema';
import type { DefenseCostTotals } from '../math/defenseCost';
import type { CalibrationRecord, ThreadTiming } from './backendPlan';

export type { CalibrationRecord, ThreadTiming };

/** The WASM thread count: offered (cores, when isolated), chosen by the calibration, and the steps it timed. */
export interface WasmThreadChoice {
  offered: number;
  chosen: number;
  timings: ThreadTiming[];
  /** The link's count, set without timing. */
  forced: boolean;
}

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** One backend the engine tried, and why it was or was not taken. */
export interface BackendAttempt {
  backend: BackendName;
  /** 'ok': initialised and chosen; 'skipped': passed over on purpose; 'failed': init failed. */
  outcome: 'ok' | 'skipped' | 'failed' | 'untried';
  reason: string;
  /** Time spent initialising, in milliseconds. */
  initMs: number;
}

/** The experiment a run performs: the validated parameter set (seed included). */
export type ExperimentConfig = Params;

export type Phase = 'loading-data' | 'defender' | 'attack' | 'fgsm';

export type DefenderSource = 'trained' | 'cache' | 'shipped';

/** Scores of one thief at one budget step, on the evaluation images. */
export interface ThiefScore {
  /** Top-1 accuracy against the true test labels. */
  accuracy: number;
  /** Top-1 agreement with the (undefended) defender. */
  agreement: number;
  /** Mean training loss over the last epoch (NaN-free; null if the loss diverged). */
  loss: number | null;
}

/**
 * What the defense cost honest users, over every answer given so far: argmax-unchanged rate,
 * cosine, MAE per dimension, KL(y‖ŷ), and the smallest entry / mean sum of the defended answers.
 */
export type DefenseCost = Omit<DefenseCostTotals, 'count'>;

export interface CurvePoint {
  /** The budget step: queries per thief. */
  queries: number;
  /** Queries the oracle answered so far (both Jacobian thieves ask their own). */
  oracleQueries: number;
  undefended: ThiefScore;
  defended: ThiefScore;
  cost: DefenseCost;
}

/**
 * One row of a thief chart, shaped from a CurvePoint when it arrives: the lab's live chart and
 * the reproduction report's learning curves share it. Not a message; it lives here because both
 * the store and the reproduction read the engine only through this file.
 */
export interface CurveRow {
  queries: number;
  undefendedAccuracy: number;
  defendedAccuracy: number;
  undefendedAgreement: number;
  defendedAgreement: number;
}

/** One query as the thief sees it, for the "what the thief sees" strip. */
export interface SampleAnswer {
  /** 28×28 grey levels 0–255, row-major. */
  pixels: number[];
  label: number;
  original: number[];
  defended: number[];
  /** Σ of the defended answer and its smallest entry (raw ε answers leave the simplex). */
  defendedSum: number;
  defendedMin: number;
  /** ε + centering: the rounds this answer needed (null otherwise). */
  centeringRounds: number | null;
}

/**
 * The 2-D playground's pictures after one budget step: every model's answer at each cell centre
 * of the plane (math/regionGrid.ts: side × side cells, row-major from the top-left, K
 * probabilities per cell), and the points each thief has asked about so far with the class its
 * answers gave them. Typed arrays, copied once per budget step (4 models × 4,096 cells).
 */
export interface RegionsFrame {
  /** Queries per thief behind the thieves' pictures. */
  queries: number;
  side: number;
  numClasses: number;
  /** The defender's honest answers over the plane. */
  defender: Float32Array;
  /** The defended answers over the plane, at the run's settings (what the oracle hands out there). */
  defended: Float32Array;
  undefendedThief: Float32Array;
  defendedThief: Float32Array;
  /** The undefended thief's queries: x0, y0, x1, y1, … in the unit square, and the top class of each answer. */
  undefendedPoints: Float32Array;
  undefendedPointClasses: Uint8Array;
  /** The defended thief's (the same points as the undefended thief's unless the attack is Jacobian). */
  defendedPoints: Float32Array;
  defendedPointClasses: Uint8Array;
  /** The first test points and their true classes: the data the defender learned to separate. */
  dataPoints: Float32Array;
  dataClasses: Uint8Array;
}

export interface RunSummary {
  defenderAccuracy: number;
  /** The defender's accuracy as honest users see it, through the defense. */
  protectedAccuracy: number;
  /** P(M, defense): how often the protected answer's top class equals the undefended one (eval images). */
  protectedAgreement: number;
  /** Eval images behind the two numbers above (fewer under ε: K gradients per answer). */
  protectedEvalSize: number;
  defenderSource: DefenderSource;
  final: CurvePoint;
  /** Defender accuracy on FGSM examples crafted on each thief (lower = the copy is more useful to an attacker). */
  fgsm: { undefended: number; defended: number; clean: number; epsilon: number };
  queries: number;
  /** ε counter-attack only: zero-gradient inputs, and the centering's work (over every defended answer). */
  epsilon: { degenerate: number; centeringUnconverged: number; meanCenteringRounds: number | null } | null;
  wallMs: number;
  /** Set when the run was trained in one pass with other β, γ settings (runExperimentGroup): how many; wallMs is the pass's. */
  group?: number;
  backend: BackendName;
  numTensorsBefore: number;
  numTensorsAfter: number;
}

/** A run trained in one pass with others (engine/experiment.ts runExperimentGroup): its own summary and curve. */
export interface GroupRun {
  config: ExperimentConfig;
  summary: RunSummary;
  points: CurvePoint[];
}

export type Command =
  | {
      type: 'init';
      /** Absolute URL of the site's root folder (where data/ and wasm/ live), ending in '/'. */
      assetsBaseUrl: string;
      backend: BackendPreference;
      /** Also time software GPU emulations in the automatic choice. */
      calibrateAll?: boolean;
      /** This browser's last calibration (the page keeps it in localStorage), if any. */
      calibration?: CalibrationRecord | null;
      /** WASM's threads: 'auto' (the engine times them) or a fixed count. */
      threads?: ThreadsChoice;
    }
  | {
      type: 'start';
      runId: number;
      config: ExperimentConfig;
      /** Ignore cached and shipped weights. */
      retrainDefender?: boolean;
      /**
       * Runs that differ from `config` only in β and γ (params/runGroups.ts), trained in the same
       * pass; the run's events speak for `config`, and 'done' brings their results too.
       */
      alongside?: ExperimentConfig[];
    }
  | { type: 'stop'; runId: number }
  /** Hold the run at its next checkpoint (between training steps) until `resume`; `stop` still works. */
  | { type: 'pause'; runId: number }
  | { type: 'resume'; runId: number }
  /** `threads`: time WASM with a pool of this many threads (the chosen count is put back after). */
  | { type: 'bench'; runId: number; models: string[]; batch: number; maxSteps: number; maxMs: number; threads?: number }
  /** Overhead against the limit (npm run bench): engine loop vs bare tfjs loop, and a large matmul. */
  | {
      type: 'limits';
      runId: number;
      cases: { model: string; shift: number }[];
      batch: number;
      maxSteps: number;
      maxMs: number;
      matmulSize: number;
      /** Also time `k` thieves of `model` as one stack against one (engine/benchStack.ts). */
      stack?: { model: string; k: number; shift: number };
    }
  /** tf.memory() of the worker, answered with a 'memory' event. */
  | { type: 'memory'; requestId: number }
  | { type: 'probe'; probeId: number; config: ExperimentConfig; index: number }
  | {
      /** The drawing pad: the defender's, the defended and the latest run's thieves' answers for one image. */
      type: 'classify';
      classifyId: number;
      config: ExperimentConfig;
      /** 28×28 values 0–1, row-major (ink = 1), prepared the MNIST way on the page. */
      pixels: number[];
      /** Classify this test image instead of `pixels` (the pad's "Use a test image"). */
      testIndex?: number;
    }
  | { type: 'ping'; sentAt: number }
  /** The page has drawn what the engine posted before its frame request `requestId` (see pageFrames.ts). */
  | { type: 'frame-drawn'; requestId: number };

/**
 * One real query for the ε explainer: the defender's answer y and the ε directions (they do not
 * depend on ε, so the page redraws y* = y + ε·sign(d) for any ε without asking again).
 */
export interface ProbeResult {
  probeId: number;
  pixels: number[];
  label: number;
  original: number[];
  directionOneHot: number[];
  directionAtY: number[];
  /** At y = F(x) the parameter gradient is exactly zero: no direction, y* = y. */
  degenerateAtY: boolean;
}

/**
 * The drawing pad's answers for one image, each a probability vector over the K classes. The
 * defended answer comes from the oracle's own code path: exactly what a thief would receive.
 */
export interface ClassifyResult {
  classifyId: number;
  /** The defender's honest answer. */
  defender: number[];
  /** The same answer after the defense in `config`. */
  defended: number[];
  /** The latest finished run's thieves (null before any run, or for another data set). */
  thiefUndefended: number[] | null;
  thiefDefended: number[] | null;
  thiefRunId: number | null;
  /** Queries per thief behind the thieves' answers (null without thieves). */
  thiefQueries: number | null;
  /** The thieves of the running experiment, as trained so far (false: a finished run's). */
  thiefLive: boolean;
  /** Only for `testIndex`: the test image (784 values 0–1) and its true label, for the pad to show. */
  testImage?: { index: number; label: number; pixels: number[] };
}

/** Training speed of one architecture on the running backend (random data, seeded). */
export interface BenchResult {
  model: string;
  batch: number;
  /** The first step, including shader compilation / kernel set-up. */
  firstStepMs: number;
  /** Mean of the timed steps after warm-up, each awaited to completion. */
  msPerStep: number;
  timedSteps: number;
  /** One forward pass over 1,000 images, read back. */
  inferMsPer1000: number;
  /** The loss of the last timed step: the same seeds and step count give the same number on any thread count. */
  lastLoss?: number;
}

/**
 * The engine's thief training loop (engine/thiefStep.ts: gather, shift, step, loss summed on the
 * device, a yield each step, one read-back at the end) against a bare tfjs loop (optimizer.minimize
 * on ready-made batch tensors, one read-back at the end): same model, batch and backend, timed in
 * alternating rounds.
 */
export interface ThroughputResult {
  model: string;
  batch: number;
  /** The engine side's shift augmentation (the lesson's default is 2; the bare loop has none). */
  shift: number;
  /** Steps timed on each side. */
  steps: number;
  engineMsPerStep: number;
  bareMsPerStep: number;
  /** Engine steps/s ÷ bare steps/s (goal ≥ 0.9). */
  ratio: number;
  /** The same ratio per alternating round: its spread shows how noisy the machine was. */
  roundRatios: { count: number; min: number; median: number; max: number };
  /** Analytic FLOPs of one training step (models/flops.ts). */
  flopsPerStep: number;
}

/** n×n by n×n float32 matmul on the running backend: after one warm-up product, each timed product is awaited (one element read back). */
/** K thieves at once against one (engine/benchStack.ts): ms per training step each way. */
export interface StackResult {
  model: string;
  k: number;
  batch: number;
  shift: number;
  /** Steps timed on each side. */
  steps: number;
  oneMsPerStep: number;
  /** The K thieves as one stack (thiefPack.ts 'stacked'). */
  stackedMsPerStep: number;
  /** The K thieves one by one ('separate'). */
  separateMsPerStep: number;
  /** stackedMsPerStep ÷ oneMsPerStep (goal ≤ 3 for 8 thieves I). */
  stackedVsOne: number;
  separateVsOne: number;
}

export interface MatmulResult {
  n: number;
  reps: number;
  msPerMatmul: number;
  gflops: number;
}

export type EngineEvent =
  | {
      type: 'ready';
      backend: BackendName;
      /** Adapter/renderer description when the backend reports one, e.g. 'SwiftShader'. */
      device: string;
      attempts: BackendAttempt[];
      tfVersion: string;
      numTensors: number;
      /** How the backend was decided; a fresh measurement is for the page to cache. */
      calibration: { how: 'forced' | 'only' | 'cached' | 'measured'; record: CalibrationRecord | null };
      /** WASM with cross-origin isolation and several cores: the threads offered, chosen, and timed. */
      threads?: WasmThreadChoice;
    }
  | { type: 'pong'; sentAt: number }
  /** The engine waits (briefly) for the page to draw the result it just posted: answered by a `frame-drawn` command. */
  | { type: 'frame-request'; runId: number; requestId: number }
  /** `note`: the detail is something the user should read (why the defender trains live), not a routine step. */
  | { type: 'phase'; runId: number; phase: Phase; detail: string; note?: boolean }
  | { type: 'progress'; runId: number; phase: Phase; done: number; total: number; etaMs: number | null }
  /** `trainSteps`: the steps a live training of this defender takes (what "Retrain it" will cost). */
  | { type: 'defender'; runId: number; source: DefenderSource; testAccuracy: number; trainSteps: number; /** What went wrong getting it, in words (none: nothing did). */ notes: string[] }
  /** The engine took a pause or resume command (the run holds from its next checkpoint on). */
  | { type: 'paused'; runId: number; paused: boolean }
  | { type: 'point'; runId: number; point: CurvePoint }
  | { type: 'samples'; runId: number; samples: SampleAnswer[] }
  /** 2-D data sets only, after every budget step: the decision regions and the queries. */
  | { type: 'regions'; runId: number; frame: RegionsFrame }
  | { type: 'done'; runId: number; summary: RunSummary; /** The results of the start command's `alongside` runs, in its order. */ alongside?: GroupRun[] }
  | { type: 'cancelled'; runId: number; numTensors: number }
  | { type: 'bench'; runId: number; backend: BackendName; threads: number; results: BenchResult[]; numTensorsBefore: number; numTensorsAfter: number }
  | { type: 'limits'; runId: number; backend: BackendName; throughput: ThroughputResult[]; matmul: MatmulResult; stack: StackResult | null; numTensorsBefore: number; numTensorsAfter: number }
  /** `wasmHeapBytes`: the WASM backend's linear memory (it grows and never shrinks); null on other backends. */
  | { type: 'memory'; requestId: number; numTensors: number; numBytes: number; wasmHeapBytes: number | null }
  /** After every run on WASM: how large its linear memory has grown (it never shrinks; the page may replace an idle worker to give it back). */
  | { type: 'heap'; wasmHeapBytes: number }
  | ({ type: 'probe' } & ProbeResult)
  | ({ type: 'classified' } & ClassifyResult)
  /**
   * `cause: 'out-of-memory'`: the backend's memory ran out; WASM memory cannot shrink, so the page replaces the worker.
   * `cause: 'gpu-lost'`: the GPU device or context went away; the backend cannot get it back, so the page replaces the worker.
   */
  | { type: 'error'; runId?: number; probeId?: number; classifyId?: number; phase: 'init' | 'run' | 'probe' | 'classify'; message: string; hint: string; cause?: 'out-of-memory' | 'gpu-lost' };

/** Exhaustiveness helper for `switch` over the unions above. */
export function assertNever(x: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(x)}`);
}
