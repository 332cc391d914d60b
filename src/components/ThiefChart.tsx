import { lazy, Suspense, useDeferredValue } from 'react';
import { chartCaption } from '../store/chartCaption';
import { selectThiefChart } from '../store/thiefChart';
import { useApp } from './storeContext';

/**
 * The charting library loads after the page's first paint: nothing a student sees first needs it
 * (the reverse-sigmoid explainer draws plain SVG), and the chart is empty until a run starts. The
 * placeholder has the chart's own box, so nothing moves when it arrives.
 */
const SubstituteAccuracyChart = lazy(() => import('./charts/SubstituteAccuracyChart').then((m) => ({ default: m.SubstituteAccuracyChart })));

/** The live chart: its data object is memoised per points array, so it redraws only when a point arrives. */
export function ThiefChart() {
  const chart = useApp((s) => selectThiefChart(s.run, s.params));
  // The chart redraws in a deferred (interruptible) render: React renders it in slices that yield
  // to the browser, so a streamed point never holds the main thread for the whole redraw.
  const deferred = useDeferredValue(chart);
  return (
    <Suspense fallback={<figure className="chart chart-with-legend chart-thief" aria-label="Loading the chart" />}>
      <SubstituteAccuracyChart data={deferred} />
    </Suspense>
  );
}

/** What the chart shows, in one sentence: under the chart in presenter and embed modes. */
export function ThiefChartCaption() {
  const config = useApp((s) => s.run.config);
  const replay = useApp((s) => s.run.replay);
  const status = useApp((s) => s.run.status);
  return (
    <p className="chart-caption" data-testid="chart-caption">
      {chartCaption({ config, replay, status })}
    </p>
  );
}

/** The three numbers a class watches, large: both thieves' agreement and what honest users keep. */
export function HeadlineNumbers() {
  const last = useApp((s) => s.run.points.at(-1));
  const kept = useApp((s) => s.run.summary?.protectedAgreement ?? null);
  const pct = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
  return (
    <dl className="headline" data-testid="headline">
      <div className="headline-honest">
        <dt>thief on honest answers</dt>
        <dd>{pct(last?.undefended.agreement)}</dd>
      </div>
      <div className="headline-defended">
        <dt>thief on defended answers</dt>
        <dd>{pct(last?.defended.agreement)}</dd>
      </div>
      <div>
        <dt>honest users keep the top class</dt>
        {/* While the run streams, the share over the answers given so far; the final figure over the test images. */}
        <dd>{pct(kept ?? last?.cost.argmaxUnchanged)}</dd>
      </div>
      <p className="headline-note">
        {last ? `agreement with the defender at ${last.queries.toLocaleString('en-US')} queries` : 'agreement with the defender, once a run starts'}
      </p>
    </dl>
  );
}
