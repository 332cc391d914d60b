/**
 * The reproduction runner: plays a list of planned runs one pass after another through the lab's
 * own run machinery (so each pass streams into the lab's charts like any other run), records each
 * finished run, and keeps an ETA. Runs that differ only in β and γ share a pass (reproduction/plan.ts
 * planPasses): the lab shows the first, and the engine hands back every run's own numbers. The Reproduce view and `npm run reproduce` (through
 * window.__modelTheftLab.reproduce) drive it. A vanilla zustand store beside the app store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { planPasses, reproductionPlan, type PlannedRun } from '../reproduction/plan';
import { estimatedPassSeconds, type ReproductionMode } from '../reproduction/scale';
import type { AppStore } from './appStore';
import type { ReproductionReport, RunRecord } from '../reproduction/report';

export interface ReproduceState {
  mode: ReproductionMode;
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  /** The runs of the current batch, in the order they run, and how many of them have finished. */
  queue: PlannedRun[];
  index: number;
  /** The runs training now: one, or several β, γ settings in one pass (empty between passes). */
  pass: PlannedRun[];
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

/** Where the batch stands, in words: "run 3 of 30: #v=2&…", or the runs of a shared pass. */
export function describePass(state: Pick<ReproduceState, 'index' | 'pass' | 'queue'>): string {
  const { index, pass, queue } = state;
  const name = (r: PlannedRun) => r.key || 'the default lesson';
  if (pass.length <= 1) return `run ${Math.min(index + 1, queue.length)} of ${queue.length}${pass.length === 1 ? `: ${name(pass[0])}` : ''}`;
  return `runs ${index + 1}–${index + pass.length} of ${queue.length}, ${pass.length} β, γ settings in one pass (the chart shows the first: ${name(pass[0])})`;
}

export function createReproduceStore(app: AppStore, now: () => number = () => Date.now()): ReproduceStore {
  let cancelled = false;
  return createStore<ReproduceState>()((set, get) => {
    /** Starts one pass in the lab and waits for it to end: a record per run, or null if it did not finish. */
    const playPass = (pass: PlannedRun[]): Promise<RunRecord[] | { error: string } | null> =>
      new Promise((resolve) => {
        const [first, ...others] = pass;
        const runId = app.getState().startRun({ config: first.config, alongside: others.map((r) => r.config) });
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
          if (r.status === 'done' && r.summary) {
            if (r.alongside.length !== others.length) {
              resolve({ error: `the engine gave ${r.alongside.length + 1} results for a pass of ${pass.length} runs` });
              return;
            }
            resolve([
              { key: first.key, config: first.config, summary: r.summary, points: r.points },
              ...others.map((o, i) => ({ key: o.key, config: o.config, summary: r.alongside[i].summary, points: r.alongside[i].points })),
            ]);
          } else if (r.status === 'error') resolve({ error: r.error?.message ?? 'the run failed' });
          else resolve(null);
        });
      });

    return {
      mode: 'quick',
      status: 'idle',
      queue: [],
      index: 0,
      pass: [],
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
        const passes = planPasses(runs.filter((r) => !get().results[r.key]));
        const started = now();
        const estimates = passes.map((p) => estimatedPassSeconds(p.map((r) => r.config)));
        const estTotal = estimates.reduce((a, v) => a + v, 0);
        set({ status: 'running', queue: passes.flat(), index: 0, pass: [], startedAt: started, etaMs: estTotal * 1000, error: null });
        let estDone = 0;
        let runsDone = 0;
        for (let i = 0; i < passes.length; i++) {
          if (cancelled) break;
          set({ pass: passes[i] });
          const outcome = await playPass(passes[i]);
          if (outcome === null) {
            cancelled = true;
            break;
          }
          if ('error' in outcome) {
            set({ status: 'error', pass: [], error: `${passes[i].map((r) => r.key || '(defaults)').join(', ')}: ${outcome.error}` });
            return;
          }
          estDone += estimates[i];
          runsDone += outcome.length;
          const elapsed = now() - started;
          // Scale the remaining estimate by how fast this machine has been so far.
          const speed = estDone > 0 ? elapsed / (estDone * 1000) : 1;
          const finished = Object.fromEntries(outcome.map((rec) => [rec.key, rec]));
          set((s) => ({ results: { ...s.results, ...finished }, index: runsDone, etaMs: (estTotal - estDone) * 1000 * speed }));
        }
        set({ status: cancelled ? 'cancelled' : 'done', pass: [], etaMs: cancelled ? null : 0 });
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
        set({ status: 'error', pass: [], error: err instanceof Error ? err.message : String(err) });
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
