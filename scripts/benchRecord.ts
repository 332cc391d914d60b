/**
 * The shape of bench/results.json: what `npm run bench` (bench.ts) writes and bench.test.ts reads,
 * declared once.
 */
import type { BenchResult, MatmulResult, StackResult, ThreadTiming, ThroughputResult } from '../src/engine/protocol';

export interface MemorySnapshot {
  numTensors: number;
  numBytes: number;
}

export interface RunRecord {
  /** Page clock: Run pressed (store.startRun) → the first 'point' event reaches the page. */
  timeToFirstPointMs: number | null;
  /** Page clock: Run pressed → 'done'. */
  wallMs: number;
  /** The worker's own wall time of runExperiment (after the data set is loaded). */
  engineWallMs: number | null;
  /** Run pressed → the defender phase begins (the data set is loaded by then). */
  dataLoadMs: number | null;
  /** 'progress' events of the loading-data phase (the progress bar's updates). */
  dataProgressEvents: number;
  points: number;
  longestTaskMs: number;
  longTasks: number;
  /** The longest task from the defender phase on: the data set is loaded, the engine works (the goal's "during training"). */
  longestTaskWhileTrainingMs: number;
  /** The longest task from the first curve point on (the thieves' training and the chart redraws only). */
  longestTaskAfterFirstPointMs: number;
  /** Each long task (≥ 50 ms) with the last engine event the page received before it began. */
  longTaskLog: { ms: number; atMs: number; afterEvent: string }[];
  defenderSource: string | null;
  finalAccuracy: { undefended: number; defended: number } | null;
  numTensorsBefore: number | null;
  numTensorsAfter: number | null;
  outcome: string;
}

export interface LessonRecord extends RunRecord {
  backend: string;
  device: string;
  memoryBefore: MemorySnapshot;
  memoryAfter: MemorySnapshot;
}

export interface BackendRow {
  requested: string;
  ran: string | null;
  device: string;
  note: string;
  results: BenchResult[];
  numTensorsBefore?: number;
  numTensorsAfter?: number;
  /**
   * WASM with cross-origin isolation and several cores: the engine's thread choice, and the same
   * steps timed again with the other count (`results` ran with `chosen`), each model's speed-up.
   */
  threads?: {
    offered: number;
    chosen: number;
    calibration: ThreadTiming[];
    other: { threads: number; results: BenchResult[] };
    scaling: { model: string; oneThreadMs: number; threadsMs: number; speedup: number }[];
  };
  limits?: {
    throughput: ThroughputResult[];
    matmul: MatmulResult;
    /** Analytic FLOPs of the defender's step ÷ its ms/step in `results`. */
    defenderStep: { flops: number; msPerStep: number; gflops: number };
    /** defenderStep.gflops ÷ matmul.gflops. */
    defenderVsMatmul: number;
    /** K thieves I as one stack against one (absent in records made before it, null where not run). */
    stack?: StackResult | null;
    numTensorsBefore: number;
    numTensorsAfter: number;
  };
  runs?: {
    config: { budget: number; evalSize: number; thiefEpochs: number; shift: number; substitute: string };
    list: RunRecord[];
    memoryBefore: MemorySnapshot;
    memoryAfter: MemorySnapshot;
    longestTaskMs: number;
  };
  lesson?: LessonRecord | { skipped: string; estimateMs: number | null };
  /**
   * The page's main-thread work (Chromium's TaskDuration) per streamed point, and one run with the page's CPU
   * throttled. `workPerPointMs`: a whole small run's work ÷ its points, the median of the 5 runs (the Run click,
   * the defender and sample-strip events and the end of the run included). `marginal`: what one more point costs,
   * the slope between runs of two budgets, which a run's fixed costs do not enter (absent in older records).
   */
  smoothness?: {
    workPerPointMs: number;
    workPerPointEachMs: number[];
    marginal?: {
      /** The longer runs' budget and points, against the small runs' points. */
      budget: number;
      points: number;
      shortPoints: number;
      /** Whole-run work of each longer run, and of the small runs 2–5 (run 1 loads the data). */
      runWorkEachMs: number[];
      shortRunWorkEachMs: number[];
      /** (median longer run − median small run) ÷ (points − shortPoints). */
      workPerPointMs: number;
    };
    /**
     * With `runs` (records from 7 Dec 2026 on: 3 runs): `longestTaskMs` and `longTaskLog` are the worst run's,
     * `workPerPointMs` the median, `effectiveRate` the throttle's measured slow-down of the page's script.
     * Older records hold one run.
     */
    throttled: { rate: number; effectiveRate?: number; outcome: string; points: number; workPerPointMs: number; longestTaskMs: number; longTaskLog: RunRecord['longTaskLog']; runs?: ThrottledRun[] };
  };
}

