/**
 * The app's one store (zustand, vanilla so it is testable without React). A factory rather
 * than a module singleton, so every test starts from a fresh store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_PARAMS, PARAMS, coerceNumberParam, type NumberParamKey, type ParamKey, type Params } from '../params/schema';
import type { LinkIssue } from '../params/codec';
import type {
  BackendAttempt,
  WasmThreadChoice,
  BackendName,
  Command,
  CurvePoint,
  CurveRow,
  DefenderSource,
  EngineEvent,
  GroupRun,
  Phase,
  ProbeResult,
  ClassifyResult,
  RegionsFrame,
  RunSummary,
  SampleAnswer,
} from '../engine/protocol';
import { withPresentationOf } from '../params/runSettings';
import { coherentParams, enterLab, enterPlayground } from '../params/playground';
import type { RecordedRun } from './recordedRun';
import { browserTimers, REPLAY_SPEEDS, replayEvents, scheduleReplay, type ReplaySpeed, type Timers } from './replay';
import { createProgressPacer } from './progressPacer';

export type EngineStatus =
  | { state: 'starting' }
  | {
      state: 'ready';
      backend: BackendName;
      device: string;
      attempts: BackendAttempt[];
      tfVersion: string;
      calibration: 'forced' | 'only' | 'cached' | 'measured';
      /** The calibration's time for one defender step on the chosen backend; null when it was not timed. */
      defenderMsPerStep: number | null;
      /** WASM with several cores and cross-origin isolation: how many threads, and why. */
      threads: WasmThreadChoice | null;
    }
  | { state: 'failed'; message: string; hint: string };

export interface Notice {
  id: number;
  kind: 'warning' | 'error';
  text: string;
}

export interface RunState {
  runId: number;
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  /** A running run held between steps (status stays 'running': its settings are still locked). */
  paused: boolean;
  phase: Phase | null;
  phaseDetail: string;
  /** The latest note the engine asked the user to read in this phase (null: none). */
  phaseNote: string | null;
  progress: { phase: Phase; done: number; total: number; etaMs: number | null } | null;
  defender: { source: DefenderSource; testAccuracy: number; trainSteps: number; notes: string[] } | null;
  points: CurvePoint[];
  rows: CurveRow[];
  samples: SampleAnswer[];
  /** 2-D data only: the pictures of the plane, one per budget step so far. */
  regions: RegionsFrame[];
  summary: RunSummary | null;
  /** The runs trained in the same pass as this one (startRun's `alongside`), once it is done. */
  alongside: GroupRun[];
  /** `cause`: what the engine said broke (a lost GPU offers to go on with WASM). */
  error: { message: string; hint: string; cause?: 'out-of-memory' | 'gpu-lost' } | null;
  /** The parameters the run was started with (the live ones may have moved since). */
  config: Params | null;
  /** Set when the run on screen is a recorded run played back, not trained here. */
  replay: ReplayInfo | null;
}

/** Where a replayed run was recorded: said on screen wherever the run is shown. */
export interface ReplayInfo {
  backend: BackendName;
  recordedAt: string;
  recordedIn: string;
  appVersion: string;
  /** What it was opened from: a demo's name or a file name. */
  from: string;
}

export const IDLE_RUN: RunState = {
  runId: 0,
  status: 'idle',
  paused: false,
  phase: null,
  phaseDetail: '',
  phaseNote: null,
  progress: null,
  defender: null,
  points: [],
  rows: [],
  samples: [],
  regions: [],
  summary: null,
  alongside: [],
  error: null,
  config: null,
  replay: null,
};

/** The drawing pad: the image last sent and the engine's answers for it. */
export interface PadState {
  classifyId: number;
  /** The 784 values 0–1 being classified (drawn, or a test image once it arrives); null when clear. */
  pixels: number[] | null;
  source: { kind: 'drawing' } | { kind: 'test'; index: number; label: number | null } | null;
  /** 'waiting': the engine is not ready yet; the request goes out when it is. */
  status: 'idle' | 'waiting' | 'loading' | 'ready' | 'error';
  /** The latest answers (kept while the next ones load, so the bars do not flicker). */
  result: ClassifyResult | null;
  error: { message: string; hint: string } | null;
}

export const CLEAR_PAD: PadState = { classifyId: 0, pixels: null, source: null, status: 'idle', result: null, error: null };

