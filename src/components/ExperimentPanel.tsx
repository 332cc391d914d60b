import { PARAMS } from '../params/schema';
import { formatDuration, selectThiefChart } from '../store/selectors';
import { SubstituteAccuracyChart } from './charts/SubstituteAccuracyChart';
import { EnumSelect } from './controls/EnumSelect';
import { ParamSlider } from './controls/ParamSlider';
import { RunResults } from './RunResults';
import { ThiefView } from './ThiefView';
import { EpsilonQueryPanel } from './EpsilonQueryPanel';
import { EpsilonLesson } from './EpsilonLesson';
import { useApp } from './storeContext';

const PHASE_LABEL = {
  'loading-data': 'Loading the data set',
  defender: 'Preparing the defender',
  attack: 'The thief is querying and training',
  fgsm: 'Crafting adversarial examples on the thieves',
} as const;

const SOURCE_LABEL = { trained: 'trained live', cache: 'loaded from this browser’s cache', shipped: 'shipped pretrained' } as const;

/** Defense-specific sliders: only the parameters of the chosen defense are shown. */
function DefenseParams() {
  const defense = useApp((s) => s.params.defense);
  switch (defense) {
    case 'reverse-sigmoid':
      return <p className="hint">β and γ are set in the reverse-sigmoid panel above.</p>;
    case 'epsilon':
      return (
        <>
          <ParamSlider param="epsilon" />
          <EnumSelect param="renorm" />
          <EnumSelect param="epsDirection" />
        </>
      );
    case 'concave':
    case 'convex':
      return (
        <>
          <ParamSlider param="noise" />
          <ParamSlider param="rho" />
        </>
      );
    case 'sine':
      return (
        <>
          <ParamSlider param="noise" />
          <ParamSlider param="frequency" />
        </>
      );
    default:
      return <ParamSlider param="noise" />;
  }
}

/** The query counter and the thief's bill at the API's price (live params: change the price any time). */
function QueryBill() {
  const last = useApp((s) => s.run.points.at(-1));
  const price = useApp((s) => s.params.price);
  if (!last) return null;
  const bill = (last.oracleQueries / 1000) * price;
  return (
    <p className="bill" data-testid="query-bill">
      {last.oracleQueries.toLocaleString('en-US')} queries answered · the thief&apos;s bill:{' '}
      <strong>{bill.toLocaleString('en-US', { style: 'currency', currency: 'USD' })}</strong> at ${price}/1,000
    </p>
  );
}

export function ExperimentPanel() {
  const run = useApp((s) => s.run);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const startRun = useApp((s) => s.startRun);
  const stopRun = useApp((s) => s.stopRun);
  const chart = selectThiefChart(run);
  const running = run.status === 'running';
  const progress = run.progress;
  const defense = useApp((s) => s.params.defense);

  return (
    <section className="panel" aria-labelledby="exp-title">
      <header className="panel-head">
        <h2 id="exp-title">Steal the defender</h2>
        <p className="lede">
          A thief sends images to the defender and trains its own copy on the answers. Two thieves start from the same
          weights and ask the same questions: one gets honest answers, one gets defended answers. Watch whose accuracy
          climbs.
        </p>
      </header>
      <div className="panel-body exp-layout">
        <div className="controls" role="group" aria-label="Experiment settings">
          <EnumSelect param="dataset" disabled={running} />
          <EnumSelect param="attack" disabled={running} />
          <EnumSelect param="substitute" disabled={running} />
          <EnumSelect param="defense" disabled={running} />
          <EnumSelect param="cleaning" disabled={running} />
          <DefenseParams />
          <details className="more-settings">
            <summary>More settings</summary>
            <ParamSlider param="budget" />
            <ParamSlider param="thiefEpochs" />
            <ParamSlider param="shift" />
            <ParamSlider param="evalSize" />
            <ParamSlider param="defenderEpochs" />
            <ParamSlider param="fgsmEps" />
            <ParamSlider param="price" />
            <ParamSlider param="seed" />
            <EnumSelect param="calibrate" disabled={running} />
          </details>
          <div className="run-buttons">
            <button type="button" className="primary" onClick={() => startRun()} disabled={!engineReady || running}>
              {run.status === 'idle' ? 'Run the theft' : 'Run again'}
            </button>
            <button type="button" onClick={stopRun} disabled={!running}>
              Stop
            </button>
          </div>
          <div className="run-status" data-testid="run-status" data-status={run.status} aria-live="polite">
            {running && (
              <>
                <strong>{run.phase ? PHASE_LABEL[run.phase] : 'Starting…'}</strong>
                {progress && progress.total > 0 && (
                  <>
                    <progress max={progress.total} value={progress.done} aria-label="Progress of this phase" />
                    <span className="eta">
                      {Math.round((100 * progress.done) / progress.total)}%
                      {progress.etaMs !== null && ` · about ${formatDuration(progress.etaMs)} left`}
                    </span>
                  </>
                )}
              </>
            )}
            {run.status === 'done' && run.summary && <span>Finished in {formatDuration(run.summary.wallMs)}.</span>}
            {run.status === 'cancelled' && <span>Stopped.</span>}
            {run.status === 'error' && run.error && (
              <p className="error" role="alert">
                {run.error.message} {run.error.hint}
              </p>
            )}
            <QueryBill />
            {run.defender && (
              <p className="defender-line" data-testid="defender-line">
                Defender: {(run.defender.testAccuracy * 100).toFixed(1)}% test accuracy, {SOURCE_LABEL[run.defender.source]}.{' '}
                {!running && (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => startRun({ retrainDefender: true })}
                    title="Train the defender from scratch in this browser (minutes without a GPU), then run again"
                  >
                    Retrain it
                  </button>
                )}
              </p>
            )}
          </div>
        </div>
        <div className="exp-main">
          {defense === 'epsilon' && <EpsilonQueryPanel />}
          {defense === 'epsilon' && <EpsilonLesson />}
          <SubstituteAccuracyChart data={chart} />
          <RunResults />
          <ThiefView />
        </div>
      </div>
      <p className="hint">
        Budget steps: {chart.xTicks.map((q) => q.toLocaleString('en-US')).join(' · ')} {PARAMS.budget.unit}.
      </p>
    </section>
  );
}
