import { selectTopClassView } from '../store/rankingSelectors';
import { useApp } from './storeContext';

/**
 * Whether honest users still get the right label at the chosen β, γ: the top class can sink at
 * strong settings. It sits under the β and γ sliders, so the cost of a setting is read where the
 * setting is made.
 */
export function TopClassNote() {
  const beta = useApp((s) => s.params.beta);
  const gamma = useApp((s) => s.params.gamma);
  const view = selectTopClassView(beta, gamma);
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
    <p className="hint topclass-note" data-testid="rs-topclass-note">
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