export interface ProbeState {
  probeId: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  result: ProbeResult | null;
  error: { message: string; hint: string } | null;
}

export interface AppState {
  params: Params;
  engine: EngineStatus;
  notices: Notice[];
  run: RunState;
  probe: ProbeState;
  pad: PadState;
  /** The drawing pad: classify these 784 values 0–1 (answers with an older id are dropped). */
  classifyDrawing(pixels: number[]): void;
  /** The drawing pad: classify test image `index` (the pixels come back with the answers). */
  classifyTestImage(index: number): void;
  /** Ask again for the pad's current image (the defense settings changed, or a run finished). */
  refreshPad(): void;
  clearPad(): void;
  /** Ask the engine for one real query (the ε explainer); `index` picks the test image. */
  requestProbe(index: number): void;
  /** Set by the engine bridge; null until a worker is connected. */
  sendCommand: ((command: Command) => void) | null;
  /**
   * Starts a run of the current parameters (or of `config`, for the reproduction runner, which
   * leaves the lab's own settings alone). `alongside`: runs that differ from it only in β and γ,
   * trained in the same pass (the lab shows the first; their results arrive in run.alongside).
   * Returns the runId, or null if the engine is not ready.
   */
  startRun(opts?: { retrainDefender?: boolean; config?: Params; alongside?: Params[] }): number | null;
  stopRun(): void;
  /**
   * Shows a recorded run in the lab's charts, a budget step at a time, without the worker: the
   * settings move to the recording's, so Run then runs the same thing live.
   */
  playRecording(recording: RecordedRun, opts: { from: string; speed?: ReplaySpeed }): void;
  /** Hold the running run between two training steps, and go on from there. */
  pauseRun(): void;
  resumeRun(): void;
  /** Stop any run and clear its results: the lab as it was before the first run (settings kept). */
  resetRun(): void;
  /** Every parameter back to its default (the papers' values), the backend choice kept. */
  resetAllParams(): void;
  setNumber(key: NumberParamKey, value: number): void;
  setEnum<K extends Exclude<ParamKey, NumberParamKey>>(key: K, value: Params[K]): void;
  /** After a lost GPU: a fresh engine on WASM, and the same settings run again as soon as it is ready. */
  continueOnWasm(): void;
  /** Set by continueOnWasm until the WASM engine is ready and the run has started. */
  runWhenReady: boolean;
  resetParam(key: ParamKey): void;
  replaceParams(params: Params, issues?: LinkIssue[]): void;
  applyEngineEvent(event: EngineEvent): void;
  dismissNotice(id: number): void;
  /** A warning for the page's notice list (something the page itself could not do, with what to do instead). */
  notify(text: string): void;
}

export type AppStore = StoreApi<AppState>;

let noticeSeq = 0;

/** At most this many notices on screen: a flood of messages hides the one that matters. */
export const MAX_NOTICES = 6;
const MAX_NOTICE_CHARS = 400;

/** Appends messages (a repeated one moves to the end instead of showing twice), keeps the newest MAX_NOTICES. */
export function addNotices(list: readonly Notice[], texts: readonly string[], kind: Notice['kind'] = 'warning'): Notice[] {
  let out = [...list];
  for (const raw of texts) {
    const text = raw.length > MAX_NOTICE_CHARS ? `${raw.slice(0, MAX_NOTICE_CHARS)}…` : raw;
    out = [...out.filter((n) => n.text !== text), { id: ++noticeSeq, kind, text }];
  }
  return out.slice(-MAX_NOTICES);
}

