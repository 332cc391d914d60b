import { selectReverseSigmoidChart } from '../store/reverseSigmoidChart';
import { ReverseSigmoidChart } from './charts/ReverseSigmoidChart';
import { useApp } from './storeContext';

/**
 * How the reverse sigmoid bends one class probability, at the β and γ set beside Run. It has no
 * sliders of its own: one control per parameter, next to the button that uses it.
 */
export function ReverseSigmoidPanel() {
  const beta = useApp((s) => s.params.beta);
  const gamma = useApp((s) => s.params.gamma);
  const data = selectReverseSigmoidChart(beta, gamma);
  const folded = data.ambiguous.length > 0;

  return (
    <section className="panel" aria-labelledby="rs-title">
      <header className="panel-head">
        <h2 id="rs-title">How the reverse-sigmoid defense works</h2>
        <p className="lede">
          Before answering, the defender pushes each class probability <i>y</i> away from the truth by{' '}
          <i>r</i>(<i>y</i>) = β(s(γ·s⁻¹(<i>y</i>)) − ½), then rescales the answer to sum to 1. Small probabilities
          go up and large ones come down, so a thief who trains on the probabilities learns from poisoned targets. The
          curves follow β = {beta} and γ = {gamma}, set beside Run above.
        </p>
      </header>
      <div className="panel-body rs-layout">
        <p className={`fold-note ${folded ? 'is-folded' : ''}`} data-testid="fold-note">
          {folded ? (
            <>
              <span className="swatch" aria-hidden /> Shaded: values of y − r(y) that two different <i>y</i> produce. A
              thief cannot tell which one was meant, so the defense cannot be inverted there.
            </>
          ) : (
            <>No fold at these settings: every defended value comes from one <i>y</i>, so it could be inverted.</>
          )}
        </p>
        <ReverseSigmoidChart data={data} />
      </div>
    </section>
  );
}
