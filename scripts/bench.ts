/**
 * `npm run bench`: the app's speed and memory goals, measured through the real engine worker of the built site in
 * headless Chromium, for every tfjs backend that initialises (webgpu, webgl, wasm, cpu):
 *
 * - ms per training step of the defender and substitutes X, A, I (batch 64, after warm-up);
 * - overhead against the limit, in the same page: the engine's thief loop against a bare tfjs loop
 *   (same model, batch, backend), and the defender step's GFLOP/s against a 1024² matmul's;
 * - five consecutive small runs driven like a user (store.replaceParams / startRun): time from
 *   Run to the first curve point, the longest main-thread task, tf.memory() before and after;
 * - the default lesson (today's defaults: thief I, Sample, reverse sigmoid, 19,200 queries) once, on the
 *   backend the app itself picks (the fastest; WASM on a CPU-only machine);
 * - a cold load of the page from a local static server: bytes and time until the β slider moves
 *   the reverse-sigmoid curve, and that no data file is fetched before that;
 * - the native anchor: the same nets' training step in PyTorch on the CPU (scripts/bench-native.py,
 *   Debian's python3-torch; "not available" without it), against WASM's from the same run;
 * - the page's work per streamed point is judged on the replay of scripts/bench-events.ts
 *   (bench/events.json, which `npm run bench` makes first; --events=FILE reads another), the live
 *   runs' figure reported beside it.
 *
 * Prints tables and writes bench/results.json. Goals are reported, never asserted here or in unit
 * tests. Needs `npm run build` first (the npm script does it). Uses /usr/bin/chromium where it exists.
 *
 * Options: --backends=wasm,cpu (a subset), --lesson-all (the lesson on every backend, not only the
 * best: software WebGPU/WebGL and plain JS take many times longer), --no-lesson, --dist=DIR
 * (serve another build), --out=FILE (write elsewhere than bench/results.json), --resume (keep the
 * cold loads and backends an interrupted run finished, saved in bench/results.partial.json; use the
 * same build: `tsx scripts/bench.ts --resume`), --report=FILE (print a saved run's tables again and
 * rewrite FILE's summary: goals, loading headline; measures nothing, and takes the per-point
 * figure from the replay file as it is).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { dirname, join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { waitForServer } from './lib/server';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { BenchResult, EngineEvent, RunSummary, ThroughputResult, WasmThreadChoice } from '../src/engine/protocol';
import { trainStepFlops } from '../src/models/flops';
import { MODEL_SPECS, type ModelId } from '../src/models/registry';
import { budgetSchedule } from '../src/math/schedule';
import { LINK_VERSION } from '../src/params/codec';
import type { BackendRow, BenchFile, LessonRecord, LoadingRecord, LoadingSummary, MemorySnapshot, NativeRecord, ReplayFigure, RunRecord, ThrottledRun } from './benchRecord';

const PORT = 4175;
const URL_BASE = `http://127.0.0.1:${PORT}/`;
const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
const MODELS = ['defender', 'X', 'A', 'I'];
const BATCH = 64;
/** The lesson's default shift augmentation: the engine side of the throughput comparison uses it. */
const LESSON_SHIFT = 2;
const MATMUL_N = 1024;
const COLD_LOADS = 3;
const LESSON = { budget: 19200, thiefEpochs: 3, evalSize: 2000, fgsm: 1000 };
const GOALS = { lessonMs: 180_000, longestTaskMs: 50, engineVsBare: 0.9, interactiveMs: 1500, bytesBeforeInteractive: 2_000_000, workPerPointMs: 8, throttledLongestTaskMs: 50, interactiveVsFcp: 1.2, stackedThieves: 3 };
/** Many thieves at once: this many thieves I as one stack, against one. */
const STACK_K = 8;
/** A slow student laptop: Chromium's CPU throttling of the page (DevTools' Emulation.setCPUThrottlingRate). */
const THROTTLE = 4;
/** Throttled runs per backend: the goal is judged on the longest task of all of them. */
const THROTTLED_RUNS = 3;

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const BACKENDS = (option('backends')?.split(',') ?? [...ALL_BACKENDS]).filter((b) => (ALL_BACKENDS as readonly string[]).includes(b));
const OUT = option('out') ?? 'bench/results.json';
/** Finished parts, saved as they finish: `--resume` continues an interrupted bench from them. */
const PARTIAL = OUT.replace(/\.json$/, '.partial.json');
const DIST = option('dist');
/** The replay of a run's events into an idle page (scripts/bench-events.ts): the per-point goal is judged on it. */
const EVENTS = option('events') ?? 'bench/events.json';

/**
 * tsx compiles this file with esbuild's keepNames, which wraps named inner functions in
 * `__name(fn, "name")`; functions sent to the page (evaluate, addInitScript) need it defined there.
 */
const NAME_SHIM = { content: 'globalThis.__name ??= (f) => f;' };

/**
 * The lab at today's defaults. A link of an earlier version replays that version's defaults (an old
 * link reproduces its run), so `#v=1` would run the lesson at the reverse sigmoid's old β = 0.8.
 */
const LAB = `#v=${LINK_VERSION}`;

/** Installed in every page before its first script: main-thread long tasks, from the first byte on. */
function longTaskObserver() {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
  w.__longTasks = [];
  try {
    new PerformanceObserver((list) => w.__longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no long-task support: reported as 0 */
  }
}

/** A fixed piece of the page's own script (median of 15, ms): the throttle's real rate is its ratio. */
async function busyLoopMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const times: number[] = [];
    for (let r = 0; r < 15; r++) {
      const t0 = performance.now();
      let s = 0;
      for (let i = 0; i < 2e6; i++) s += Math.sqrt(i);
      (window as unknown as { __sink: number }).__sink = s;
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[7];
  });
}

type LabWindow = {
  __longTasks: { start: number; duration: number }[];
  __modelTheftLab: {
    store: {
      getState(): {
        engine: { state: string; backend?: string; device?: string };
        params: Record<string, unknown>;
        run: { runId: number; phase?: string | null };
        sendCommand: ((c: unknown) => void) | null;
        replaceParams(p: Record<string, unknown>): void;
        startRun(): void;
      };
    };
    onEngineEvent(l: (e: EngineEvent) => void): () => void;
  };
};

async function waitForEngine(page: Page) {
  const ready = await page.waitForFunction(
    () => {
      const s = (window as unknown as LabWindow).__modelTheftLab?.store.getState().engine;
      return !s || s.state === 'starting' ? null : s;
    },
    undefined,
    { timeout: 120_000 },
  );
  return (await ready.jsonValue()) as { state: string; backend?: string; device?: string; attempts?: { backend: string; outcome: string; reason: string }[]; threads?: WasmThreadChoice | null };
}

/** Sends one command and waits for its answer: the event of type `type` with the same id, or an error with it. */
async function command<T extends EngineEvent>(page: Page, cmd: Record<string, unknown>, id: { key: 'runId' | 'requestId'; value: number }, type: T['type']): Promise<T | Extract<EngineEvent, { type: 'error' }>> {
  return (await page.evaluate(
    ({ cmd, id, type }) =>
      new Promise<EngineEvent>((resolve) => {
        const api = (window as unknown as LabWindow).__modelTheftLab;
        const off = api.onEngineEvent((e) => {
          const ev = e as unknown as Record<string, unknown>;
          if ((e.type === type || e.type === 'error') && ev[id.key] === id.value) {
            off();
            resolve(e);
          }
        });
        api.store.getState().sendCommand!(cmd);
      }),
    { cmd, id, type },
  )) as T;
}