export function createAppStore(initial: Params = DEFAULT_PARAMS, initialIssues: LinkIssue[] = [], timers: Timers = browserTimers): AppStore {
  return createStore<AppState>()((set, get) => {
    let cancelReplay: (() => void) | null = null;
    const endReplay = () => {
      cancelReplay?.();
      cancelReplay = null;
    };
    const warn = (text: string, kind: Notice['kind'] = 'warning') => set((s) => ({ notices: addNotices(s.notices, [text], kind) }));
    // Progress reaches the run state at most once a second (see progressPacer); a held update
    // still belongs to the run on screen only if that run is still going.
    const progress = createProgressPacer<ProgressEvent>((event) => {
      const run = get().run;
      if (event.runId !== run.runId || run.status !== 'running') return;
      set((s) => ({ run: reduceRun(s.run, event) }));
    }, timers);

    return {
      params: { ...initial },
      engine: { state: 'starting' },
      run: IDLE_RUN,
      probe: { probeId: 0, status: 'idle', result: null, error: null },
      pad: CLEAR_PAD,

      classifyDrawing(pixels) {
        set((s) => ({ pad: { ...s.pad, pixels, source: { kind: 'drawing' } } }));
        get().refreshPad();
      },

      classifyTestImage(index) {
        set((s) => ({ pad: { ...s.pad, pixels: null, source: { kind: 'test', index, label: null } } }));
        get().refreshPad();
      },

      refreshPad() {
        const { sendCommand, params, pad, engine } = get();
        if (!pad.source) return;
        const classifyId = pad.classifyId + 1;
        if (!sendCommand || engine.state !== 'ready') {
          set({ pad: { ...pad, classifyId, status: 'waiting' } });
          return;
        }
        set({ pad: { ...pad, classifyId, status: 'loading', error: null } });
        // A test image whose pixels have not arrived yet is asked for by index.
        const byIndex = pad.source.kind === 'test' && !pad.pixels ? { testIndex: pad.source.index } : {};
        sendCommand({ type: 'classify', classifyId, config: { ...params }, pixels: pad.pixels ?? [], ...byIndex });
      },

      clearPad() {
        // A new id, so an answer still on its way is dropped.
        set((s) => ({ pad: { ...CLEAR_PAD, classifyId: s.pad.classifyId + 1 } }));
      },
      sendCommand: null,

      requestProbe(index) {
        const { sendCommand, params, probe, engine } = get();
        if (!sendCommand || engine.state !== 'ready') {
          warn('The engine is not ready yet: wait for the backend badge.');
          return;
        }
        const probeId = probe.probeId + 1;
        set({ probe: { probeId, status: 'loading', result: probe.result, error: null } });
        sendCommand({ type: 'probe', probeId, config: { ...params }, index });
      },

      startRun(opts = {}) {
        const { sendCommand, params, run, engine } = get();
        if (!sendCommand || engine.state !== 'ready') {
          warn('The engine is not ready yet: wait for the backend badge, then press Run again.');
          return null;
        }
        endReplay();
        progress.reset();
        const runId = run.runId + 1;
        const config = { ...(opts.config ?? params) };
        set({ run: { ...IDLE_RUN, runId, status: 'running', config } });
        const alongside = opts.alongside ?? [];
        sendCommand({ type: 'start', runId, config, retrainDefender: opts.retrainDefender ?? false, ...(alongside.length > 0 ? { alongside } : {}) });
        return runId;
      },

      stopRun() {
        const { sendCommand, run } = get();
        if (run.status === 'running' && run.replay) {
          endReplay();
          set({ run: { ...run, status: 'cancelled' } });
          return;
        }
        if (run.status !== 'running' || !sendCommand) return;
        sendCommand({ type: 'stop', runId: run.runId });
      },

      playRecording(recording, { from, speed = 'fast' }) {
        const { sendCommand, run } = get();
        endReplay();
        progress.reset();
        if (run.status === 'running' && !run.replay && sendCommand) sendCommand({ type: 'stop', runId: run.runId });
        const runId = run.runId + 1;
        const replay: ReplayInfo = {
          backend: recording.backend,
          recordedAt: recording.recordedAt,
          recordedIn: recording.recordedIn,
          appVersion: recording.appVersion,
          from,
        };
        const config = withPresentationOf(recording.params, get().params);
        set({ params: config, run: { ...IDLE_RUN, runId, status: 'running', config, replay } });
        cancelReplay = scheduleReplay(
          replayEvents(recording, runId),
          REPLAY_SPEEDS[speed].msPerStep,
          (event) => {
            if (get().run.runId !== runId) return;
            set((s) => ({ run: reduceRun(s.run, event) }));
          },
          timers,
        );
      },

      pauseRun() {
        const { sendCommand, run } = get();
        if (run.status !== 'running' || run.paused || run.replay || !sendCommand) return;
        // Shown at once; the engine holds at its next checkpoint and confirms with a 'paused' event.
        set({ run: { ...run, paused: true } });
        sendCommand({ type: 'pause', runId: run.runId });
      },

      resumeRun() {
        const { sendCommand, run } = get();
        if (run.status !== 'running' || !run.paused || !sendCommand) return;
        set({ run: { ...run, paused: false } });
        sendCommand({ type: 'resume', runId: run.runId });
      },

      resetRun() {
        const { sendCommand, run } = get();
        endReplay();
        progress.reset();
        if (run.status === 'running' && !run.replay && sendCommand) sendCommand({ type: 'stop', runId: run.runId });
        // A new runId: whatever the stopped run still sends is dropped.
        set({ run: { ...IDLE_RUN, runId: run.runId + 1 } });
      },

      resetAllParams() {
        set((s) => ({ params: { ...DEFAULT_PARAMS, backend: s.params.backend, calibrate: s.params.calibrate, threads: s.params.threads } }));
      },
      notices: addNotices([], initialIssues.map((i) => i.message)),

      setNumber(key, value) {
        const coerced = coerceNumberParam(key, value);
        if (coerced === null) {
          // A cleared or garbled number box: keep the last good value, say why.
          warn(`${PARAMS[key].word}: "${String(value)}" is not a number; kept ${get().params[key]}.`);
          return;
        }
        if (coerced === get().params[key]) return;
        set((s) => ({ params: { ...s.params, [key]: coerced } }));
      },

      runWhenReady: false,

      continueOnWasm() {
        set({ runWhenReady: true });
        get().setEnum('backend', 'wasm');
      },

      setEnum(key, value) {
        const spec = PARAMS[key];
        if (!(spec.options as readonly string[]).includes(value)) {
          warn(`${spec.word}: "${String(value)}" is not a valid choice.`);
          return;
        }
        if (get().params[key] === value) return;
        set((s) => {
          const next = { ...s.params, [key]: value };
          // Switching between the lab and the playground sets what the mode needs (its data, its thief).
          if (key === 'view') return { params: value === 'playground' ? enterPlayground(next) : value === 'lab' ? enterLab(next) : next };
          return { params: coherentParams(next).params };
        });
      },

      resetParam(key) {
        set((s) => ({ params: { ...s.params, [key]: DEFAULT_PARAMS[key] } }));
      },

      replaceParams(params, issues = []) {
        const coherent = coherentParams(params);
        const messages = [...issues.map((i) => i.message), ...coherent.repairs];
        // The settings already in place, with nothing to say: no state change, so nothing re-renders
        // (a link read again, a preset or a script setting what is set).
        const current = get().params;
        if (messages.length === 0 && (Object.keys(coherent.params) as ParamKey[]).every((k) => coherent.params[k] === current[k])) return;
        set((s) => ({
          params: coherent.params,
          notices: messages.length > 0 ? addNotices(s.notices, messages) : s.notices,
        }));
      },

      applyEngineEvent(event) {
        switch (event.type) {
          case 'ready':
            set({
              engine: {
                state: 'ready',
                backend: event.backend,
                device: event.device,
                attempts: event.attempts,
                tfVersion: event.tfVersion,
                calibration: event.calibration.how,
                defenderMsPerStep: event.calibration.record?.timings.find((t) => t.backend === event.backend && Number.isFinite(t.msPerStep))?.msPerStep ?? null,
                threads: event.threads ?? null,
              },
            });
            if (get().pad.status === 'waiting') get().refreshPad();
            if (get().runWhenReady && event.backend === 'wasm') {
              set({ runWhenReady: false });
              get().startRun();
            }
            return;
          case 'classified': {
            // Answers to an older drawing (or to a cleared pad) are dropped.
            const pad = get().pad;
            if (event.classifyId !== pad.classifyId || !pad.source) return;
            const image = event.testImage;
            set({
              pad: {
                ...pad,
                status: 'ready',
                result: event,
                error: null,
                ...(image ? { pixels: image.pixels, source: { kind: 'test', index: image.index, label: image.label } } : {}),
              },
            });
            return;
          }
          case 'probe':
            if (event.probeId !== get().probe.probeId) return;
            set({ probe: { probeId: event.probeId, status: 'ready', result: event, error: null } });
            return;
          case 'error':
            if (event.phase === 'classify') {
              if (event.classifyId === get().pad.classifyId) {
                set((s) => ({ pad: { ...s.pad, status: 'error', result: null, error: { message: event.message, hint: event.hint } } }));
              }
              return;
            }
            if (event.phase === 'probe') {
              if (event.probeId === get().probe.probeId) {
                set((s) => ({ probe: { ...s.probe, status: 'error', error: { message: event.message, hint: event.hint } } }));
              }
              return;
            }
            if (event.phase === 'init') set({ engine: { state: 'failed', message: event.message, hint: event.hint } });
            // A failure tied to no run, with none running: a notice, so it neither marks a finished run failed nor goes unseen.
            else if (event.runId === undefined && get().run.status !== 'running') warn(`${event.message} ${event.hint}`, 'error');
            else if (event.runId === undefined || event.runId === get().run.runId) {
              progress.reset();
              set((s) => ({ run: { ...s.run, status: 'error', paused: false, error: { message: event.message, hint: event.hint, ...(event.cause ? { cause: event.cause } : {}) } } }));
            }
            return;
          case 'pong':
          case 'frame-request':
          case 'bench':
          case 'limits':
          case 'memory':
          case 'heap':
            // Benchmark results go to whoever asked (scripts/bench.ts), not into the UI state; the bridge
            // answers frame requests.
            return;
          case 'progress':
            if (event.runId !== get().run.runId) return;
            progress.offer(event);
            return;
          case 'phase':
          case 'defender':
          case 'paused':
          case 'point':
          case 'samples':
          case 'regions':
          case 'done':
          case 'cancelled': {
            // Events of an older run (stopped or replaced) are dropped.
            if (event.runId !== get().run.runId) return;
            // A new phase starts with no progress, and an ended run shows none: what was held is stale.
            if ((event.type === 'phase' && !event.note) || event.type === 'done' || event.type === 'cancelled') progress.reset();
            // A point or a pause shows the held progress with it, in the same render: a paused run's
            // bar then stands where the engine stopped, and no second render follows the point.
            const held = event.type === 'point' || event.type === 'paused' ? progress.take() : null;
            set((s) => ({ run: reduceRun(held ? reduceRun(s.run, held) : s.run, event) }));
            return;
          }
          default: {
            const unhandled: never = event;
            throw new Error(`unhandled engine event ${JSON.stringify(unhandled)}`);
          }
        }
      },

      notify(text) {
        warn(text);
      },

      dismissNotice(id) {
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },
    };
  });
}

