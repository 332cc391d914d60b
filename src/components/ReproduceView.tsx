import { headerTitle } from '../params/glossary';
import './glossary.css';
import { useEffect } from 'react';
import { EXPERIMENT_IDS, reproductionPlan } from '../reproduction/plan';
import type { ReproductionMode } from '../reproduction/scale';
import { selectReportCurve, selectTradeoffView } from '../store/reportSelectors';
import { selectDisplayedReport } from '../store/displayedReport';
import { cell, signed } from '../reproduction/markdown';
import type { ReportExperiment } from '../reproduction/report';
import { formatDuration } from '../store/format';
import { selectThiefChart } from '../store/thiefChart';
import { ArchitectureBars } from './charts/ArchitectureBars';
import { SubstituteAccuracyChart } from './charts/SubstituteAccuracyChart';
import { GridHeatmap } from './charts/GridHeatmap';
import { TradeoffChart } from './charts/TradeoffChart';
import { VerdictIcon } from './VerdictIcon';
import { useReproduce, useReproduceContext } from './reproduceContext';
import { describePass } from '../store/reproduce';
import { useApp } from './storeContext';


/**
 * The papers' tables with our numbers beside theirs: the committed report (made by
 * `npm run reproduce`) until runs finish in this page, then a live report from those runs.
 * Every experiment can be run here, through the same engine and runner the script uses.
 */
export function ReproduceView() {
  const { store, loadCommitted } = useReproduceContext();
  const committedStatus = useReproduce((s) => s.committedStatus);
  const committedError = useReproduce((s) => s.committedError);
  const results = useReproduce((s) => s.results);
  const mode = useReproduce((s) => s.mode);
  const committed = useReproduce((s) => s.committed);
  const engine = useApp((s) => s.engine);
  const { report, source } = selectDisplayedReport({ results, mode, committed }, engine);

  useEffect(() => {
    // loadCommitted records its own failure (committedError); anything else reaches the runner's error line.
    store.getState().loadCommitted(loadCommitted).catch((e: unknown) => store.getState().fail(e));
  }, [store, loadCommitted]);

  return (
    <main className="reproduce" data-testid="reproduce-view">
      <section className="panel">
        <h2>Reproduce the papers</h2>
        <p className="lede">
          Our numbers beside the papers&apos;, for the reverse-sigmoid defense (Lee et al., arXiv:1806.00054) and the ε counter-attack. Each row
          below is made by the same engine as the lab; a <VerdictIcon holds={false} /> <strong>does not hold here</strong> means our run disagrees with the paper&apos;s claim, and the report says so instead
          of hiding it. Run an experiment here to watch it happen, or read the report committed with the app.
        </p>
        <ReproduceControls />
        <p className="report-source" data-testid="report-source">
          {source === 'none' &&
            (committedStatus === 'loading'
              ? 'Loading the committed report…'
              : committedStatus === 'error'
                ? `The committed report could not be loaded (${committedError ?? 'unknown error'}). Reload the page to try again, or run an experiment below.`
                : 'No report yet: run an experiment below.')}
          {source === 'committed' && report && (
            <>
              Showing the committed <strong>{report.mode}</strong> report: {report.backend} ({report.device || 'no device string'}), {report.machine},{' '}
              {formatDuration(report.wallMs)}, made {report.generated.slice(0, 10)}.
            </>
          )}
          {source === 'live' && report && (
            <>
              Showing a <strong>live</strong> {report.mode} report from the {Object.keys(results).length} run(s) finished in this page ({report.backend}).
            </>
          )}
        </p>
      </section>
      {report
        ? report.experiments.map((e) => <ExperimentCard key={e.id} experiment={e} />)
        : EXPERIMENT_IDS.map((id) => (
            <section key={id} className="panel">
              <h3>{id}</h3>
              <RunButton id={id} />
            </section>
          ))}
    </main>
  );
}