let requestSeq = 1;
async function memory(page: Page): Promise<MemorySnapshot> {
  const e = await command<Extract<EngineEvent, { type: 'memory' }>>(page, { type: 'memory', requestId: requestSeq }, { key: 'requestId', value: requestSeq++ }, 'memory');
  if (e.type !== 'memory') throw new Error(`memory query failed: ${e.message}`);
  return { numTensors: e.numTensors, numBytes: e.numBytes };
}

/** One run as a user starts it: new settings into the store, Run, wait for the end. */
async function run(page: Page, overrides: Record<string, unknown>, timeoutMs: number): Promise<RunRecord> {
  return page.evaluate(
    ({ overrides, timeoutMs }) =>
      new Promise<RunRecord>((resolve) => {
        const w = window as unknown as LabWindow;
        const api = w.__modelTheftLab;
        const s0 = api.store.getState();
        s0.replaceParams({ ...s0.params, ...overrides });
        let runId = -1;
        let firstPoint: number | null = null;
        let dataLoaded: number | null = null;
        let dataProgress = 0;
        let points = 0;
        const timeline: { at: number; what: string }[] = [];
        const finish = (outcome: string, summary: RunSummary | null) => {
          off();
          clearTimeout(timer);
          const wallMs = performance.now() - t0;
          // Let the long-task observer deliver the last entries first.
          setTimeout(() => {
            const tasks = w.__longTasks.splice(0).filter((t) => t.start >= t0);
            const cause = (start: number) => timeline.filter((e) => e.at <= start).pop()?.what ?? 'run pressed';
            resolve({
              timeToFirstPointMs: firstPoint,
              wallMs,
              engineWallMs: summary?.wallMs ?? null,
              dataLoadMs: dataLoaded,
              dataProgressEvents: dataProgress,
              points,
              longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
              longTasks: tasks.length,
              longestTaskWhileTrainingMs: Math.max(0, ...tasks.filter((t) => dataLoaded !== null && t.start >= t0 + dataLoaded).map((t) => t.duration)),
              longestTaskAfterFirstPointMs: Math.max(0, ...tasks.filter((t) => firstPoint !== null && t.start >= t0 + firstPoint).map((t) => t.duration)),
              longTaskLog: tasks.map((t) => ({ ms: Math.round(t.duration), atMs: Math.round(t.start - t0), afterEvent: cause(t.start) })),
              defenderSource: summary?.defenderSource ?? null,
              finalAccuracy: summary ? { undefended: summary.final.undefended.accuracy, defended: summary.final.defended.accuracy } : null,
              numTensorsBefore: summary?.numTensorsBefore ?? null,
              numTensorsAfter: summary?.numTensorsAfter ?? null,
              outcome,
            });
          }, 300);
        };
        const off = api.onEngineEvent((e) => {
          if (!('runId' in e) || e.runId !== runId) return;
          if (e.type !== 'progress' && e.type !== 'frame-request') timeline.push({ at: performance.now(), what: e.type === 'phase' ? `phase ${e.phase}` : e.type });
          if (e.type === 'point') {
            points++;
            firstPoint ??= performance.now() - t0;
          } else if (e.type === 'progress' && e.phase === 'loading-data') dataProgress++;
          else if (e.type === 'phase' && e.phase !== 'loading-data') dataLoaded ??= performance.now() - t0;
          else if (e.type === 'done') finish('done', e.summary);
          else if (e.type === 'cancelled') finish('cancelled', null);
          else if (e.type === 'error') finish(`error: ${e.message}`, null);
        });
        const timer = setTimeout(() => finish(`timed out after ${timeoutMs} ms`, null), timeoutMs);
        w.__longTasks.length = 0;
        const t0 = performance.now();
        // An engine that is restarting (after a fault) starts nothing: said at once, not after the timeout.
        if (api.store.getState().startRun() === null) {
          finish(`not started: the engine was ${api.store.getState().engine.state}`, null);
          return;
        }
        runId = api.store.getState().run.runId;
      }),
    { overrides, timeoutMs },
  );
}

/**
 * The default lesson's cost from the per-step figures, for backends where it is not run: the two
 * thieves' training steps, the defender's forward passes (queries, evaluation, honest users,
 * FGSM) and the thieves' evaluations. Leaves out data loading, the defense and FGSM gradients.
 */
function estimateLessonMs(results: BenchResult[]): number | null {
  const thief = results.find((r) => r.model === 'I');
  const defender = results.find((r) => r.model === 'defender');
  if (!thief || !defender) return null;
  const schedule = budgetSchedule(LESSON.budget);
  const steps = schedule.reduce((s, b) => s + Math.ceil(b / BATCH), 0) * LESSON.thiefEpochs * 2;
  const defenderImages = LESSON.budget + 2 * LESSON.evalSize + LESSON.fgsm;
  const thiefImages = schedule.length * 2 * LESSON.evalSize + 2 * LESSON.fgsm;
  return steps * thief.msPerStep + (defenderImages / 1000) * defender.inferMsPer1000 + (thiefImages / 1000) * thief.inferMsPer1000;
}

async function lessonOn(page: Page, engine: { backend?: string; device?: string }): Promise<LessonRecord> {
  const memoryBefore = await memory(page);
  const r = await run(page, { budget: LESSON.budget, thiefEpochs: LESSON.thiefEpochs, evalSize: LESSON.evalSize, substitute: 'I', attack: 'sample', defense: 'reverse-sigmoid', shift: LESSON_SHIFT }, 40 * 60_000);
  return { ...r, backend: engine.backend ?? '?', device: engine.device ?? '', memoryBefore, memoryAfter: await memory(page) };
}

