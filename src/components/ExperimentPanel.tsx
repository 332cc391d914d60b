import { IMAGE_DATASETS, PARAMS } from '../params/schema';
import { budgetSchedule } from '../math/schedule';
import { formatCount } from '../store/format';
import { HeadlineNumbers, ThiefChart, ThiefChartCaption } from './ThiefChart';
import { EnumSelect } from './controls/EnumSelect';
import { ParamSlider } from './controls/ParamSlider';
import { RunResults } from './RunResults';
import { ThiefView } from './ThiefView';
import { EpsilonQueryPanel } from './EpsilonQueryPanel';
import { EpsilonLesson } from './EpsilonLesson';
import { TopClassNote } from './TopClassNote';
import { StaleRunNote } from './StaleRunNote';
import { DefenseParams, RunButtons, RunStatus } from './RunControls';
import { PresetMenu } from './PresetMenu';
import { LessonPanel } from './LessonPanel';
import { RecordingBar } from './RecordingBar';
import { useApp } from './storeContext';
import { useAppAfterNextFrame } from './useAppAfterNextFrame';
import { selectRunning } from '../store/runStatus';

/** The MLP thief's width and depth, when it is the chosen thief. */
export function MlpShape() {
  const mlp = useApp((s) => s.params.substitute === 'mlp');
  if (!mlp) return null;
  return (
    <>
      <ParamSlider param="mlpWidth" />
      <ParamSlider param="mlpDepth" />
    </>
  );
}

/** Epochs per budget step for a thief that keeps training; a fixed number of steps for a fresh one. */
export function ThiefTrainingLength() {
  const fresh = useApp((s) => s.params.thiefProtocol === 'fresh');
  return fresh ? <ParamSlider param="thiefSteps" /> : <ParamSlider param="thiefEpochs" />;
}

/**
 * The panel itself re-renders only when a run starts or stops, or the defense changes: progress events
 * arrive many times a second while the thieves train, and re-rendering every control on each of them
 * cost main-thread time. Each live part below subscribes to just what it shows.
 */
export function ExperimentPanel() {
  // The settings grey out one frame after Run: the frame that shows the run has started stays short.
  const running = useAppAfterNextFrame(selectRunning);
  const defense = useApp((s) => s.params.defense);
  const inLesson = useApp((s) => s.params.lesson > 0);
  const present = useApp((s) => s.params.present === 1);
  const guide = inLesson ? <LessonPanel /> : <PresetMenu />;
  const thiefSettings = (
    <>
      <EnumSelect param="dataset" disabled={running} options={IMAGE_DATASETS} />
      <EnumSelect param="attack" disabled={running} />
      <EnumSelect param="substitute" disabled={running} />
      <MlpShape />
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
            <EnumSelect param="threads" disabled={running} />
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

function ResetAllButton({ disabled }: { disabled: boolean }) {
  const resetAllParams = useApp((s) => s.resetAllParams);
  return (
    <button type="button" className="link-button" onClick={resetAllParams} disabled={disabled}>
      Reset all settings to the papers’ defaults
    </button>
  );
}

/** The budget steps of the run on screen (before a run, of the settings): renders when the budget changes, not with each point. */
function BudgetSteps() {
  const budget = useApp((s) => (s.run.config ?? s.params).budget);
  return (
    <p className="hint">
      Budget steps: {budgetSchedule(budget).map(formatCount).join(' · ')} {PARAMS.budget.unit}.
    </p>
  );
}
