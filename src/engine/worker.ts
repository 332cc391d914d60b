/**
 * The engine's Web Worker entry: all tfjs work happens here so the page never freezes.
 * Messages are the typed unions of protocol.ts. One run at a time: a new `start` cancels the
 * running one first, and events carry the runId so the page can drop stale ones.
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset, type Dataset } from '../data/load';
import type { DatasetId } from '../data/manifest';
import { toyDataset, toyDatasetKey } from '../data/toyDataset';
import { isToyDataset, paramsSchema } from '../params/schema';
import { groupProblem } from '../params/runGroups';
import { chooseBackend, errorText } from './backend';
import { indexedDbStore, loadExistingDefender, memoryStore, type ModelStore } from './defenderProvider';
import { CancelledError, runExperimentGroup, type LiveModels } from './experiment';
import { assertNever, type BackendName, type Command, type EngineEvent, type ExperimentConfig } from './protocol';
import { shippedDefenderLoader } from './shipped';
import { benchLimits, benchModels } from './bench';
import { withWasmThreads } from './wasmThreads';
import { probeQuery } from './probe';
import { NoDefenderError, PadClassifier, snapshotThieves, testImage, type ThiefSnapshot } from './classify';
import { createYield } from './yieldNow';
import { createFrameGate } from './pageFrames';
import { watchGpuLoss } from './gpuLoss';
import { createGramCache } from './gramCache';
import { createRegionPainter } from './regions';
import { throttleProgress } from './throttleProgress';
import { createPauseGate, pausableYield, type PauseGate } from './pauseGate';

const scope = self as unknown as {
  postMessage(event: EngineEvent): void;
  onmessage: ((e: MessageEvent<Command>) => void) | null;
};

function post(event: EngineEvent): void {
  scope.postMessage(event);
}

let initialised: Promise<BackendName | null> | null = null;
let assetsBaseUrl = '';
const datasets = new Map<DatasetId, Promise<Dataset>>();
/** The newest 2-D data set drawn (a few milliseconds to draw again, so only one is kept). */
let toyData: { key: string; data: Dataset } | null = null;
const yieldNow = createYield();
// The ε defense's per-image gradient Gram matrices, shared by every run of this worker.
const gramCache = createGramCache();
const store: ModelStore = typeof indexedDB === 'undefined' ? memoryStore() : indexedDbStore;

interface ActiveRun {
  runId: number;
  cancelled: boolean;
  /** Ended by a lost GPU: its error is already said, so its end says nothing more. */
  lostGpu: boolean;
  /** Pause/resume: the run holds at its next checkpoint (between training steps). */
  gate: PauseGate;
  finished: Promise<void>;
  /** Resolves when Stop (or a newer start) arrives: what the run waits on that is not a step (a download) races it. */
  stopped: Promise<void>;
  stop(): void;
}

function newActiveRun(runId: number): ActiveRun {
  let resolveStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    resolveStop = resolve;
  });
  const run: ActiveRun = {
    runId,
    cancelled: false,
    lostGpu: false,
    gate: createPauseGate(),
    finished: Promise.resolve(),
    stopped,
    stop() {
      run.cancelled = true;
      run.gate.wake();
      resolveStop();
    },
  };
  return run;
}
let active: ActiveRun | null = null;