async function benchBackend(browser: Browser, backend: string, lessonHere: boolean): Promise<BackendRow> {
  const page = await browser.newPage();
  try {
    await page.addInitScript(NAME_SHIM);
    await page.addInitScript(longTaskObserver);
    await page.goto(`${URL_BASE}${LAB}&backend=${backend}`);
    const engine = await waitForEngine(page);
    const forced = engine.attempts?.find((a) => a.backend === backend);
    if (engine.state !== 'ready' || engine.backend !== backend) {
      console.log(`${backend}: did not initialise (${forced?.reason ?? 'engine failed'})`);
      return { requested: backend, ran: null, device: '', note: `did not initialise: ${forced?.reason ?? 'engine failed'}`, results: [] };
    }
    const device = engine.device ?? '';
    console.log(`${backend}: running on ${device} …`);
    const slow = backend === 'cpu' || /swiftshader|software/i.test(device);

    // 1. ms per training step.
    const bench = await command<Extract<EngineEvent, { type: 'bench' }>>(page, { type: 'bench', runId: 9001, models: MODELS, batch: BATCH, maxSteps: slow ? 5 : 20, maxMs: slow ? 8000 : 4000 }, { key: 'runId', value: 9001 }, 'bench');
    if (bench.type !== 'bench') {
      console.log(`  failed: ${bench.message}`);
      return { requested: backend, ran: backend, device, note: `failed: ${bench.message}`, results: [] };
    }
    const row: BackendRow = { requested: backend, ran: bench.backend, device, note: '', results: bench.results, numTensorsBefore: bench.numTensorsBefore, numTensorsAfter: bench.numTensorsAfter };
    for (const r of bench.results) {
      console.log(`  ${r.model.padEnd(9)} ${r.msPerStep.toFixed(1).padStart(8)} ms/step (first ${r.firstStepMs.toFixed(0)} ms, ${r.timedSteps} timed), infer 1000: ${r.inferMsPer1000.toFixed(0)} ms`);
    }

    // 1b. Threads (WASM, cross-origin isolated, several cores): the same steps with the count the engine did
    // not choose: the threads it offered, or both cores of a 2-core machine, where the engine keeps one for the
    // page and so runs the single-threaded build; a second page then asks for them by link (threads=2).
    const machineCores = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
    if (bench.backend === 'wasm' && machineCores.isolated && machineCores.cores > 1) {
      const choice = engine.threads ?? null;
      const many = Math.max(2, choice?.offered ?? 1);
      const other = (choice?.chosen ?? 1) === 1 ? many : 1;
      const benchOther = { type: 'bench', runId: 9003, models: MODELS, batch: BATCH, maxSteps: 20, maxMs: 4000, threads: other };
      let again: Extract<EngineEvent, { type: 'bench' | 'error' }>;
      if (choice) again = await command<Extract<EngineEvent, { type: 'bench' }>>(page, benchOther, { key: 'runId', value: 9003 }, 'bench');
      else {
        const second = await browser.newPage();
        try {
          await second.addInitScript(NAME_SHIM);
          await second.goto(`${URL_BASE}${LAB}&backend=wasm&threads=${many}`);
          await waitForEngine(second);
          again = await command<Extract<EngineEvent, { type: 'bench' }>>(second, benchOther, { key: 'runId', value: 9003 }, 'bench');
        } finally {
          await second.close();
        }
      }
      if (again.type === 'bench') {
        const runs = again;
        const at = (threads: number, model: string) => (threads === bench.threads ? bench.results : runs.results).find((r) => r.model === model)!.msPerStep;
        const scaling = MODELS.map((model) => ({ model, oneThreadMs: at(1, model), threadsMs: at(many, model), speedup: at(1, model) / at(many, model) }));
        row.threads = { offered: choice?.offered ?? 1, chosen: choice?.chosen ?? 1, calibration: choice?.timings ?? [], other: { threads: runs.threads, results: runs.results }, scaling };
        console.log(`  threads: ${row.threads.chosen} of ${row.threads.offered} offered chosen; speed-up with ${many}: ${scaling.map((s) => `${s.model} ${s.speedup.toFixed(2)}× (${s.oneThreadMs.toFixed(1)} → ${s.threadsMs.toFixed(1)} ms)`).join(', ')}`);
      } else console.log(`  threads: the bench with ${other} failed: ${again.message}`);
    }

    // 2. Overhead against the limit.
    const limits = await command<Extract<EngineEvent, { type: 'limits' }>>(
      page,
      {
        type: 'limits',
        runId: 9002,
        // The lesson's shift for both models; on a fast backend also I without it (the loop's own cost).
        cases: [{ model: 'defender', shift: LESSON_SHIFT }, { model: 'I', shift: LESSON_SHIFT }, ...(slow ? [] : [{ model: 'I', shift: 0 }])],
        batch: BATCH,
        maxSteps: slow ? 2 : 400,
        maxMs: slow ? 1 : 12_000,
        matmulSize: MATMUL_N,
        // K thieves I as one stack against one (not on plain JS or a software GPU: minutes there).
        ...(slow ? {} : { stack: { model: 'I', k: STACK_K, shift: LESSON_SHIFT } }),
      },
      { key: 'runId', value: 9002 },
      'limits',
    );
    if (limits.type === 'limits') {
      const def = bench.results.find((r) => r.model === 'defender')!;
      const flops = trainStepFlops('defender', BATCH).trainStepFlops;
      const gflops = flops / def.msPerStep / 1e6;
      row.limits = {
        throughput: limits.throughput,
        matmul: limits.matmul,
        defenderStep: { flops, msPerStep: def.msPerStep, gflops },
        defenderVsMatmul: gflops / limits.matmul.gflops,
        stack: limits.stack,
        numTensorsBefore: limits.numTensorsBefore,
        numTensorsAfter: limits.numTensorsAfter,
      };
      for (const t of limits.throughput) {
        console.log(`  engine vs bare, ${t.model} (shift ${t.shift}): ${t.engineMsPerStep.toFixed(1)} vs ${t.bareMsPerStep.toFixed(1)} ms/step → ${t.ratio.toFixed(2)} (${t.steps} steps each; ${t.roundRatios.count} rounds ${t.roundRatios.min.toFixed(2)}–${t.roundRatios.max.toFixed(2)}, median ${t.roundRatios.median.toFixed(2)})`);
      }
      if (limits.stack) {
        const st = limits.stack;
        console.log(`  ${st.k} thieves ${st.model}: ${st.stackedMsPerStep.toFixed(1)} ms/step as one stack, ${st.separateMsPerStep.toFixed(1)} one by one, one thief ${st.oneMsPerStep.toFixed(1)} → ${st.stackedVsOne.toFixed(2)}× one (one by one ${st.separateVsOne.toFixed(2)}×; ${st.steps} steps each)`);
      }
      console.log(`  defender step ${gflops.toFixed(2)} GFLOP/s; matmul ${MATMUL_N}² ${limits.matmul.gflops.toFixed(2)} GFLOP/s (${limits.matmul.msPerMatmul.toFixed(0)} ms) → ${row.limits.defenderVsMatmul.toFixed(2)}`);
    } else {
      row.note = `limits failed: ${limits.message}`;
      console.log(`  ${row.note}`);
    }

    // 3. Five consecutive small runs, driven through the store like a user.
    // Software GPU and plain JS: the smallest run (one budget step; the defender's forward passes dominate).
    const config = slow
      ? { budget: 150, evalSize: 100, thiefEpochs: 1, shift: LESSON_SHIFT, substitute: 'I' }
      : { budget: 600, evalSize: LESSON.evalSize, thiefEpochs: LESSON.thiefEpochs, shift: LESSON_SHIFT, substitute: 'I' };
    const memoryBefore = await memory(page);
    const list: RunRecord[] = [];
    // The page's own main-thread work (Chromium's TaskDuration: every task of the page's thread, the
    // worker's excluded), per streamed point: what each point costs the page.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskMs = async () => 1000 * ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN);
    const workPerPoint: number[] = [];
    const runWork: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = await taskMs();
      const r = await run(page, config, 20 * 60_000);
      runWork.push((await taskMs()) - before);
      workPerPoint.push(runWork[i] / Math.max(1, r.points));
      list.push(r);
      console.log(`  run ${i + 1}: ${r.outcome}, first point ${r.timeToFirstPointMs?.toFixed(0)} ms, total ${r.wallMs.toFixed(0)} ms, page work ${workPerPoint[i].toFixed(1)} ms per point, long tasks: ${r.longTaskLog.map((t) => `${t.ms} ms after ${t.afterEvent}`).join(', ') || 'none'}`);
    }
    const memoryAfter = await memory(page);
    row.runs = { config, list, memoryBefore, memoryAfter, longestTaskMs: Math.max(...list.map((r) => r.longestTaskMs)) };

    // 3a. What one more point costs: longer runs of the same kind (3 more points), against runs 2–5.
    const longer = { ...config, budget: config.budget * (slow ? 4 : 8) };
    const longRuns: { work: number; points: number }[] = [];
    for (let i = 0; i < (slow ? 2 : 3); i++) {
      const before = await taskMs();
      const r = await run(page, longer, 20 * 60_000);
      longRuns.push({ work: (await taskMs()) - before, points: r.points });
      console.log(`  longer run ${i + 1} (${longer.budget} queries): ${r.outcome}, ${r.points} points, page work ${longRuns[i].work.toFixed(0)} ms`);
    }
    const shortPoints = list[1].points;
    const marginal = {
      budget: longer.budget,
      points: longRuns[0].points,
      shortPoints,
      runWorkEachMs: longRuns.map((r) => r.work),
      shortRunWorkEachMs: runWork.slice(1),
      workPerPointMs: (median(longRuns.map((r) => r.work))! - median(runWork.slice(1))!) / (longRuns[0].points - shortPoints),
    };
    console.log(`  one more streamed point costs the page ${marginal.workPerPointMs.toFixed(1)} ms (${marginal.shortPoints} → ${marginal.points} points)`);

    // 3b. A slow student laptop: the same run with the page's CPU throttled 4× (the worker is not),
    // THROTTLED_RUNS times: the longest task of one run varies from none to twice the goal.
    const loopAtFullSpeed = await busyLoopMs(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
    try {
      // What the throttle really does to the page's own script, idle (DevTools suspends the main thread
      // in 200 µs slices, and on a busy machine the slices stretch).
      const effectiveRate = (await busyLoopMs(page)) / loopAtFullSpeed;
      const throttledRuns: ThrottledRun[] = [];
      for (let i = 0; i < THROTTLED_RUNS; i++) {
        const before = await taskMs();
        const r = await run(page, config, 20 * 60_000);
        throttledRuns.push({ outcome: r.outcome, points: r.points, workPerPointMs: ((await taskMs()) - before) / Math.max(1, r.points), longestTaskMs: r.longestTaskMs, longTaskLog: r.longTaskLog });
        console.log(`  ${THROTTLE}× throttled run ${i + 1}: ${r.outcome}, page work ${throttledRuns[i].workPerPointMs.toFixed(1)} ms per point, long tasks: ${r.longTaskLog.map((t) => `${t.ms} ms after ${t.afterEvent}`).join(', ') || 'none'}`);
      }
      const worst = throttledRuns.reduce((a, b) => (b.longestTaskMs > a.longestTaskMs ? b : a));
      row.smoothness = {
        workPerPointMs: median(workPerPoint)!,
        workPerPointEachMs: workPerPoint,
        marginal,
        throttled: {
          rate: THROTTLE,
          effectiveRate,
          outcome: throttledRuns.find((t) => t.outcome !== 'done')?.outcome ?? 'done',
          points: throttledRuns[0].points,
          workPerPointMs: median(throttledRuns.map((t) => t.workPerPointMs))!,
          longestTaskMs: worst.longestTaskMs,
          longTaskLog: worst.longTaskLog,
          runs: throttledRuns,
        },
      };
      console.log(`  ${THROTTLE}× throttled (${effectiveRate.toFixed(1)}× on the page's script, idle): longest task ${worst.longestTaskMs.toFixed(0)} ms over ${THROTTLED_RUNS} runs`);
    } finally {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.detach();
    }
    console.log(`  tf.memory() before → after 5 runs: ${memoryBefore.numTensors} → ${memoryAfter.numTensors} tensors, ${memoryBefore.numBytes} → ${memoryAfter.numBytes} bytes`);

    // 4. The default lesson, on request (the best backend's lesson runs on its own page, below).
    if (lessonHere) {
      row.lesson = await lessonOn(page, engine);
      console.log(`  default lesson: ${row.lesson.outcome} in ${(row.lesson.wallMs / 1000).toFixed(1)} s`);
    }
    return row;
  } finally {
    await page.close();
  }
}

