import { DEFENSE_SETTINGS } from '../params/runSettings';
import { PARAMS, type NumberParamKey, type ParamKey } from '../params/schema';
import { formatDuration, selectThiefChart } from '../store/selectors';
import { HeadlineNumbers, ThiefChart, ThiefChartCaption } from './ThiefChart';
import { EnumSelect } from './controls/EnumSelect';
import { ParamSlider } from './controls/ParamSlider';
import { RunResults } from './RunResults';
import { ThiefView } from './ThiefView';
import { EpsilonQueryPanel } from './EpsilonQueryPanel';
import { EpsilonLesson } from './EpsilonLesson';
import { TopClassNote } from './TopClassNote';
import { StaleRunNote } from './StaleRunNote';
import { RetrainDefender } from './RetrainDefender';
import { PresetMenu } from './PresetMenu';
import { LessonPanel } from './LessonPanel';
import { RecordingBar } from './RecordingBar';

type EnumParamKey = Exclude<ParamKey, NumberParamKey>;
import { useApp } from './storeContext';

const PHASE_LABEL = {
  'loading-data': 'Loading the data set',
  defender: 'Preparing the defender',
  attack: 'The thief is querying and training',
  fgsm: 'Crafting adversarial examples on the thieves',
} as const;

const SOURCE_LABEL = { trained: 'trained live', cache: 'loaded from this browser’s cache', shipped: 'shipped pretrained' } as const;

/** Epochs per budget step for a thief that keeps training; a fixed number of steps for a fresh one. */
function ThiefTrainingLength() {
  const fresh = useApp((s) => s.params.thiefProtocol === 'fresh');
  return fresh ? <ParamSlider param="thiefSteps" /> : <ParamSlider param="thiefEpochs" />;
}

/** The chosen defense's own settings (listed once, in params/runSettings), next to Run. */
function DefenseParams() {
  const defense = useApp((s) => s.params.defense);
  return (
    <>
      {DEFENSE_SETTINGS[defense].map((key) =>
        PARAMS[key].kind === 'number' ? <ParamSlider key={key} param={key as NumberParamKey} /> : <EnumSelect key={key} param={key as EnumParamKey} />,
      )}
    </>
  );
}

/** The query counter and the thief's bill at the API's price (live params: change the price any time). */
function QueryBill() {
  const last = useApp((s) => s.run.points.at(-1));
  const price = useApp((s) => s.params.price);
  if (!last) return <p className="bill" />;
  const bill = (last.oracleQueries / 1000) * price;
  return (
    <p className="bill" data-testid="query-bill">
      {last.oracleQueries.toLocaleString('en-US')} queries answered · the thief&apos;s bill:{' '}
      <strong>{bill.toLocaleString('en-US', { style: 'currency', currency: 'USD' })}</strong> at ${price}/1,000
    </p>
  );
}

/**
 * The panel itself re-renders only when a run starts or stops, or the defense changes: progress events
 * arrive many times a second while the thieves train, and re-rendering every control on each of them
 * cost main-thread time. Each live part below subscribes to just what it shows.
 */
export function ExperimentPanel() {
  const running = useApp((s) => s.run.status === 'running');
  const defense = useApp((s) => s.params.defense);
  const inLesson = useApp((s) => s.params.lesson > 0);
  const present = useApp((s) => s.params.present === 1);
  const guide = inLesson ? <LessonPanel /> : <PresetMenu />;
  const thiefSettings = (
    <>
      <EnumSelect param="dataset" disabled={running} />
      <EnumSelect param="attack" disabled={running} />
      <EnumSelect param="substitute" disabled={running} />
      <EnumSelect param="cleaning" disabled={running} />
    </>
  );

  return (
    <section className="panel" aria-labelledby="exp-title">
      <header className="panel-head">
        <h2 id="exp-title">Steal the defender</h2>
        <p className="lede">
          A thief sends images to the defender and trains its own copy on the answers. Two thieves ask the same
          questions: one gets honest answers, one gets defended answers. Watch whose accuracy climbs.
        </p>
      </header>
      <div className="panel-body exp-layout">
        {/* The defense and its sliders sit right above Run: trying a β is one move and one click. */}
        <div className="controls" role="group" aria-label="Experiment settings">
          <EnumSelect param="defense" disabled={running} />
          <DefenseParams />
          <RunButtons />
          {defense === 'reverse-sigmoid' && <TopClassNote />}
          <RunStatus />
          <RecordingBar />
          {/* For a projector the thief's settings fold away: the defense, Run and the chart fill the screen. */}
          {present ? (
            <details className="more-settings">
              <summary>The thief&apos;s settings</summary>
              {thiefSettings}
            </details>
          ) : (
            <>
              <h3 className="controls-subhead">The thief</h3>
              {thiefSettings}
            </>
          )}
          <details className="more-settings">
            <summary>More settings</summary>
            <ParamSlider param="budget" />
            <EnumSelect param="thiefProtocol" disabled={running} />
            <ThiefTrainingLength />
            <EnumSelect param="thiefOptimizer" disabled={running} />
            <ParamSlider param="shift" />
            <ParamSlider param="evalSize" />
            <ParamSlider param="defenderEpochs" />
            <ParamSlider param="fgsmEps" />
            <ParamSlider param="price" />
            <ParamSlider param="seed" />
            <EnumSelect param="calibrate" disabled={running} />
            <ResetAllButton disabled={running} />
          </details>
        </div>
        <div className="exp-main">
          {/* Beside the chart, not above the controls: Run stays above the fold, and a preset's words sit next to its curves. */}
          {!present && guide}
          <StaleRunNote />
          {present && <HeadlineNumbers />}
          {!present && defense === 'epsilon' && <EpsilonQueryPanel />}
          {!present && defense === 'epsilon' && <EpsilonLesson />}
          <ThiefChart />
          {present && <ThiefChartCaption />}
          {present && guide}
          <RunResults />
          <ThiefView />
        </div>
      </div>
      <BudgetSteps />
    </section>
  );
}