/** The WASM backend keeps its Emscripten module on `wasm`; its heap is what an out-of-memory exhausts. Null on other backends. */
function wasmHeapBytes(): number | null {
  return (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.byteLength ?? null;
}

/** How long a run that failed like a lost GPU waits for the device's lost event before it reports the failure as it is. */
const GPU_LOSS_GRACE_MS = 5000;
/** What operations say when their GPU device or context has gone (WebGPU read-backs, WebGL calls). */
const GPU_LOSS_SYMPTOM = /mapAsync|unmapped before|device (is |was )?lost|destroyed|Instance reference|context (is |was )?lost|CONTEXT_LOST/i;

/**
 * The GPU went away (see gpuLoss.ts). Said at once, not at the run's next step: a lost device can
 * leave an operation waiting for ever, and the page replaces this worker when it hears this.
 */
function onGpuLost(what: string): void {
  const hint = 'A fresh engine is starting and tries the GPU again; if it happens again, choose WASM in the Backend menu.';
  const run = active;
  if (run) {
    run.lostGpu = true;
    run.stop();
    post({ type: 'error', runId: run.runId, phase: 'run', cause: 'gpu-lost', message: `The GPU stopped working (${what}), so this run ended early; the budget steps it had finished are kept.`, hint });
    return;
  }
  post({ type: 'error', phase: 'run', cause: 'gpu-lost', message: `The GPU stopped working (${what}).`, hint });
}

async function init(cmd: Extract<Command, { type: 'init' }>): Promise<BackendName | null> {
  assetsBaseUrl = cmd.assetsBaseUrl;
  try {
    const choice = await chooseBackend(cmd.backend, cmd.assetsBaseUrl, cmd.calibration ?? null, cmd.calibrateAll ?? false, cmd.threads ?? 'auto');
    post({
      type: 'ready',
      backend: choice.backend,
      device: choice.device,
      attempts: choice.attempts,
      tfVersion: tf.version.tfjs,
      numTensors: tf.memory().numTensors,
      calibration: choice.calibration,
      threads: choice.threads,
    });
    const watch = watchGpuLoss(choice.backend, tf.backend(), onGpuLost);
    // Fault injection for the browser tests: ends the GPU device or context as a real loss would.
    if (watch) Object.assign(self, { __modelTheftLabLoseGpu: () => watch.lose() });
    return choice.backend;
  } catch (e) {
    post({
      type: 'error',
      phase: 'init',
      message: errorText(e),
      hint: 'Try another browser, or force a backend with the Backend menu (CPU always works).',
    });
    return null;
  }
}

/** The run's data: a 2-D set drawn here from its seed, or an image set downloaded once per worker. */
function datasetOf(config: ExperimentConfig, runId: number): Promise<Dataset> {
  const id = config.dataset;
  if (!isToyDataset(id)) return dataset(id, runId);
  const settings = { dataset: id, toyClasses: config.toyClasses, toyNoise: config.toyNoise, toySeed: config.toySeed };
  const key = toyDatasetKey(settings);
  if (toyData?.key !== key) toyData = { key, data: toyDataset(settings) };
  return Promise.resolve(toyData.data);
}

function dataset(id: DatasetId, runId: number): Promise<Dataset> {
  let pending = datasets.get(id);
  if (!pending) {
    post({ type: 'phase', runId, phase: 'loading-data', detail: `Loading ${id}` });
    pending = loadDataset(id, {
      baseUrl: new URL('data/', assetsBaseUrl).href,
      // One report per network chunk would be hundreds of page renders for one data set.
      onProgress: throttleProgress(
        (done, total) => post({ type: 'progress', runId, phase: 'loading-data', done, total, etaMs: null }),
        100,
        () => performance.now(),
      ),
    });
    // A failed load is not cached: the next run tries again.
    pending.catch(() => datasets.delete(id));
    datasets.set(id, pending);
  }
  return pending;
}

/** The playground's pictures after each budget step of run `runId`, posted as 'regions' events. */
function regionsOf(runId: number, data: Dataset, cancelled: () => boolean): (live: LiveModels) => Promise<void> {
  const painter = createRegionPainter(data, async () => {
    await yieldNow();
    if (cancelled()) throw new CancelledError();
  });
  return async (live) => {
    post({ type: 'regions', runId, frame: await painter.frame(live) });
  };
}

/** The run's results are drawn by the page before training goes on (see pageFrames.ts). */
const frameGate = createFrameGate(post);

/** The newest start asked for: starts that were waiting for an older run to end give way to it. */
let newestStart = 0;

async function start(runId: number, rawConfig: unknown, retrainDefender: boolean, rawAlongside: unknown[] = []): Promise<void> {
  newestStart = Math.max(newestStart, runId);
  if (active) {
    active.stop();
    await active.finished;
  }
  // Twenty quick starts must run one experiment, not twenty in a row: a start that a newer one
  // overtook while it waited ends here, said as cancelled, without touching the data or the models.
  if (runId !== newestStart) {
    post({ type: 'cancelled', runId, numTensors: tf.memory().numTensors });
    return;
  }
  const parsed = paramsSchema.safeParse(rawConfig);
  if (!parsed.success) {
    post({ type: 'error', runId, phase: 'run', message: `Invalid experiment settings: ${parsed.error.message}`, hint: 'Reset the settings to their defaults.' });
    return;
  }
  const config: ExperimentConfig = parsed.data;
  const alongside: ExperimentConfig[] = [];
  for (const raw of rawAlongside) {
    const other = paramsSchema.safeParse(raw);
    if (!other.success) {
      post({ type: 'error', runId, phase: 'run', message: `Invalid settings for a run trained alongside: ${other.error.message}`, hint: 'Run the settings one at a time.' });
      return;
    }
    alongside.push(other.data);
  }
  const sharing = groupProblem([config, ...alongside]);
  if (sharing) {
    post({ type: 'error', runId, phase: 'run', message: `These runs cannot train in one pass: ${sharing}.`, hint: 'Run the settings one at a time.' });
    return;
  }
  const run = newActiveRun(runId);
  active = run;
  run.finished = (async () => {
    const backend = await initialised;
    if (!backend) {
      post({ type: 'error', runId, phase: 'run', message: 'No TensorFlow.js backend is running.', hint: 'Choose the CPU backend and reload.' });
      return;
    }
    try {
      // Stop during a download ends the run at once; the download goes on and is kept for the next run.
      const data = await Promise.race([datasetOf(config, runId), run.stopped.then(() => null)]);
      if (run.cancelled || !data) throw new CancelledError();
      // The drawing pad: finish its answer in flight and drop the last run's thieves (and a
      // defender about to be retrained) before the run reads its starting tensor count.
      await drainPad();
      padClassifier().setThieves(null);
      if (retrainDefender) padClassifier().forgetDefender();
      let thieves: ThiefSnapshot | null = null;
      const [own, ...others] = await runExperimentGroup([config, ...alongside], {
        runId,
        dataset: data,
        backend,
        store,
        shippedDefender: shippedDefenderLoader(assetsBaseUrl),
        retrainDefender,
        emit: post,
        waitForPage: () => frameGate.waitForPage(runId),
        isCancelled: () => run.cancelled,
        // The pad's requests are answered at the run's checkpoints, never in the middle of a step,
        // and while the run is paused (a pad request wakes the paused checkpoint).
        yieldNow: pausableYield(
          run.gate,
          () => run.cancelled,
          yieldNow,
          async () => {
            if (padPending) await drainPad();
          },
        ),
        // The run's clock stands still while paused: ETAs and the wall time count working time only.
        now: () => run.gate.activeMs(performance.now()),
        gramCache,
        onLiveModels: (m) => {
          liveModels = m && { ...m, runId };
        },
        ...(data.kind === 'points' ? { onBudgetStep: regionsOf(runId, data, () => run.cancelled) } : {}),
        onThieves: async (t) => {
          thieves = await snapshotThieves(runId, t);
        },
      });
      padClassifier().setThieves(thieves);
      post({ type: 'done', runId, summary: own.summary, ...(others.length > 0 ? { alongside: others } : {}) });
    } catch (e) {
      // A lost GPU device fails the operation in flight (a read-back) at once, and its own lost
      // event comes seconds later (2.3 s after destroy() in Chromium here): an error that looks like
      // a loss waits for that event, so the run ends with its cause, not its symptom.
      const onGpu = tf.getBackend() === 'webgpu' || tf.getBackend() === 'webgl';
      if (!run.lostGpu && onGpu && !(e instanceof CancelledError) && GPU_LOSS_SYMPTOM.test(errorText(e))) {
        for (let waited = 0; waited < GPU_LOSS_GRACE_MS && !run.lostGpu; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (run.lostGpu) {
        // Said already, when the GPU went away; whatever the dead backend threw since adds nothing.
      } else if (e instanceof CancelledError) {
        post({ type: 'cancelled', runId, numTensors: tf.memory().numTensors });
      } else {
        const message = errorText(e);
        const outOfMemory = /memory|allocat|OOM|Aborted\(/i.test(message);
        const onGpu = tf.getBackend() === 'webgl' || tf.getBackend() === 'webgpu';
        post({
          type: 'error',
          runId,
          phase: 'run',
          message,
          ...(outOfMemory ? { cause: 'out-of-memory' as const } : {}),
          hint: outOfMemory
            ? `It ran out of memory: lower the query budget or the test images per evaluation${onGpu ? ', or choose the WASM backend' : ''}. A fresh engine is started for the next run.`
            : 'The details above say what failed; press Run again, or choose another backend in the Backend menu.',
        });
      }
    } finally {
      if (active === run) active = null;
      if (padPending && !active) drainPad().catch((e: unknown) => reportUncaught(e, null));
      const heap = wasmHeapBytes();
      if (heap !== null) post({ type: 'heap', wasmHeapBytes: heap });
    }
  })();
  await run.finished;
}

// --- The drawing pad ----------------------------------------------------------------------
// One request at a time, and only the newest waiting one is kept (the page drops stale answers
// anyway). While a run is active, requests wait for the run's next checkpoint and load nothing to
// keep, so the run's tensor count (read at its start and end) never sees the pad's tensors.
type ClassifyCommand = Extract<Command, { type: 'classify' }>;
let pad: PadClassifier | null = null;
let padPending: ClassifyCommand | null = null;
/** The running experiment's models after its latest budget step (the pad answers with them between steps). */
let liveModels: (LiveModels & { runId: number }) | null = null;
let padDraining: Promise<void> | null = null;

function padClassifier(): PadClassifier {
  if (!pad) {
    const shipped = shippedDefenderLoader(assetsBaseUrl);
    // Never trains: the pad uses a defender that already exists (cache or shipped).
    pad = new PadClassifier(
      (config) => loadExistingDefender(config, store, shipped),
    );
  }
  return pad;
}

function requestClassify(cmd: ClassifyCommand): void {
  padPending = cmd;
  if (!active) drainPad().catch((e: unknown) => reportUncaught(e, null));
  else if (active.gate.paused) active.gate.wake();
}

/** Answers the waiting request(s); resolves when none is left. Never two loops at once. */
function drainPad(): Promise<void> {
  if (padDraining) return padDraining;
  const loop = (async () => {
    while (padPending) {
      const cmd = padPending;
      padPending = null;
      await classifyOne(cmd);
    }
  })().finally(() => {
    if (padDraining === loop) padDraining = null;
  });
  padDraining = loop;
  return loop;
}

async function classifyOne(cmd: ClassifyCommand): Promise<void> {
  if (!(await initialised)) return;
  const parsed = paramsSchema.safeParse(cmd.config);
  if (!parsed.success) {
    post({ type: 'error', classifyId: cmd.classifyId, phase: 'classify', message: `Invalid settings: ${parsed.error.message}`, hint: 'Reset the settings to their defaults.' });
    return;
  }
  const config = parsed.data;
  try {
    const image = cmd.testIndex === undefined ? null : testImage(await datasetOf(config, -1), cmd.testIndex);
    const result = await padClassifier().classify(image ? image.pixels : cmd.pixels, config, cmd.classifyId, { keep: active === null, live: active ? liveModels : null });
    post({
      type: 'classified',
      ...result,
      ...(image ? { testImage: { index: image.index, label: image.label, pixels: Array.from(image.pixels) } } : {}),
    });
  } catch (e) {
    const missing = e instanceof NoDefenderError;
    post({
      type: 'error',
      classifyId: cmd.classifyId,
      phase: 'classify',
      message: missing ? e.message : errorText(e),
      hint: missing
        ? 'Run the theft once: the defender is trained and cached, then the pad answers.'
        : 'Try again, or reload the page.',
    });
  }
}

async function handle(cmd: Command): Promise<void> {
  switch (cmd.type) {
    case 'init':
      // The backend is picked once per worker; a different choice means a fresh worker.
      if (!initialised) initialised = init(cmd);
      return;
    case 'start':
      await start(cmd.runId, cmd.config, cmd.retrainDefender ?? false, cmd.alongside ?? []);
      return;
    case 'stop':
      if (active && active.runId === cmd.runId) active.stop();
      return;
    case 'pause':
    case 'resume': {
      if (!active || active.runId !== cmd.runId) return;
      const now = performance.now();
      const changed = cmd.type === 'pause' ? active.gate.pause(now) : active.gate.resume(now);
      if (changed) post({ type: 'paused', runId: cmd.runId, paused: active.gate.paused });
      return;
    }
    case 'bench': {
      const backend = await initialised;
      if (!backend) return;
      const before = tf.memory().numTensors;
      try {
        const { results, threads } = await withWasmThreads(backend === 'wasm' ? cmd.threads : undefined, () => benchModels(cmd.models, cmd.batch, cmd.maxSteps, cmd.maxMs, yieldNow));
        post({ type: 'bench', runId: cmd.runId, backend, threads, results, numTensorsBefore: before, numTensorsAfter: tf.memory().numTensors });
      } catch (e) {
        post({ type: 'error', runId: cmd.runId, phase: 'run', message: errorText(e), hint: 'The benchmark failed on this backend.' });
      }
      return;
    }
    case 'limits': {
      const backend = await initialised;
      if (!backend) return;
      const before = tf.memory().numTensors;
      try {
        const { throughput, matmul, stack } = await benchLimits(cmd.cases, cmd.batch, cmd.maxSteps, cmd.maxMs, cmd.matmulSize, yieldNow, cmd.stack);
        post({ type: 'limits', runId: cmd.runId, backend, throughput, matmul, stack, numTensorsBefore: before, numTensorsAfter: tf.memory().numTensors });
      } catch (e) {
        post({ type: 'error', runId: cmd.runId, phase: 'run', message: errorText(e), hint: 'The limits benchmark failed on this backend.' });
      }
      return;
    }
    case 'memory': {
      if (!(await initialised)) return;
      const { numTensors, numBytes } = tf.memory();
      post({ type: 'memory', requestId: cmd.requestId, numTensors, numBytes, wasmHeapBytes: wasmHeapBytes() });
      return;
    }
    case 'probe': {
      if (!(await initialised)) return;
      try {
        const data = await datasetOf(cmd.config, -1);
        // Never trains: the explainer uses a defender that already exists (cache or shipped).
        const defender = await loadExistingDefender(cmd.config, store, shippedDefenderLoader(assetsBaseUrl));
        if (!defender) {
          post({ type: 'error', probeId: cmd.probeId, phase: 'probe', message: 'No trained defender for these settings yet.', hint: 'Run the theft once: the defender is trained and cached, then this shows a real query.' });
          return;
        }
        try {
          post({ type: 'probe', ...(await probeQuery(defender, data, cmd.index, cmd.probeId)) });
        } finally {
          defender.dispose();
        }
      } catch (e) {
        post({ type: 'error', probeId: cmd.probeId, phase: 'probe', message: errorText(e), hint: 'Try again, or reload the page.' });
      }
      return;
    }
    case 'classify':
      requestClassify(cmd);
      return;
    case 'ping':
      post({ type: 'pong', sentAt: cmd.sentAt });
      return;
    case 'frame-drawn':
      frameGate.drawn(cmd.requestId);
      return;
    default:
      assertNever(cmd);
  }
}

/**
 * A failure nothing else caught (a command the engine does not know, a rejected promise no code
 * awaited) still reaches the page as an error event, naming the run when the command had one,
 * so the page never waits on a run the worker gave up.
 */
function reportUncaught(err: unknown, cmd: unknown): void {
  const runId = typeof cmd === 'object' && cmd !== null && typeof (cmd as { runId?: unknown }).runId === 'number' ? (cmd as { runId: number }).runId : undefined;
  post({
    type: 'error',
    phase: 'run',
    ...(runId !== undefined ? { runId } : {}),
    message: `The engine failed: ${err instanceof Error ? err.message : String(err)}`,
    hint: 'Press Run again; if it happens again, reload the page.',
  });
}

(self as unknown as EventTarget).addEventListener('unhandledrejection', (e) => {
  const event = e as PromiseRejectionEvent;
  event.preventDefault();
  reportUncaught(event.reason, null);
});

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => reportUncaught(err, e.data));
};