/** In the page from its first script: the first moment the β slider moves the reverse-sigmoid curve. */
function interactivityProbe() {
  const w = window as unknown as { __interactive?: { at: number; tries: number } };
  let target: string | null = null;
  let before = '';
  let sizeBefore = '';
  let tries = 0;
  const setValue = (el: HTMLInputElement, v: string) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const check = () => {
    const slider = document.querySelector<HTMLInputElement>('[data-testid="param-beta"] input[type="range"]');
    const curve = document.querySelector('[data-testid="reverse-sigmoid-chart"] .line-normalized path');
    const surface = curve instanceof SVGElement ? curve.ownerSVGElement : null;
    if (slider && curve && surface) {
      const d = curve.getAttribute('d') ?? '';
      const size = `${surface.getAttribute('width')}×${surface.getAttribute('height')}`;
      if (target !== null && slider.value === target && d !== before && size === sizeBefore) {
        w.__interactive = { at: performance.now(), tries };
        return;
      }
      // First sight, or the chart was re-laid out (its size changed, which moves every line): try again.
      if (target === null || size !== sizeBefore) {
        before = d;
        sizeBefore = size;
        target = tries % 2 === 0 ? '0.5' : '0.6';
        tries++;
        setValue(slider, target);
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/**
 * Bytes of `url`'s body as the server sends it for this Accept-Encoding (compressed, not decoded).
 * Chromium reports no body size for a dedicated worker's own script, so that one is re-fetched.
 */
function bodyBytesOnWire(url: string, acceptEncoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      let n = 0;
      res.on('data', (chunk: Buffer) => (n += chunk.length));
      res.on('end', () => resolve(n));
    }).on('error', reject);
  });
}

/** One cold load (a fresh context: empty HTTP cache, no IndexedDB, no calibration in localStorage). */
async function measureLoading(browser: Browser, checkRun: boolean): Promise<LoadingRecord> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const finished: Promise<{ url: string; bytes: number; start: number; end: number; remeasured: boolean }>[] = [];
  page.on('requestfinished', (req) => {
    const seenAt = Date.now();
    finished.push(
      (async () => {
        const s = await req.sizes();
        const t = req.timing();
        const status = (await req.response())?.status();
        const remeasured = s.responseBodySize === 0 && status === 200;
        const body = remeasured ? await bodyBytesOnWire(req.url(), (await req.allHeaders())['accept-encoding'] ?? '') : s.responseBodySize;
        return { url: req.url(), bytes: body + s.responseHeadersSize, start: t.startTime, end: t.responseEnd >= 0 ? t.startTime + t.responseEnd : seenAt, remeasured };
      })(),
    );
  });
  try {
    await page.addInitScript(NAME_SHIM);
    await page.addInitScript(interactivityProbe);
    await page.addInitScript(longTaskObserver);
    await page.goto(URL_BASE, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { __interactive?: unknown }).__interactive, undefined, { timeout: 60_000, polling: 50 });
    await waitForEngine(page);
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        timeOrigin: performance.timeOrigin,
        interactiveMs: (window as unknown as { __interactive: { at: number } }).__interactive.at,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        dcl: nav?.domContentLoadedEventEnd ?? null,
        engineReadyMs: performance.now(),
      };
    });
    await page.waitForTimeout(500);
    const beforeRun = await Promise.all(finished);
    const rel = (epochMs: number) => epochMs - timing.timeOrigin;
    const path = (url: string) => new URL(url).pathname;
    const isData = (url: string) => /\/data\/.*\.u8$/.test(new URL(url).pathname);
    const interactiveEpoch = timing.timeOrigin + timing.interactiveMs;
    const resources = beforeRun
      .map((r) => ({ path: path(r.url), bytes: r.bytes, startMs: rel(r.start), endMs: rel(r.end), ...(r.remeasured ? { note: 'body size re-fetched (Chromium reports none for a worker script)' } : {}) }))
      .sort((a, b) => a.startMs - b.startMs);
    const worker = resources.find((r) => /\/assets\/worker-.*\.js$/.test(r.path)) ?? null;

    const record: LoadingRecord = {
      url: URL_BASE,
      interactiveMs: timing.interactiveMs,
      firstContentfulPaintMs: timing.fcp,
      domContentLoadedMs: timing.dcl,
      bytesBeforeInteractive: beforeRun.filter((r) => r.end <= interactiveEpoch).reduce((s, r) => s + r.bytes, 0),
      inFlightAtInteractive: beforeRun.filter((r) => r.start <= interactiveEpoch && r.end > interactiveEpoch).map((r) => path(r.url)),
      bytesUntilEngineReady: beforeRun.reduce((s, r) => s + r.bytes, 0),
      engineReadyMs: timing.engineReadyMs,
      resources,
      dataFilesBeforeInteractive: beforeRun.filter((r) => isData(r.url) && r.start <= interactiveEpoch).map((r) => path(r.url)),
      dataFilesBeforeRun: beforeRun.filter((r) => isData(r.url)).map((r) => path(r.url)),
      dataFetchedOnRun: null,
      workerChunk: worker && { path: worker.path, startMs: worker.startMs, endMs: worker.endMs },
    };
    if (!checkRun) return record;

    // Then Run, with a tiny budget: the data set must load now, with a progress bar.
    const n = finished.length;
    const progressSeen = page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const api = (window as unknown as LabWindow).__modelTheftLab;
          const t0 = performance.now();
          const tick = () => {
            if (api.store.getState().run.phase === 'loading-data' && document.querySelector('[role="progressbar"]')) return resolve(true);
            if (performance.now() - t0 > 60_000) return resolve(false);
            requestAnimationFrame(tick);
          };
          tick();
        }),
    );
    const small = await run(page, { budget: 150, evalSize: 100, thiefEpochs: 1 }, 5 * 60_000);
    const afterRun = (await Promise.all(finished.slice(n))).filter((r) => isData(r.url));
    record.dataFetchedOnRun = { files: afterRun.length, bytes: afterRun.reduce((s, r) => s + r.bytes, 0), progressBarSeen: await progressSeen, loadMs: small.dataLoadMs, runOutcome: small.outcome };
    return record;
  } finally {
    await context.close();
  }
}

