/**
 * Which report the Reproduce view shows: the committed one (made by `npm run reproduce`) until
 * runs of the reproduction plan finish in this page, then a live report built from those runs.
 * Runs the lab makes for its own purposes (the ε lesson's pair of thieves) also land in the
 * runner's results, but they are not the plan's runs and must not replace the committed tables
 * with an empty live report.
 */
import { reproductionPlan } from '../reproduction/plan';
import { buildReport, type ReproductionReport } from '../reproduction/report';
import type { ReproductionMode } from '../reproduction/scale';
import { createMemo } from './memo';
import type { EngineStatus } from './appStore';
import type { ReproduceState } from './reproduce';

export interface DisplayedReport {
  report: ReproductionReport | null;
  /** 'live': built from runs finished in this page; 'committed': the file in reports/. */
  source: 'live' | 'committed' | 'none';
}

const liveMemo = createMemo<object, DisplayedReport>();
const planKeysMemo = new Map<ReproductionMode, Set<string>>();

function planKeys(mode: ReproductionMode): Set<string> {
  let keys = planKeysMemo.get(mode);
  if (!keys) {
    keys = new Set(reproductionPlan(mode).runs.map((r) => r.key));
    planKeysMemo.set(mode, keys);
  }
  return keys;
}

export function selectDisplayedReport(state: Pick<ReproduceState, 'results' | 'mode' | 'committed'>, engine: EngineStatus): DisplayedReport {
  const keys = planKeys(state.mode);
  const planned = Object.keys(state.results).some((k) => keys.has(k));
  if (!planned) return state.committed ? committedView(state.committed) : NONE;
  return liveMemo(state.results, state.mode, () => liveReport(state, engine));
}

function liveReport(state: Pick<ReproduceState, 'results' | 'mode'>, engine: EngineStatus): DisplayedReport {
  const plan = reproductionPlan(state.mode);
  const records = Object.values(state.results);
  const report = buildReport(plan, state.results, {
    generated: new Date().toISOString(),
    mode: state.mode,
    backend: engine.state === 'ready' ? engine.backend : 'unknown',
    device: engine.state === 'ready' ? engine.device : '',
    machine: 'this browser',
    wallMs: records.reduce((a, r) => a + r.summary.wallMs, 0),
  });
  return { report, source: 'live' };
}

const NONE: DisplayedReport = { report: null, source: 'none' };
const committedMemo = createMemo<ReproductionReport, DisplayedReport>();
function committedView(report: ReproductionReport): DisplayedReport {
  return committedMemo(report, null, () => ({ report, source: 'committed' }));
}
