import { chartCaption } from '../store/chartCaption';
import { formatCount } from '../store/format';
import { selectThiefChart } from '../store/thiefChart';
import { SubstituteAccuracyChart } from './charts/SubstituteAccuracyChart';
import { useApp } from './storeContext';

/**
 * The live chart: its data object is memoised per points array, so it redraws only when a point
 * arrives. It draws plain SVG in a few milliseconds, so it is part of the page's first render
 * (no charting library to load first) and redraws at once when a point streams in.
 */
export function ThiefChart() {
  const chart = useApp((s) => selectThiefChart(s.run, s.params));
  return <SubstituteAccuracyChart data={chart} />;
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
        {last ? `agreement with the defender at ${formatCount(last.queries)} queries` : 'agreement with the defender, once a run starts'}
      </p>
    </dl>
  );
}
