/**
 * The reproduction runner: plays a list of planned runs one after another through the lab's own
 * run machinery (so each run streams into the lab's charts like any other), records each finished
 * run, and keeps an ETA. The Reproduce view and `npm run reproduce` (through
 * window.__modelTheftLab.reproduce) drive it. A vanilla zustand store beside the app store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { reproductionPlan, type PlannedRun } from '../reproduction/plan';
import { estimatedSeconds, type ReproductionMode } from '../reproduction/scale';
import type { AppStore } from './appStore';
import type { ReproductionReport, RunRecord } from '../reproduction/report';

export interface ReproduceState {
  mode: ReproductionMode;
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  /** The runs of the current batch, and how far it got. */
  queue: PlannedRun[];
  index: number;
  current: PlannedRun | null;
  /** Every run finished in this page, by share link. */
  results: Record<string, RunRecord>;
  startedAt: number | null;
  etaMs: number | null;
  error: string | null;
  /** The report committed in reports/ (loaded lazily), shown until live runs replace it. */
  committed: ReproductionReport | null;
  committedStatus: 'idle' | 'loading' | 'ready' | 'error';
  /** Why the committed report did not load (a missing or corrupt file, a network error). */
  committedError: string | null;
  setMode(mode: ReproductionMode): void;
  /** Runs the given runs in order (those already finished here are skipped); resolves when done. */
  runRuns(runs: PlannedRun[]): Promise<void>;
  /** Every run of the plan of the current mode. */
  runAll(): Promise<void>;
  /** The runs of one experiment of the current mode's plan. */
  runExperiment(id: string): Promise<void>;
  cancel(): void;
  /** Something the runner's callers could not do (a failure outside any run), shown as the runner's error. */
  fail(err: unknown): void;
  loadCommitted(load: () => Promise<ReproductionReport>): Promise<void>;
}

export type ReproduceStore = StoreApi<ReproduceState>;

export function createReproduceStore(app: AppStore, now: () => number = () => Date.now()): ReproduceStore {
  let cancelled = false;
  return createStore<ReproduceState>()((set, get) => {
    /** Starts one run in the lab and waits for it to end; null if it did not finish. */
    const playOne = (run: PlannedRun): Promise<RunRecord | { error: string } | null> =>
      new Promise((resolve) => {
        const runId = app.getState().startRun({ config: run.config });
        if (runId === null) {
          resolve({ error: 'The engine is not ready.' });
          return;
        }
        const unsubscribe = app.subscribe((state) => {
          const r = state.run;
          if (r.runId !== runId) {
            // Replaced by another run (the user pressed Run in the lab): stop the batch.
            unsubscribe();
            resolve(null);
            return;
          }
          if (r.status === 'running') return;
          unsubscribe();
          if (r.status === 'done' && r.summary) resolve({ key: run.key, config: run.config, summary: r.summary, points: r.points });
          else if (r.status === 'error') resolve({ error: r.error?.message ?? 'the run failed' });
          else resolve(null);
        });
      });

    return {
      mode: 'quick',
      status: 'idle',
      queue: [],
      index: 0,
      current: null,
      results: {},
      startedAt: null,
      etaMs: null,
      error: null,
      committed: null,
      committedStatus: 'idle',
      committedError: null,

      setMode(mode) {
        if (get().status !== 'running') set({ mode });
      },

      async runRuns(runs) {
        if (get().status === 'running') return;
        cancelled = false;
        const todo = runs.filter((r) => !get().results[r.key]);
        const started = now();
        const estimates = todo.map((r) => estimatedSeconds(r.config));
        const estTotal = estimates.reduce((a, v) => a + v, 0);
        set({ status: 'running', queue: todo, index: 0, current: null, startedAt: started, etaMs: estTotal * 1000, error: null });
        let estDone = 0;
        for (let i = 0; i < todo.length; i++) {
          if (cancelled) break;
          set({ index: i, current: todo[i] });
          const outcome = await playOne(todo[i]);
          if (outcome === null) {
            cancelled = true;
            break;
          }
          if ('error' in outcome) {
            set({ status: 'error', current: null, error: `${todo[i].key || '(defaults)'}: ${outcome.error}` });
            return;
          }
          estDone += estimates[i];
          const elapsed = now() - started;
          // Scale the remaining estimate by how fast this machine has been so far.
          const speed = estDone > 0 ? elapsed / (estDone * 1000) : 1;
          set((s) => ({ results: { ...s.results, [outcome.key]: outcome }, index: i + 1, etaMs: (estTotal - estDone) * 1000 * speed }));
        }
        set({ status: cancelled ? 'cancelled' : 'done', current: null, etaMs: cancelled ? null : 0 });
      },

      runAll() {
        return get().runRuns(reproductionPlan(get().mode).runs);
      },

      runExperiment(id) {
        const plan = reproductionPlan(get().mode);
        const spec = plan.experiments.find((e) => e.id === id);
        if (!spec) return Promise.resolve();
        const keys = new Set(spec.runKeys);
        return get().runRuns(plan.runs.filter((r) => keys.has(r.key)));
      },

      fail(err) {
        set({ status: 'error', current: null, error: err instanceof Error ? err.message : String(err) });
      },

      cancel() {
        if (get().status !== 'running') return;
        cancelled = true;
        app.getState().stopRun();
      },

      async loadCommitted(load) {
        if (get().committedStatus === 'loading' || get().committedStatus === 'ready') return;
        set({ committedStatus: 'loading', committedError: null });
        try {
          set({ committed: await load(), committedStatus: 'ready' });
        } catch (err) {
          set({ committedStatus: 'error', committedError: err instanceof Error ? err.message : String(err) });
        }
      },
    };
  });
}