type RunEvent = Extract<EngineEvent, { type: 'phase' | 'progress' | 'defender' | 'paused' | 'point' | 'samples' | 'regions' | 'done' | 'cancelled' }>;
type ProgressEvent = Extract<EngineEvent, { type: 'progress' }>;

/** Folds one engine event into the run state; new arrays only on append. */
export function reduceRun(run: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'phase':
      if (event.note) return { ...run, phaseNote: run.phaseNote ? `${run.phaseNote} ${event.detail}` : event.detail };
      return { ...run, phase: event.phase, phaseDetail: event.detail, phaseNote: run.phase === event.phase ? run.phaseNote : null, progress: null };
    case 'progress':
      return { ...run, progress: { phase: event.phase, done: event.done, total: event.total, etaMs: event.etaMs } };
    case 'defender':
      return { ...run, defender: { source: event.source, testAccuracy: event.testAccuracy, trainSteps: event.trainSteps, notes: event.notes } };
    case 'paused':
      return run.status === 'running' ? { ...run, paused: event.paused } : run;
    case 'point': {
      const p = event.point;
      const row: CurveRow = {
        queries: p.queries,
        undefendedAccuracy: p.undefended.accuracy,
        defendedAccuracy: p.defended.accuracy,
        undefendedAgreement: p.undefended.agreement,
        defendedAgreement: p.defended.agreement,
      };
      return { ...run, points: [...run.points, p], rows: [...run.rows, row] };
    }
    case 'samples':
      return { ...run, samples: event.samples };
    case 'regions':
      return { ...run, regions: [...run.regions, event.frame] };
    case 'done':
      return { ...run, status: 'done', paused: false, summary: event.summary, alongside: event.alongside ?? [], progress: null };
    case 'cancelled':
      return { ...run, status: 'cancelled', paused: false, progress: null };
  }
}