/** Run, pause/resume, stop and reset: native buttons, so Tab, Enter and Space work. */
function RunButtons() {
  const status = useApp((s) => s.run.status);
  const paused = useApp((s) => s.run.paused);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const startRun = useApp((s) => s.startRun);
  const stopRun = useApp((s) => s.stopRun);
  const pauseRun = useApp((s) => s.pauseRun);
  const resumeRun = useApp((s) => s.resumeRun);
  const resetRun = useApp((s) => s.resetRun);
  const replaying = useApp((s) => s.run.replay !== null);
  const running = status === 'running';
  return (
    <div className="run-buttons" role="group" aria-label="Run controls">
      <button type="button" className="primary" onClick={() => startRun()} disabled={!engineReady || running}>
        {/* "again" only once a run has ended: during the first run the button still names what it started. */}
        {status === 'done' || status === 'cancelled' || status === 'error' ? 'Run again' : 'Run the theft'}
      </button>
      <button
        type="button"
        onClick={paused ? resumeRun : pauseRun}
        disabled={!running || replaying}
        aria-pressed={paused}
        title={paused ? 'Go on from where the run stopped' : 'Hold the run after the current training step'}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" onClick={stopRun} disabled={!running} title="End the run here and keep its results">
        Stop
      </button>
      <button
        type="button"
        onClick={resetRun}
        disabled={status === 'idle'}
        title="Stop any run and clear its results (the settings stay)"
      >
        Reset
      </button>
    </div>
  );
}

/** Phase, progress with ETA, the outcome, the bill and the defender line. */
function RunStatus() {
  const status = useApp((s) => s.run.status);
  const paused = useApp((s) => s.run.paused);
  const phase = useApp((s) => s.run.phase);
  const phaseNote = useApp((s) => s.run.phaseNote);
  const progress = useApp((s) => s.run.progress);
  const wallMs = useApp((s) => s.run.summary?.wallMs ?? null);
  const error = useApp((s) => s.run.error);
  const defender = useApp((s) => s.run.defender);
  const replay = useApp((s) => s.run.replay);
  const running = status === 'running';
  // Fixed slots (status line, progress, bill, defender): the column does not jump as a run goes
  // from phase to phase; an error, the one thing that must catch the eye, comes last.
  return (
    <div className="run-status" data-testid="run-status" data-status={status} aria-live="polite">
      <p className="status-line">
        {running && !replay && (
          <strong>
            {paused && 'Paused: '}
            {phase ? PHASE_LABEL[phase] : 'Starting…'}
          </strong>
        )}
        {/* Why the defender is being trained live (its cached or shipped weights failed), said before the minutes of training. */}
        {running && !replay && phaseNote && (
          <span className="defender-note" data-testid="phase-note">
            {' '}
            {phaseNote}
          </span>
        )}
        {replay && (
          <span className="replay-label" data-testid="replay-label">
            <strong>{running ? 'Replaying' : 'Replay'}</strong> of a run recorded on {PARAMS.backend.optionLabels[replay.backend]},{' '}
            {new Date(replay.recordedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })} (from {replay.from}; it
            took {wallMs !== null ? formatDuration(wallMs) : 'a while'} there). Nothing is trained here: press Run to train it live.
          </span>
        )}
        {status === 'done' && !replay && wallMs !== null && <span>Finished in {formatDuration(wallMs)}.</span>}
        {status === 'cancelled' && <span>Stopped.</span>}
      </p>
      <div className="status-progress">
        {running && progress && progress.total > 0 && (
          <>
            <progress max={progress.total} value={progress.done} aria-label="Progress of this phase" />
            <span className="eta">
              {Math.round((100 * progress.done) / progress.total)}%
              {paused
                ? // The run holds at its first training step: a download in flight still completes.
                  phase === 'loading-data'
                  ? ' · the download finishes, then the run holds'
                  : ' · press Resume to go on'
                : progress.etaMs !== null && ` · about ${formatDuration(progress.etaMs)} left`}
            </span>
          </>
        )}
      </div>
      <QueryBill />
      {defender && (
        <p className="defender-line" data-testid="defender-line">
          Defender: {(defender.testAccuracy * 100).toFixed(1)}% test accuracy, {SOURCE_LABEL[defender.source]}.{' '}
          {defender.notes.length > 0 && (
            <span className="defender-note" data-testid="defender-notes">
              {defender.notes.join(' ')}{' '}
            </span>
          )}
          {!running && !replay && <RetrainDefender />}
        </p>
      )}
      {status === 'error' && error && (
        <p className="error" role="alert">
          {error.message} {error.hint}
        </p>
      )}
    </div>
  );
}

function ResetAllButton({ disabled }: { disabled: boolean }) {
  const resetAllParams = useApp((s) => s.resetAllParams);
  return (
    <button type="button" className="link-button" onClick={resetAllParams} disabled={disabled}>
      Reset all settings to the papers’ defaults
    </button>
  );
}

function BudgetSteps() {
  const ticks = useApp((s) => selectThiefChart(s.run, s.params.budget).xTicks);
  return (
    <p className="hint">
      Budget steps: {ticks.map((q) => q.toLocaleString('en-US')).join(' · ')} {PARAMS.budget.unit}.
    </p>
  );
}