const ms = (v: number | null | undefined, digits = 0) => (v == null ? '–' : `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ms`);
const s1 = (v: number | null | undefined) => (v == null ? '–' : `${(v / 1000).toFixed(1)} s`);
const mb = (v: number) => `${(v / 1e6).toFixed(2)} MB`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
const ratio = (t: ThroughputResult[] | undefined, model: string, shift = LESSON_SHIFT) => {
  const x = t?.find((r) => r.model === model && r.shift === shift);
  return x ? `${x.ratio.toFixed(2)} (${x.roundRatios.median.toFixed(2)})` : '–';
};

/**
 * The cold loads in one record: the last load's details (it also ran the data check), the median
 * time to interactive, and the most bytes any load had received by then (the worker chunk lands
 * either just before or just after interactive).
 */
function summariseLoads(loads: LoadingRecord[]): LoadingSummary {
  const last = loads[loads.length - 1];
  const interactiveMsEach = loads.map((l) => l.interactiveMs);
  const bytesBeforeInteractiveEach = loads.map((l) => l.bytesBeforeInteractive);
  const interactiveVsFcpEach = loads.filter((l) => l.firstContentfulPaintMs).map((l) => l.interactiveMs / l.firstContentfulPaintMs!);
  return { ...last, interactiveMs: median(interactiveMsEach)!, bytesBeforeInteractive: Math.max(...bytesBeforeInteractiveEach), interactiveMsEach, bytesBeforeInteractiveEach, interactiveVsFcpEach };
}

interface Measured {
  date: string;
  machine: { cores: number; cpu: string; memGiB: number };
  rows: BackendRow[];
  lesson: LessonRecord | null;
  lessonNote: string;
  loading: LoadingSummary | null;
  native: NativeRecord | null;
  replay: ReplayFigure | { note: string };
}

/** WASM ÷ native targets per model (the goal of the native anchor); models without one are reported only. */
const NATIVE_GOALS: Record<string, number> = { defender: 1.5, I: 1.2 };

/**
 * The same nets' training step in PyTorch on the CPU, one thread as WASM runs (scripts/bench-native.py,
 * Debian's python3-torch). "Not available" when no Python here imports torch: the bench goes on.
 */
function nativeAnchor(wasm: BenchResult[]): NativeRecord {
  const specs = MODELS.map((id) => {
    const spec = MODEL_SPECS[id as ModelId];
    return { id, conv: spec.conv, dense: spec.dense, convsPerPool: spec.convsPerPool, padding: spec.padding };
  });
  const notes: string[] = [];
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['scripts/bench-native.py', JSON.stringify(specs), '--batch', String(BATCH), '--threads', '1'], { encoding: 'utf8', timeout: 600_000 });
    if (r.error || r.status !== 0) {
      notes.push(`${python}: ${r.error?.message ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`}`);
      continue;
    }
    const out = JSON.parse(r.stdout) as Omit<Extract<NativeRecord, { available: true }>, 'available' | 'ratios'>;
    const ratios = out.results.flatMap((n) => {
      const w = wasm.find((x) => x.model === n.model);
      return w ? [{ model: n.model, wasmMsPerStep: w.msPerStep, nativeMsPerStep: n.msPerStep, ratio: w.msPerStep / n.msPerStep }] : [];
    });
    return { available: true, ...out, ratios };
  }
  return { available: false, note: `not available (${notes.join('; ')})` };
}

/**
 * What one streamed point costs the page, from the replay (scripts/bench-events.ts, run before this
 * script by `npm run bench`): the median point of a recorded WASM run replayed into an idle page.
 * The live runs' slope (one more point) moves by 20 ms between runs of one build on 2 cores, as the
 * worker takes the page's core and the progress updates of the longer runs' extra seconds enter it;
 * the replay agrees within 1–2 ms, so the goal is judged on it and the slope is reported beside it.
 * A replay older than the build it should measure is not used (`notAfter`: the build's time).
 */
function readReplay(notAfter: number | null): ReplayFigure | { note: string } {
  if (!existsSync(EVENTS)) return { note: `no replay: run \`npx tsx scripts/bench-events.ts\` first (${EVENTS} is missing)` };
  const saved = JSON.parse(readFileSync(EVENTS, 'utf8')) as { date: string; reps: number; costs: { kind: string; count: number; medianMs: number; minMs: number; maxMs: number }[] };
  if (notAfter !== null && Date.parse(saved.date) < notAfter) return { note: `no replay of this build: ${EVENTS} (${saved.date}) is older than the build` };
  const point = saved.costs.find((c) => c.kind === 'point');
  if (!point) return { note: `no point in ${EVENTS}` };
  const progress = saved.costs.find((c) => c.kind === 'progress attack');
  return { file: EVENTS, date: saved.date, replays: saved.reps, points: point.count, medianMs: point.medianMs, minMs: point.minMs, maxMs: point.maxMs, progressMedianMs: progress?.medianMs ?? null };
}

