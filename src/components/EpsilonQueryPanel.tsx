import { selectEpsilonQuery } from '../store/epsilonQuery';
import { lazy, Suspense } from 'react';
import { DigitImage } from './DigitImage';
import { useApp } from './storeContext';

/** Loads with the charting library, after the page's first paint: nothing a student sees first needs it. */
const EpsilonQueryChart = lazy(() => import('./charts/EpsilonQueryChart').then((m) => ({ default: m.EpsilonQueryChart })));

/** The ε counter-attack on one real query, redrawn live as ε and the renormalization change. */
export function EpsilonQueryPanel() {
  const probe = useApp((s) => s.probe);
  const epsilon = useApp((s) => s.params.epsilon);
  const renorm = useApp((s) => s.params.renorm);
  const direction = useApp((s) => s.params.epsDirection);
  const ready = useApp((s) => s.engine.state === 'ready');
  const requestProbe = useApp((s) => s.requestProbe);
  const view = probe.result ? selectEpsilonQuery(probe.result, epsilon, renorm, direction) : null;
  const nextIndex = probe.result ? probe.probeId : 0;

  return (
    <section className="epsilon-query" aria-labelledby="eq-title" data-testid="epsilon-query">
      <div className="eq-head">
        <h3 id="eq-title">The ε counter-attack on one real query</h3>
        <button type="button" onClick={() => requestProbe(nextIndex)} disabled={!ready || probe.status === 'loading'}>
          {probe.result ? 'Another image' : 'Show a real query'}
        </button>
      </div>
      {probe.status === 'loading' && <p className="hint">Asking the defender…</p>}
      {probe.status === 'error' && probe.error && (
        <p className="warning" role="status">
          {probe.error.message} {probe.error.hint}
        </p>
      )}
      {probe.result && view && (
        <div className="eq-body">
          <DigitImage pixels={probe.result.pixels} label={`test image, true class ${probe.result.label}`} size={64} />
          <Suspense fallback={<figure className="chart chart-with-legend chart-epsilon" aria-label="Loading the chart" />}>
            <EpsilonQueryChart view={view} />
          </Suspense>
          <p className="hint eq-facts" data-testid="epsilon-facts">
            {view.degenerate
              ? 'At y itself the gradient is exactly zero, so there is no direction: the answer goes out unchanged.'
              : `Each class moves by ±ε = ${epsilon} (▲ up, ▼ down). `}
            Sum {view.sum.toFixed(4)}, smallest entry {view.minEntry.toFixed(4)}
            {view.rounds !== null && `, centering rounds ${view.rounds}`}; top class{' '}
            {view.argmaxUnchanged ? 'unchanged' : 'CHANGED'}.
          </p>
        </div>
      )}
    </section>
  );
}