/** One run with the page's CPU throttled. */
export interface ThrottledRun {
  outcome: string;
  points: number;
  workPerPointMs: number;
  longestTaskMs: number;
  longTaskLog: RunRecord['longTaskLog'];
}

export interface LoadingRecord {
  url: string;
  /** performance.now() in the page (0 = navigation start) when the β slider first moved the curve (summary: the median load). */
  interactiveMs: number;
  firstContentfulPaintMs: number | null;
  domContentLoadedMs: number | null;
  /** Bytes (body as sent + headers) of the responses that finished before interactive (summary: the most of any load). */
  bytesBeforeInteractive: number;
  /** Requests started before interactive but still loading then (not in the sum above). */
  inFlightAtInteractive: string[];
  /** Everything the page fetched until the engine was ready (no run started). */
  bytesUntilEngineReady: number;
  engineReadyMs: number | null;
  resources: { path: string; bytes: number; startMs: number; endMs: number; note?: string }[];
  dataFilesBeforeInteractive: string[];
  dataFilesBeforeRun: string[];
  /** After Run (last cold load only): the data set's files were fetched, and a <progress> bar showed while they loaded. */
  dataFetchedOnRun: { files: number; bytes: number; progressBarSeen: boolean; loadMs: number | null; runOutcome: string } | null;
  workerChunk: { path: string; startMs: number; endMs: number } | null;
}

/** The cold loads in one record: the last load's details, with every load's time and bytes to interactive. */
export type LoadingSummary = LoadingRecord & {
  interactiveMsEach: number[];
  bytesBeforeInteractiveEach: number[];
  /** Per cold load: interactive ÷ its own first contentful paint (absent in records made before). */
  interactiveVsFcpEach?: number[];
};

export interface BenchGoal {
  goal: string;
  measured?: unknown;
  met?: boolean | null;
  [detail: string]: unknown;
}

/**
 * The page's work for one streamed point, replayed (scripts/bench-events.ts): the median of `points`
 * point events over `replays` replays of one recorded WASM run into an idle page, the reading's own
 * cost subtracted (ms); a progress update's median beside it.
 */
export interface ReplayFigure {
  file: string;
  date: string;
  replays: number;
  points: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  progressMedianMs: number | null;
}

/** bench/results.json. */
/** The native anchor (scripts/bench-native.py): the same nets' training step in PyTorch on the CPU, timed in the same bench run. */
export type NativeRecord =
  | {
      available: true;
      torch: string;
      threads: number;
      batch: number;
      results: { model: string; parameters: number; msPerStep: number; timedSteps: number }[];
      /** WASM's ms/step from this run's `backends` ÷ native's, per model. */
      ratios: { model: string; wasmMsPerStep: number; nativeMsPerStep: number; ratio: number }[];
    }
  | { available: false; note: string };

export interface BenchFile {
  date: string;
  batch: number;
  machine: { cores: number; cpu: string; memGiB: number };
  backends: BackendRow[];
  lesson: LessonRecord | null;
  loading: LoadingSummary | null;
  /** Absent in records made before the anchor existed. */
  native?: NativeRecord;
  goals: Record<string, BenchGoal>;
}
