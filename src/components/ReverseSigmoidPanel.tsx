import { selectTopClassView, type TopClassView } from '../store/rankingSelectors';
import { selectReverseSigmoidChart } from '../store/selectors';
import { ReverseSigmoidChart } from './charts/ReverseSigmoidChart';
import { ParamSlider } from './controls/ParamSlider';
import { useApp } from './storeContext';

export function ReverseSigmoidPanel() {
  const beta = useApp((s) => s.params.beta);
  const gamma = useApp((s) => s.params.gamma);
  const data = selectReverseSigmoidChart(beta, gamma);
  const folded = data.ambiguous.length > 0;
  const topClass = selectTopClassView(beta, gamma);

  return (
    <section className="panel" aria-labelledby="rs-title">
      <header className="panel-head">
        <h2 id="rs-title">The reverse-sigmoid defense</h2>
        <p className="lede">
          Before answering, the defender pushes each class probability <i>y</i> away from the truth by{' '}
          <i>r</i>(<i>y</i>) = β(s(γ·s⁻¹(<i>y</i>)) − ½), then rescales the answer to sum to 1. Small probabilities
          go up and large ones come down, so a thief who trains on the probabilities learns from poisoned targets.
        </p>
        <TopClassNote view={topClass} />
      </header>
      <div className="panel-body rs-layout">
        <div className="controls" role="group" aria-label="Reverse-sigmoid parameters">
          <ParamSlider param="beta" />
          <ParamSlider param="gamma" />
          <p className={`fold-note ${folded ? 'is-folded' : ''}`} data-testid="fold-note">
            {folded ? (
              <>
                <span className="swatch" aria-hidden /> Shaded: values of y − r(y) that two different <i>y</i> produce.
                A thief cannot tell which one was meant, so the defense cannot be inverted there.
              </>
            ) : (
              <>No fold at these settings: every defended value comes from one <i>y</i>, so it could be inverted.</>
            )}
          </p>
        </div>
        <ReverseSigmoidChart data={data} />
      </div>
    </section>
  );
}

/** Whether honest users still get the right label: the top class can sink at strong settings. */
function TopClassNote({ view }: { view: TopClassView }) {
  if (view.kind === 'confident-flips') {
    return (
      <p className="warning topclass-warning" data-testid="rs-topclass-warning">
        <span aria-hidden>⚠ </span>
        <strong>Wrong labels:</strong> at these settings honest users get wrong labels. An answer {view.exampleTop}{' '}
        sure of one class comes back with another class on top.
      </p>
    );
  }
  return (
    <p className="lede" data-testid="rs-topclass-note">
      {view.kind === 'safe' ? (
        <>At these settings the top class stays on top, so honest users still get the right label.</>
      ) : (
        <>
          Answers less than {view.threshold} sure can come back with another class on top, so some honest users get a
          wrong label. Surer answers keep their top class.
        </>
      )}
    </p>
  );
}
