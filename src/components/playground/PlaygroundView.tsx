import { useState } from 'react';
import { TOY_DATASETS } from '../../params/schema';
import { defendedPlane, defendedPlaneIsStale, frameAt, planeAgreement } from '../../store/playground';
import { describeDefense } from '../../store/describeDefense';
import { EnumSelect } from '../controls/EnumSelect';
import { ParamSlider } from '../controls/ParamSlider';
import { ThiefTrainingLength } from '../ExperimentPanel';
import { DefenseParams, RunButtons, RunStatus } from '../RunControls';
import { StaleRunNote } from '../StaleRunNote';
import { ThiefChart } from '../ThiefChart';
import { useApp } from '../storeContext';
import { PlaygroundPresets } from './PlaygroundPresets';
import { RegionCanvas } from './RegionCanvas';
import './playground.css';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/**
 * The 2-D playground: the same theft as the lab, on points in a plane, where every model's
 * decision regions can be drawn. Same engine, same oracle, same sliders; the pictures are the
 * extra.
 */
export function PlaygroundView() {
  const running = useApp((s) => s.run.status === 'running');
  return (
    <main>
      <section className="panel playground" aria-labelledby="pg-title">
        <header className="panel-head">
          <h2 id="pg-title">The 2-D playground</h2>
          <p className="lede">
            The same theft on points in a plane, where every model&apos;s decision regions can be drawn: the defender,
            the thief that got honest answers, the thief that got defended ones, and what the defended answers look
            like over the whole plane. A whole theft takes seconds.
          </p>
        </header>
        <div className="panel-body exp-layout">
          <div className="controls" role="group" aria-label="Playground settings">
            <EnumSelect param="defense" disabled={running} />
            <DefenseParams />
            <RunButtons />
            <RunStatus />
            <h3 className="controls-subhead">The data</h3>
            <EnumSelect param="dataset" disabled={running} options={TOY_DATASETS} />
            <ParamSlider param="toyClasses" />
            <ParamSlider param="toyNoise" />
            <ParamSlider param="toySeed" />
            <h3 className="controls-subhead">The thief</h3>
            <EnumSelect param="attack" disabled={running} />
            <ParamSlider param="mlpWidth" />
            <ParamSlider param="mlpDepth" />
            <details className="more-settings">
              <summary>More settings</summary>
              <ParamSlider param="budget" />
              <EnumSelect param="thiefProtocol" disabled={running} />
              <ThiefTrainingLength />
              <EnumSelect param="thiefOptimizer" disabled={running} />
              <EnumSelect param="cleaning" disabled={running} />
              <ParamSlider param="evalSize" />
              <ParamSlider param="seed" />
            </details>
          </div>
          <div className="exp-main">
            <PlaygroundPresets />
            <StaleRunNote />
            <RegionPanels />
            <ThiefChart />
          </div>
        </div>
      </section>
    </main>
  );
}

/** The four pictures of one budget step, and the buttons that pick the step. */
function RegionPanels() {
  const frames = useApp((s) => s.run.regions);
  const made = useApp((s) => s.run.config);
  const params = useApp((s) => s.params);
  const runId = useApp((s) => s.run.runId);
  // The step picked by hand, for this run only: a new run follows its newest step again.
  const [pick, setPick] = useState<{ runId: number; index: number } | null>(null);
  const picked = pick?.runId === runId ? pick.index : null;
  const frame = frameAt(frames, picked);
  const side = frame?.side ?? 64;
  const k = frame?.numClasses ?? params.toyClasses;
  const defended = frame ? defendedPlane(frame, params) : null;
  const stale = defended ? defendedPlaneIsStale(defended, made, params) : false;
  const index = picked ?? frames.length - 1;
  return (
    <div className="regions" data-testid="regions" data-frames={frames.length}>
      <div className="region-steps" role="group" aria-label="Budget step shown">
        <span>Pictures after</span>
        {frames.map((f, i) => (
          <button
            key={f.queries}
            type="button"
            className={i === index ? 'region-step active' : 'region-step'}
            aria-pressed={i === index}
            onClick={() => setPick(i === frames.length - 1 ? null : { runId, index: i })}
          >
            {f.queries.toLocaleString('en-US')}
          </button>
        ))}
        {frames.length > 0 && <span>queries</span>}
        {frames.length === 0 && <span className="hint">the first budget step.</span>}
      </div>
      <div className="region-grid">
        <RegionCanvas
          title="Defender"
          testId="region-defender"
          probs={frame?.defender ?? null}
          side={side}
          numClasses={k}
          points={frame ? { xy: frame.dataPoints, classes: frame.dataClasses } : null}
          pointStyle="ring"
          caption="Its regions; rings: test points in their true class."
        />
        <RegionCanvas
          title="Thief, honest answers"
          testId="region-undefended"
          probs={frame?.undefendedThief ?? null}
          side={side}
          numClasses={k}
          points={frame ? { xy: frame.undefendedPoints, classes: frame.undefendedPointClasses } : null}
          caption={frame ? `Copies ${pct(planeAgreement(frame, frame.undefendedThief))} of the plane; dots: its ${frame.undefendedPointClasses.length.toLocaleString('en-US')} queries, in the class they were told.` : 'Dots: its queries.'}
        />
        <RegionCanvas
          title="Thief, defended answers"
          testId="region-defended"
          probs={frame?.defendedThief ?? null}
          side={side}
          numClasses={k}
          points={frame ? { xy: frame.defendedPoints, classes: frame.defendedPointClasses } : null}
          caption={frame ? `Copies ${pct(planeAgreement(frame, frame.defendedThief))} of the plane; dots: its ${frame.defendedPointClasses.length.toLocaleString('en-US')} queries, in the top class of their defended answers.` : 'Dots: its queries.'}
        />
        <RegionCanvas
          title="Defended answers"
          testId="region-answers"
          probs={defended?.probs ?? null}
          side={side}
          numClasses={k}
          caption={
            frame && defended
              ? `What the defense hands out (${describeDefense(defended.source === 'live' ? params : (made ?? params))}): colour = top class, strength = its probability. Top class kept on ${pct(planeAgreement(frame, defended.probs))} of the plane.${stale ? ' These are the run\u2019s settings: run again to redraw.' : ''}`
              : 'Colour = top class, strength = its probability.'
          }
        />
      </div>
    </div>
  );
}