async function main() {
  // --report=FILE: print the tables of a saved run again and rewrite it (no browser, nothing measured).
  const from = option('report');
  if (from) {
    const saved = JSON.parse(readFileSync(from, 'utf8')) as { date: string; machine: Measured['machine']; backends: BackendRow[]; lesson: LessonRecord | null; loading: LoadingSummary | null; native?: NativeRecord };
    const l = saved.loading;
    const loading = l && { ...l, interactiveMs: median(l.interactiveMsEach)!, bytesBeforeInteractive: Math.max(...l.bytesBeforeInteractiveEach) };
    report({ date: saved.date, machine: saved.machine, rows: saved.backends, lesson: saved.lesson, lessonNote: '', loading, native: saved.native ?? null, replay: readReplay(null) }, from);
    return;
  }
  // Never measure someone else's server (or an old build) that happens to hold the port.
  if (await fetch(URL_BASE).then(() => true, () => false)) throw new Error(`port ${PORT} is already serving something: stop it first`);
  // vite's own entry, not npx: then kill() stops the server itself, not a wrapper that leaves it running.
  const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1', ...(DIST ? ['--outDir', DIST] : [])], { stdio: 'ignore' });
  const serverExited = new Promise<never>((_, reject) => server.on('exit', (code) => reject(new Error(`vite preview exited (code ${code})`))));
  serverExited.catch(() => undefined);
  const browser = await chromium.launch({
    executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'],
  });
  const rows: BackendRow[] = [];
  let loading: LoadingSummary | null = null;
  const coldLoads: LoadingRecord[] = [];
  let lesson: LessonRecord | null = null;
  let lessonNote = '';
  try {
    await Promise.race([waitForServer(URL_BASE), serverExited]);
    mkdirSync(dirname(OUT), { recursive: true });
    const saved = flag('resume') && existsSync(PARTIAL) ? (JSON.parse(readFileSync(PARTIAL, 'utf8')) as { coldLoads: LoadingRecord[]; rows: BackendRow[] }) : null;
    if (saved) {
      coldLoads.push(...saved.coldLoads);
      rows.push(...saved.rows);
      console.log(`resuming from ${PARTIAL}: ${coldLoads.length} cold loads, backends ${rows.map((r) => r.requested).join(', ') || 'none'}`);
    }
    const save = () => writeFileSync(PARTIAL, JSON.stringify({ coldLoads, rows }));
    // Loading first, before anything else loads the machine: three cold loads, the last one then runs.
    for (let i = coldLoads.length; i < COLD_LOADS; i++) {
      const l = await measureLoading(browser, i === COLD_LOADS - 1);
      coldLoads.push(l);
      console.log(`cold load ${i + 1}: interactive at ${l.interactiveMs.toFixed(0)} ms, ${mb(l.bytesBeforeInteractive)} before that; data files before Run: ${l.dataFilesBeforeRun.length}`);
      save();
    }
    loading = summariseLoads(coldLoads);
    for (const backend of BACKENDS) {
      if (rows.some((r) => r.requested === backend)) continue;
      rows.push(await benchBackend(browser, backend, flag('lesson-all')));
      save();
    }
    rows.sort((a, b) => BACKENDS.indexOf(a.requested) - BACKENDS.indexOf(b.requested));

    // The default lesson, as a user gets it: today's defaults, the backend the app picks (the fastest it finds).
    if (!flag('no-lesson') && !flag('lesson-all')) {
      const page = await browser.newPage();
      try {
        await page.addInitScript(NAME_SHIM);
        await page.addInitScript(longTaskObserver);
        await page.goto(`${URL_BASE}${LAB}`);
        const engine = await waitForEngine(page);
        console.log(`default lesson on ${engine.backend} (${engine.device}) …`);
        lesson = await lessonOn(page, engine);
        console.log(`  ${lesson.outcome}: ${s1(lesson.wallMs)}, first point ${ms(lesson.timeToFirstPointMs)}, longest task ${ms(lesson.longestTaskMs)}`);
      } finally {
        await page.close();
      }
    } else if (flag('no-lesson')) lessonNote = 'not run (--no-lesson)';
    else {
      // --lesson-all: every backend ran it; the headline is the fastest.
      const all = rows.map((r) => r.lesson).filter((l): l is LessonRecord => !!l && 'wallMs' in l && l.outcome === 'done');
      lesson = all.sort((a, b) => a.wallMs - b.wallMs)[0] ?? null;
    }
  } finally {
    await browser.close();
    server.kill();
  }
  for (const r of rows) {
    if (r.ran === null || r.lesson) continue;
    const est = estimateLessonMs(r.results);
    r.lesson =
      lesson && lesson.backend === r.ran
        ? lesson
        : {
            skipped: lessonNote || `run once, on the backend the app picks (${lesson?.backend ?? '?'}); this one needs at least ≈ ${s1(est)} by its step and inference times alone (--lesson-all runs it)`,
            estimateMs: est,
          };
  }

  // The native anchor last, on the machine the browser has just left: WASM's step times above, PyTorch's here.
  const wasmRow = rows.find((r) => r.ran === 'wasm');
  const native = wasmRow ? nativeAnchor(wasmRow.results) : { available: false as const, note: 'not run (WASM was not benched)' };
  console.log(native.available ? `native anchor: PyTorch ${native.torch}, ${native.threads} thread(s)` : `native anchor: ${native.note}`);
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? '', memGiB: Math.round(totalmem() / 2 ** 30) };
  const built = statSync(join(DIST ?? 'dist', 'index.html')).mtimeMs;
  report({ date: new Date().toISOString(), machine, rows, lesson, lessonNote, loading, native, replay: readReplay(built) }, OUT);
  rmSync(PARTIAL, { force: true });
}

