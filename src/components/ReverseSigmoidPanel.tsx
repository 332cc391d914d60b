import { selectReverseSigmoidChart } from '../store/selectors';
import { ReverseSigmoidChart } from './charts/ReverseSigmoidChart';
import { ParamSlider } from './controls/ParamSlider';
import { useApp } from './storeContext';

export function ReverseSigmoidPanel() {
  const beta = useApp((s) => s.params.beta);
  const gamma = useApp((s) => s.params.gamma);
  const data = selectReverseSigmoidChart(beta, gamma);
  const folded = data.ambiguous.length > 0;

  return (
    <section className="panel" aria-labelledby="rs-title">
      <header className="panel-head">
        <h2 id="rs-title">The reverse-sigmoid defense</h2>
        <p className="lede">
          Before answering, the defender pushes each class probability <i>y</i> away from the truth by{' '}
          <i>r</i>(<i>y</i>) = β(s(γ·s⁻¹(<i>y</i>)) − ½), then rescales the answer to sum to 1. Small probabilities
          go up, large ones come down, and the top class stays on top — so honest users still get the right label,
          while a thief who trains on the probabilities learns from poisoned targets.
        </p>
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
