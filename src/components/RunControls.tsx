/**
 * What the lab and the 2-D playground share beside their settings: the chosen defense's
 * sliders, the run buttons, and the run's status column (phase, progress, bill, defender).
 */
import { DEFENSE_SETTINGS } from '../params/runSettings';
import { PARAMS, type NumberParamKey, type ParamKey } from '../params/schema';
import { formatCount, formatDuration } from '../store/format';
import { EnumSelect } from './controls/EnumSelect';
import { ParamSlider } from './controls/ParamSlider';
import { RetrainDefender } from './RetrainDefender';
import { useApp } from './storeContext';

type EnumParamKey = Exclude<ParamKey, NumberParamKey>;

const PHASE_LABEL = {
  'loading-data': 'Loading the data set',
  defender: 'Preparing the defender',
  attack: 'The thief is querying and training',
  fgsm: 'Crafting adversarial examples on the thieves',
} as const;

const SOURCE_LABEL = { trained: 'trained live', cache: 'loaded from this browser’s cache', shipped: 'shipped pretrained' } as const;

/** The chosen defense's own settings (listed once, in params/runSettings), next to Run. */
export function DefenseParams() {
  const defense = useApp((s) => s.params.defense);
  return (
    <>
      {DEFENSE_SETTINGS[defense].map((key) =>
        PARAMS[key].kind === 'number' ? <ParamSlider key={key} param={key as NumberParamKey} /> : <EnumSelect key={key} param={key as EnumParamKey} />,
      )}
    </>
  );
}

// Made once: toLocaleString with options builds a new formatter on every call.
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** The query counter and the thief's bill at the API's price (live params: change the price any time). */
function QueryBill() {
  const queries = useApp((s) => s.run.points.at(-1)?.oracleQueries ?? null);
  const price = useApp((s) => s.params.price);
  if (queries === null) return <p className="bill" />;
  const bill = (queries / 1000) * price;
  return (
    <p className="bill" data-testid="query-bill">
      {formatCount(queries)} queries answered · the thief&apos;s bill: <strong>{USD.format(bill)}</strong> at ${price}/1,000
    </p>
  );
}

/**
 * The phase's progress bar and ETA, the one part of the status a progress update re-renders. The
 * bar is a div scaled on the compositor (a transform on its own layer): a new value needs no
 * layout and no repaint of the bar. A native <progress> was laid out and painted again each time;
 * the frame of an update costs about 30% less main-thread time this way (measured on a 2-core machine).
 */
function RunProgress() {
  const progress = useApp((s) => (s.run.status === 'running' ? s.run.progress : null));
  const paused = useApp((s) => s.run.paused);
  const loadingData = useApp((s) => s.run.phase === 'loading-data');
  if (!progress || progress.total <= 0) return <div className="status-progress" />;
  const fraction = Math.min(1, Math.max(0, progress.done / progress.total));
  return (
    <div className="status-progress">
      <div
        className="progress-bar"
        role="progressbar"
        aria-label="Progress of this phase"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
      >
        <div className="progress-bar-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
      <span className="eta">
        {Math.round(100 * fraction)}%
        {paused
          ? // The run holds at its first training step: a download in flight still completes.
            loadingData
            ? ' · the download finishes, then the run holds'
            : ' · press Resume to go on'
          : progress.etaMs !== null && ` · about ${formatDuration(progress.etaMs)} left`}
      </span>
    </div>
  );
}

/** Run, pause/resume, stop and reset: native buttons, so Tab, Enter and Space work. */
export function RunButtons() {
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
export function RunStatus() {
  const status = useApp((s) => s.run.status);
  const paused = useApp((s) => s.run.paused);
  const phase = useApp((s) => s.run.phase);
  const phaseNote = useApp((s) => s.run.phaseNote);
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
      <RunProgress />
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
          {error.cause === 'gpu-lost' && <ContinueOnWasm />}
        </p>
      )}
    </div>
  );
}

/** After a lost GPU: one press moves the engine to WASM (a fresh worker, no GPU) and runs the same settings again once it is ready. */
function ContinueOnWasm() {
  const backend = useApp((s) => s.params.backend);
  const waiting = useApp((s) => s.runWhenReady);
  const continueOnWasm = useApp((s) => s.continueOnWasm);
  if (backend === 'wasm' && !waiting) return null;
  return (
    <button type="button" className="continue-wasm" disabled={waiting} onClick={continueOnWasm}>
      {waiting ? 'Starting WASM…' : 'Continue on WASM'}
    </button>
  );
}