function ReproduceControls() {
  const { store } = useReproduceContext();
  const status = useReproduce((s) => s.status);
  const mode = useReproduce((s) => s.mode);
  const index = useReproduce((s) => s.index);
  const queue = useReproduce((s) => s.queue);
  const etaMs = useReproduce((s) => s.etaMs);
  const error = useReproduce((s) => s.error);
  const pass = useReproduce((s) => s.pass);
  // Slices of the run, not the run object, which every engine event replaces: the chart's data is
  // memoised per points array, so only a new point redraws it.
  const phaseDetail = useApp((s) => s.run.phaseDetail);
  const liveChart = useApp((s) => (s.run.rows.length > 0 ? selectThiefChart(s.run) : null));
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const running = status === 'running';
  const plan = reproductionPlan(mode);
  return (
    <div className="repro-controls">
      <label className="enum">
        <span>Size</span>
        <select value={mode} disabled={running} onChange={(e) => store.getState().setMode(e.target.value as ReproductionMode)} aria-label="Reproduction size">
          <option value="quick">quick (minutes: small budgets, few architectures)</option>
          <option value="full">full (hours on a laptop CPU: the papers' budgets)</option>
        </select>
      </label>
      <button type="button" className="primary" disabled={!engineReady || running} onClick={() => store.getState().runAll().catch((e: unknown) => store.getState().fail(e))}>
        Run all {plan.runs.length} runs
      </button>
      <button type="button" disabled={!running} onClick={() => store.getState().cancel()}>
        Stop
      </button>
      {running && (
        <div className="repro-progress" role="status" data-testid="repro-progress">
          <progress max={queue.length} value={index} />
          <span>
            {describePass({ index, pass, queue })} · {phaseDetail || 'starting'} · about {formatDuration(etaMs)} left
          </span>
        </div>
      )}
      {running && liveChart && (
        <div className="repro-live">
          <SubstituteAccuracyChart data={liveChart} />
        </div>
      )}
      {status === 'error' && error && (
        <p className="notice notice-error" role="alert">
          A run failed: {error}. Try another backend, or run a smaller experiment.
        </p>
      )}
      {status === 'cancelled' && <p className="hint">Stopped. Finished runs are kept; press Run again to do the rest.</p>}
    </div>
  );
}

function RunButton({ id }: { id: string }) {
  const { store } = useReproduceContext();
  const status = useReproduce((s) => s.status);
  const mode = useReproduce((s) => s.mode);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const n = reproductionPlan(mode).experiments.find((e) => e.id === id)?.runKeys.length ?? 0;
  if (n === 0) return <span className="hint">not part of the {mode} plan</span>;
  return (
    <button type="button" disabled={!engineReady || status === 'running'} onClick={() => store.getState().runExperiment(id).catch((e: unknown) => store.getState().fail(e))}>
      Run this experiment here ({n} run{n === 1 ? '' : 's'}, {mode})
    </button>
  );
}

const HEATMAP_COLOR = { drop: 'var(--defended)', cosine: 'var(--accent)', topUnchanged: 'var(--normalized)' } as const;

function ExperimentCard({ experiment: e }: { experiment: ReportExperiment }) {
  const tradeoff = e.charts.tradeoff;
  return (
    <section className="panel repro-experiment" aria-labelledby={`exp-${e.id}`} data-testid={`experiment-${e.id}`}>
      <header className="repro-head">
        <h3 id={`exp-${e.id}`}>
          <code>{e.id}</code> {e.title}
        </h3>
        <RunButton id={e.id} />
      </header>
      <p className="hint">
        {e.paper === 'reverse-sigmoid' ? 'Reverse-sigmoid' : 'Counter-attack'} paper, {e.source}. {e.setting} Seeds: {e.seeds.join(', ') || '–'}; {e.runs.length - e.missingRuns}{' '}
        of {e.runs.length} runs{e.missingRuns ? ' (the others not run yet)' : ''}.
      </p>
      <div className="repro-body">
        {e.table.length > 0 && (
          <table className="results-table repro-table">
            <thead>
              <tr>
                <th scope="col" />
                {/* The same glossary words as the lab's headers, on hover and keyboard focus (glossary.css draws the focus hint). */}
                <th scope="col" tabIndex={0} className="term-header" data-hint={headerTitle('ours')} title={headerTitle('ours')}>
                  ours
                </th>
                <th scope="col" tabIndex={0} className="term-header" data-hint={headerTitle('paper')} title={headerTitle('paper')}>
                  paper
                </th>
                <th scope="col" tabIndex={0} className="term-header" data-hint={headerTitle('ours-minus-paper')} title={headerTitle('ours-minus-paper')}>
                  ours − paper
                </th>
              </tr>
            </thead>
            <tbody>
              {e.table.map((r) => (
                <tr key={r.label}>
                  <th scope="row">{r.label}</th>
                  <td>
                    {cell(r.ours, r.kind)}
                    {r.oursStd !== null && r.oursStd !== undefined ? ` ± ${cell(r.oursStd, r.kind)}` : ''}
                  </td>
                  <td>{cell(r.paper, r.kind)}</td>
                  <td>{signed(r.diff, r.kind)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {(e.charts.curve || tradeoff || (e.charts.architectures?.length ?? 0) > 0 || (e.charts.heatmaps?.length ?? 0) > 0) && (
          <div className="repro-chart" data-testid={`repro-chart-${e.id}`}>
            {e.charts.heatmaps && e.charts.heatmaps.length > 0 && (
              <>
                <p className="chart-title">
                  Rows β, columns γ; × marks a cell that changes honest users&apos; top class too often to be chosen, – a cell not trained (yet); the chosen
                  cell is outlined.
                </p>
                <div className="heatmaps">
                  {e.charts.heatmaps.map((h) => (
                    <GridHeatmap key={h.metric} data={h} color={HEATMAP_COLOR[h.metric]} />
                  ))}
                </div>
              </>
            )}
            {tradeoff && (
              <>
                <p className="chart-title">Each point is one defense setting (Sample attack, {e.dataset}); bottom right is best for the defender.</p>
                <TradeoffPanel tradeoff={tradeoff} />
              </>
            )}
            {e.charts.architectures && e.charts.architectures.length > 0 && (
              <>
                <p className="chart-title">Substitute test accuracy per architecture (Jacobian thief, ε = 0.003)</p>
                <ArchitectureBars bars={e.charts.architectures} metric="accuracy" chance={0.1} />
                <p className="chart-title">Defender accuracy on FGSM examples crafted on each substitute (higher = the copy is less useful)</p>
                <ArchitectureBars bars={e.charts.architectures} metric="fgsm" chance={0.1} />
              </>
            )}
            {e.charts.curve && (
              <>
                <p className="chart-title">
                  {/* The report names its run; a report made before captions existed gets the old wording. */}
                  {e.charts.curve.caption ??
                    `${e.id === 'rs-defense-aware' || e.id === 'rs-queries-needed' ? 'ArgmaxSample thieves' : 'Sample thieves'} against queries (${e.dataset}, seed ${e.seeds[0] ?? 1}): blue on honest answers, orange on reverse-sigmoid answers`}
                </p>
                <SubstituteAccuracyChart data={selectReportCurve(e.charts.curve)} />
              </>
            )}
          </div>
        )}
      </div>
      {e.checks.length > 0 && (
        <ul className="repro-checks">
          {e.checks.map((c) => (
            <li key={c.claim} data-holds={c.holds === null ? 'unknown' : String(c.holds)}>
              <VerdictIcon holds={c.holds} /> <strong>{c.holds === null ? 'not enough runs' : c.holds ? 'holds' : 'does not hold here'}:</strong> {c.claim}.{' '}
              <span className="hint">{c.detail}.</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The trade-off chart, and in words the settings too harmful to honest users to fit on its axis. */
function TradeoffPanel({ tradeoff }: { tradeoff: NonNullable<ReportExperiment['charts']['tradeoff']> }) {
  const view = selectTradeoffView(tradeoff);
  return (
    <>
      <TradeoffChart groups={view.groups} budget={tradeoff.budget} xDomain={view.xDomain} />
      {view.offChartNote && (
        <p className="hint" data-testid="tradeoff-off-chart">
          {view.offChartNote}
        </p>
      )}
    </>
  );
}