/** Prints the tables and the goals, and writes the record to `out`. */
function report({ date, machine, rows, lesson, lessonNote, loading, native, replay }: Measured, out: string) {
  const ran = rows.filter((r) => r.results.length);
  const table = [
    `| backend | device | ${MODELS.map((m) => `${m} ms/step`).join(' | ')} | defender infer 1000 |`,
    `|---|---|${MODELS.map(() => '---:').join('|')}|---:|`,
    ...rows.map((r) =>
      r.results.length
        ? `| ${r.ran} | ${r.device} | ${MODELS.map((m) => r.results.find((x) => x.model === m)?.msPerStep.toFixed(1) ?? '–').join(' | ')} | ${r.results.find((x) => x.model === 'defender')?.inferMsPer1000.toFixed(0) ?? '–'} ms |`
        : `| ${r.requested} | – | ${r.note} |`,
    ),
  ].join('\n');
  const limitsTable = [
    '| backend | engine ÷ bare loop: defender | I | I, no shift | defender step GFLOP/s | matmul 1024² GFLOP/s | defender ÷ matmul |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...ran.map(
      (r) =>
        `| ${r.ran} | ${ratio(r.limits?.throughput, 'defender')} | ${ratio(r.limits?.throughput, 'I')} | ${ratio(r.limits?.throughput, 'I', 0)} | ${r.limits?.defenderStep.gflops.toFixed(2) ?? '–'} | ${r.limits?.matmul.gflops.toFixed(2) ?? '–'} | ${r.limits?.defenderVsMatmul.toFixed(2) ?? '–'} |`,
    ),
  ].join('\n');
  const runsTable = [
    '| backend | small run (5×) | Run → first point, 1st run (loads data) | Run → first point, runs 2–5 (median) | longest main-thread task: whole run (from the defender phase on) | tensors before → after | bytes before → after | default lesson |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...ran.map((r) => {
      const c = r.runs?.config;
      const lessonCell = r.lesson && 'wallMs' in r.lesson ? `**${s1(r.lesson.wallMs)}**` : r.lesson && 'estimateMs' in r.lesson ? `not run (≈ ${s1(r.lesson.estimateMs)} est.)` : '–';
      return `| ${r.ran} | ${c ? `${c.budget} queries, ${c.thiefEpochs} ep., ${c.evalSize} eval` : '–'} | ${ms(r.runs?.list[0]?.timeToFirstPointMs)} | ${ms(median(r.runs?.list.slice(1).map((x) => x.timeToFirstPointMs ?? NaN).filter(Number.isFinite) ?? []))} | ${ms(r.runs?.longestTaskMs)} (${ms(r.runs ? Math.max(...r.runs.list.map((x) => x.longestTaskWhileTrainingMs)) : null)}) | ${r.runs ? `${r.runs.memoryBefore.numTensors} → ${r.runs.memoryAfter.numTensors}` : '–'} | ${r.runs ? `${r.runs.memoryBefore.numBytes} → ${r.runs.memoryAfter.numBytes}` : '–'} | ${lessonCell} |`;
    }),
  ].join('\n');
  const engineRatios = ran.flatMap((r) => r.limits?.throughput.map((t) => t.ratio) ?? []);
  const stacks = ran.flatMap((r) => (r.limits?.stack ? [{ ran: r.ran, stack: r.limits.stack }] : []));
  const best = ran.find((r) => r.ran === lesson?.backend);
  const whileTraining = Math.max(...ran.flatMap((r) => r.runs?.list.map((x) => x.longestTaskWhileTrainingMs) ?? []), lesson?.longestTaskWhileTrainingMs ?? 0);
  const goals = {
    lessonMs: { goal: `≤ ${GOALS.lessonMs} ms on the best backend`, measured: lesson?.wallMs ?? null, met: lesson ? lesson.outcome === 'done' && lesson.wallMs <= GOALS.lessonMs : null },
    longestTaskMs: {
      goal: `< ${GOALS.longestTaskMs} ms during training (from the defender phase on)`,
      measured: whileTraining,
      met: whileTraining < GOALS.longestTaskMs,
      /** The same over whole runs, the data set's download included. */
      wholeRunMs: Math.max(...ran.map((r) => r.runs?.longestTaskMs ?? 0), lesson?.longestTaskMs ?? 0),
      /** The same from each run's first curve point on: the thieves training, the charts redrawing. */
      fromFirstPointMs: Math.max(...ran.flatMap((r) => r.runs?.list.map((x) => x.longestTaskAfterFirstPointMs) ?? []), lesson?.longestTaskAfterFirstPointMs ?? 0),
    },
    memoryReturns: {
      goal: 'tf.memory() after 5 runs (and the lesson) = before',
      measured: [
        ...ran.map((r) => (r.runs ? `${r.ran}: ${r.runs.memoryBefore.numTensors} → ${r.runs.memoryAfter.numTensors} tensors, ${r.runs.memoryBefore.numBytes} → ${r.runs.memoryAfter.numBytes} bytes` : `${r.ran}: –`)),
        ...(lesson ? [`lesson on ${lesson.backend}: ${lesson.memoryBefore.numTensors} → ${lesson.memoryAfter.numTensors} tensors, ${lesson.memoryBefore.numBytes} → ${lesson.memoryAfter.numBytes} bytes`] : []),
      ],
      met: ran.every((r) => r.runs && r.runs.memoryAfter.numTensors === r.runs.memoryBefore.numTensors && r.runs.memoryAfter.numBytes === r.runs.memoryBefore.numBytes) &&
        (!lesson || (lesson.memoryAfter.numTensors === lesson.memoryBefore.numTensors && lesson.memoryAfter.numBytes === lesson.memoryBefore.numBytes)),
    },
    engineVsBare: {
      goal: `≥ ${GOALS.engineVsBare} (engine thief loop ÷ bare tfjs loop, same model/batch/backend)`,
      measured: best?.limits?.throughput.map((t) => ({ backend: best.ran, model: t.model, shift: t.shift, ratio: t.ratio, medianOfRounds: t.roundRatios.median })) ?? null,
      met: best?.limits ? best.limits.throughput.every((t) => t.ratio >= GOALS.engineVsBare) : null,
      worstAnyBackend: engineRatios.length ? Math.min(...engineRatios) : null,
    },
    interactiveMs: { goal: `≤ ${GOALS.interactiveMs} ms`, measured: loading?.interactiveMs ?? null, met: loading ? loading.interactiveMs <= GOALS.interactiveMs : null },
    bytesBeforeInteractive: { goal: `≤ ${GOALS.bytesBeforeInteractive} bytes`, measured: loading?.bytesBeforeInteractive ?? null, met: loading ? loading.bytesBeforeInteractive <= GOALS.bytesBeforeInteractive : null },
    interactiveVsFcp: {
      goal: `≤ ${GOALS.interactiveVsFcp} (interactive ÷ first contentful paint of the same cold load; the median load)`,
      measured: loading?.interactiveVsFcpEach?.length ? median(loading.interactiveVsFcpEach) : null,
      met: loading?.interactiveVsFcpEach?.length ? median(loading.interactiveVsFcpEach)! <= GOALS.interactiveVsFcp : null,
    },
    workPerPointMs: {
      goal: `≤ ${GOALS.workPerPointMs} ms of the page's main-thread work per streamed point: the median point of a recorded WASM run replayed into an idle page (scripts/bench-events.ts; the page's work for a point does not depend on the backend that trained it). Beside it, live: what one more point costs a real run (the slope between longer runs, 8× the budget, 4× on software GPUs and plain JS, and the small runs 2–5), on every backend that ran`,
      measured: 'medianMs' in replay ? replay.medianMs : null,
      met: 'medianMs' in replay ? replay.medianMs <= GOALS.workPerPointMs : null,
      replay,
      live: ran.every((r) => r.smoothness?.marginal) ? Math.max(...ran.map((r) => r.smoothness!.marginal!.workPerPointMs)) : null,
      each: ran.map((r) => `${r.ran}: ${r.smoothness?.marginal ? `${r.smoothness.marginal.workPerPointMs.toFixed(1)} ms per point live (${r.smoothness.marginal.shortPoints} → ${r.smoothness.marginal.points} points)` : '–'}; a whole small run ÷ its points ${r.smoothness ? r.smoothness.workPerPointMs.toFixed(1) : '–'} ms`),
    },
    throttledLongestTaskMs: {
      goal: `< ${GOALS.throttledLongestTaskMs} ms: no main-thread task that long from Run to done with the page's CPU throttled ${THROTTLE}×, in any of ${THROTTLED_RUNS} runs, on every backend that ran`,
      measured: ran.every((r) => r.smoothness) ? Math.max(...ran.map((r) => r.smoothness!.throttled.longestTaskMs)) : null,
      met: ran.every((r) => r.smoothness) ? ran.every((r) => r.smoothness!.throttled.longestTaskMs < GOALS.throttledLongestTaskMs) : null,
      each: ran.map((r) => {
        const t = r.smoothness?.throttled;
        if (!t) return `${r.ran}: –`;
        const perRun = t.runs ? ` (each run: ${t.runs.map((x) => (x.longestTaskMs > 0 ? `${x.longestTaskMs.toFixed(0)} ms` : 'none')).join(', ')})` : '';
        const rate = t.effectiveRate ? `; the page's script ran ${t.effectiveRate.toFixed(1)}× slower` : '';
        return `${r.ran}: ${t.longestTaskMs.toFixed(0)} ms${perRun}, ${t.workPerPointMs.toFixed(1)} ms work per point${rate}`;
      }),
    },
    stackedThieves: {
      goal: `≤ ${GOALS.stackedThieves}: ${STACK_K} thieves I trained as one stack ÷ one thief I, ms per step, on every backend it ran on`,
      measured: stacks.length ? Math.max(...stacks.map((x) => x.stack.stackedVsOne)) : null,
      met: stacks.length ? stacks.every((x) => x.stack.stackedVsOne <= GOALS.stackedThieves) : null,
      each: stacks.map((x) => `${x.ran}: ${x.stack.stackedMsPerStep.toFixed(1)} ms as one stack, ${x.stack.separateMsPerStep.toFixed(1)} one by one, ${x.stack.oneMsPerStep.toFixed(1)} one thief → ${x.stack.stackedVsOne.toFixed(2)}× (one by one ${x.stack.separateVsOne.toFixed(2)}×)`),
      /**
       * The arithmetic alone: the stack's products (K × what one thief's step multiplies, without the
       * first layer's input gradient that no step computes: src/models/flops.ts computedStepFlops) at the
       * rate of the same backend's 1024² matmul, ÷ one thief's measured step. Above the goal, no batching
       * reaches it there.
       */
      arithmeticFloorVsOne: stacks.map((x) => {
        const r = ran.find((b) => b.ran === x.ran)!;
        const flopsPerThief = trainStepFlops('I', BATCH).computedStepFlops;
        const floorMs = (x.stack.k * flopsPerThief) / (r.limits!.matmul.gflops * 1e6);
        return { backend: x.ran, flopsPerThief, floorMs, floorVsOne: floorMs / x.stack.oneMsPerStep };
      }),
    },
    wasmVsNative: {
      goal: `WASM ms/step ÷ PyTorch CPU ms/step, same nets, batch and thread count: ${Object.entries(NATIVE_GOALS).map(([m, g]) => `${m} ≤ ${g}`).join(', ')}`,
      measured: native?.available ? native.ratios.map((r) => `${r.model} ${r.ratio.toFixed(2)}× (${r.wasmMsPerStep.toFixed(1)} ÷ ${r.nativeMsPerStep.toFixed(1)} ms)`) : null,
      met: native?.available ? native.ratios.every((r) => NATIVE_GOALS[r.model] === undefined || r.ratio <= NATIVE_GOALS[r.model]) : null,
    },
  };
  const loadingText = loading
    ? [
        `cold load of ${loading.url} (fresh browser context, local vite preview server):`,
        `  interactive (β slider moves the reverse-sigmoid curve) at ${ms(loading.interactiveMs)}, median of ${loading.interactiveMsEach.length} cold loads (${loading.interactiveMsEach.map((v) => v.toFixed(0)).join(', ')} ms); first contentful paint ${ms(loading.firstContentfulPaintMs)}`,
        `  at most ${mb(loading.bytesBeforeInteractive)} transferred before interactive (per load: ${loading.bytesBeforeInteractiveEach.map(mb).join(', ')}; the worker chunk lands just before or just after); ${mb(loading.bytesUntilEngineReady)} until the engine was ready at ${ms(loading.engineReadyMs)}`,
        `  worker chunk ${loading.workerChunk ? `${loading.workerChunk.path} fetched ${ms(loading.workerChunk.startMs)} → ${ms(loading.workerChunk.endMs)}` : 'not fetched'}`,
        `  data files before interactive: ${loading.dataFilesBeforeInteractive.length}, before Run: ${loading.dataFilesBeforeRun.length}; on Run: ${loading.dataFetchedOnRun ? `${loading.dataFetchedOnRun.files} files, ${mb(loading.dataFetchedOnRun.bytes)} in ${ms(loading.dataFetchedOnRun.loadMs)}, progress bar ${loading.dataFetchedOnRun.progressBarSeen ? 'shown' : 'NOT seen'}` : '–'}`,
      ].join('\n')
    : '';
  const lessonText = lesson
    ? `default lesson (${LAB}: thief I, Sample, reverse sigmoid at today's defaults, 19,200 queries) on ${lesson.backend}: ${lesson.outcome} in ${s1(lesson.wallMs)} (data load ${ms(lesson.dataLoadMs)}, engine ${s1(lesson.engineWallMs)}), first point ${ms(lesson.timeToFirstPointMs)}, defender ${lesson.defenderSource}, longest task ${ms(lesson.longestTaskMs)} (${ms(lesson.longestTaskWhileTrainingMs)} from the defender phase on), tensors ${lesson.memoryBefore.numTensors} → ${lesson.memoryAfter.numTensors}; estimate from the step times ${s1(best ? estimateLessonMs(best.results) : null)}`
    : `default lesson: ${lessonNote || 'see the per-backend rows'}`;
  const goalRows = Object.entries(goals).map(([name, g]) => {
    const m = g.measured;
    const shown = typeof m === 'number' ? (Math.abs(m) < 10 ? m.toFixed(2) : m.toFixed(0)) : Array.isArray(m) ? m.map((x) => (typeof x === 'string' ? x : `${x.model} (shift ${x.shift}) ${x.ratio.toFixed(2)}`)).join('; ') : '–';
    return `| ${name} | ${g.goal} | ${shown} | ${g.met === null ? '–' : g.met ? 'yes' : '**no**'} |`;
  });
  const goalsTable = ['| goal | target | measured | met |', '|---|---|---|---|', ...goalRows].join('\n');
  console.log(
    [
      `\nbatch ${BATCH}, ${machine.cores} cores (${machine.cpu}), ${machine.memGiB} GiB`,
      table,
      'ms per training step, each awaited, after warm-up; inference: one forward pass over 1,000 images, read back.',
      '',
      limitsTable,
      'engine ÷ bare: engine steps/s ÷ bare tfjs loop steps/s, total over alternating rounds (median of the per-round ratios in brackets); shift 2 as in the lesson unless "no shift".',
      'GFLOP/s: analytic FLOPs of the step (src/models/flops.ts) ÷ ms/step above; matmul: 1024×1024 @ 1024×1024 float32 in the same page.',
      '',
      runsTable,
      '',
      lessonText,
      loadingText,
      '',
      goalsTable,
    ].join('\n'),
  );
  const nativeText = native?.available
    ? [
        `native anchor: PyTorch ${native.torch} on the CPU, ${native.threads} thread(s), batch ${native.batch}, the same nets (scripts/bench-native.py)`,
        '| model | WASM ms/step | PyTorch ms/step | WASM ÷ native |',
        '|---|---:|---:|---:|',
        ...native.ratios.map((r) => `| ${r.model} | ${r.wasmMsPerStep.toFixed(1)} | ${r.nativeMsPerStep.toFixed(1)} | ${r.ratio.toFixed(2)} |`),
      ].join('\n')
    : `native anchor: ${native?.note ?? 'not run'}`;
  console.log(`\n${nativeText}`);
  for (const r of ran) {
    if (!r.threads) continue;
    const t = r.threads;
    console.log(
      [
        `\nWASM threads: ${t.offered} offered (cross-origin isolated; every core but one), ${t.chosen} chosen${t.calibration.length ? ` by the engine's calibration (thief I: ${t.calibration.map((c) => `${c.threads} thread${c.threads === 1 ? '' : 's'} ${c.msPerStep.toFixed(1)} ms`).join(', ')})` : ''}; the other count timed: ${t.other.threads}`,
        `| model | 1 thread ms/step | ${t.other.threads === 1 ? Math.max(2, t.offered) : t.other.threads} threads ms/step | speed-up |`,
        '|---|---:|---:|---:|',
        ...t.scaling.map((s) => `| ${s.model} | ${s.oneThreadMs.toFixed(1)} | ${s.threadsMs.toFixed(1)} | ${s.speedup.toFixed(2)} |`),
      ].join('\n'),
    );
  }
  const file: BenchFile = { date, batch: BATCH, machine, backends: rows, lesson, loading, ...(native ? { native } : {}), goals };
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
