import { memo, useId, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { ChartLegend, type LegendItem } from './ChartLegend';
import type { ThiefChartData } from '../../store/thiefChart';
import { nearestRow, percent, queriesLabel, thiefChartGeometry, type ThiefLineKey } from '../../store/thiefChartGeometry';
import { useMeasuredBox } from './useMeasuredBox';

/**
 * The thieves' test accuracy (solid) and agreement with the defender (dashed) against queries,
 * drawn as plain SVG. It redraws with every streamed point while the thieves train: the charting
 * library took about 30 ms of the page's main thread for each of those redraws on a 2-core machine
 * (its internal store, several render passes), and as much again to clear the chart for a new run,
 * where four short paths, a grid and two reference lines take a few milliseconds. Memoised: it
 * re-renders only when its (memoised) data object changes, i.e. when a point arrives, or when its
 * box is resized.
 *
 * The pointer or the keyboard (arrow keys, once the plot has the focus) picks a budget step; a
 * readout then gives the four values there.
 */

/** In drawing order: accuracy solid, agreement dashed; blue honest, orange defended. */
const LINES: readonly (LegendItem & { key: ThiefLineKey; className: string; dots: boolean })[] = [
  { key: 'undefendedAccuracy', label: 'thief, no defense: accuracy', color: 'var(--accent)', kind: 'line', width: 2.5, className: 'line-undefended', dots: true },
  { key: 'defendedAccuracy', label: 'thief, defended: accuracy', color: 'var(--defended)', kind: 'line', width: 2.5, className: 'line-defended', dots: true },
  { key: 'undefendedAgreement', label: 'no defense: agreement', color: 'var(--accent)', kind: 'line', dash: '5 4', className: 'line-undefended-agreement', dots: false },
  { key: 'defendedAgreement', label: 'defended: agreement', color: 'var(--defended)', kind: 'line', dash: '5 4', className: 'line-defended-agreement', dots: false },
];

/** Before the plot box is measured (and in tests without layout): a typical size. */
const DEFAULT_SIZE = { width: 760, height: 330 };
const TICK = 6;

export const SubstituteAccuracyChart = memo(function SubstituteAccuracyChart({ data }: { data: ThiefChartData }) {
  const { box, size } = useMeasuredBox(DEFAULT_SIZE);
  const [picked, setPicked] = useState<number | null>(null);

  const { width, height } = size;
  const g = thiefChartGeometry(data, width, height);
  const { left, right, top, bottom } = g.plot;
  const clipId = `thief-clip-${useId().replace(/:/g, '')}`;
  const last = data.rows.length - 1;
  // A pick past the end (the chart was cleared for a new run) shows nothing.
  const pick = picked !== null && picked <= last ? { index: picked, x: g.rowX[picked], row: data.rows[picked] } : null;
  const latest = data.rows.at(-1);
  const summary = latest
    ? `After ${queriesLabel(latest.queries)} queries: the thief on honest answers at ${percent(latest.undefendedAccuracy)} test accuracy, the thief on defended answers at ${percent(latest.defendedAccuracy)}.`
    : 'No curve yet: the thieves’ accuracy appears here as they train.';

  const onMove = (e: PointerEvent<SVGRectElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    if (rect.width <= 0) return;
    setPicked(nearestRow(g.rowX, left + ((e.clientX - rect.left) / rect.width) * (right - left)));
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (last < 0) return;
    const at = pick?.index ?? last;
    const next = { ArrowLeft: Math.max(0, at - 1), ArrowRight: Math.min(last, at + 1), Home: 0, End: last }[e.key];
    if (next !== undefined) {
      e.preventDefault();
      setPicked(next);
    } else if (e.key === 'Escape') setPicked(null);
  };

  return (
    <figure className="chart chart-with-legend chart-thief" data-testid="thief-chart" aria-label="Thief accuracy against queries">
      <ChartLegend items={LINES} />
      <div
        className="chart-plot thief-plot"
        ref={box}
        tabIndex={0}
        role="group"
        aria-label="The thieves' accuracy and agreement at each budget step: the arrow keys read them out"
        onFocus={() => setPicked((p) => p ?? (last >= 0 ? last : null))}
        onBlur={() => setPicked(null)}
        onKeyDown={onKey}
      >
        <svg width={width} height={height} role="img" aria-label={summary}>
          <defs>
            <clipPath id={clipId}>
              <rect x={left} y={top} width={right - left} height={bottom - top} />
            </clipPath>
          </defs>
          <g className="chart-grid" stroke="var(--grid)" strokeDasharray="3 3">
            {g.yTicks.map((t) => (
              <line key={`gy${t.label}`} x1={left} x2={right} y1={t.y} y2={t.y} />
            ))}
            {g.xTicks.map((t) => (
              <line key={`gx${t.label}`} x1={t.x} x2={t.x} y1={top} y2={bottom} />
            ))}
          </g>
          <g stroke="var(--axis)">
            <line x1={left} x2={right} y1={bottom} y2={bottom} />
            <line x1={left} x2={left} y1={top} y2={bottom} />
            {g.xTicks.map((t) => (
              <line key={`tx${t.label}`} x1={t.x} x2={t.x} y1={bottom} y2={bottom + TICK} />
            ))}
            {g.yTicks.map((t) => (
              <line key={`ty${t.label}`} x1={left - TICK} x2={left} y1={t.y} y2={t.y} />
            ))}
          </g>
          <g className="chart-tick" fill="var(--axis)">
            {g.xTicks.map((t) => (
              <text key={t.label} x={t.x} y={bottom + TICK + 2} dy="0.71em" textAnchor="middle">
                {t.label}
              </text>
            ))}
            {g.yTicks.map((t) => (
              <text key={t.label} x={left - TICK - 2} y={t.y} dy="0.355em" textAnchor="end">
                {t.label}
              </text>
            ))}
          </g>
          <text className="chart-label" x={(left + right) / 2} y={height - 10} textAnchor="middle" fill="var(--muted)">
            queries the thief paid for (log scale)
          </text>
          {/* The reference lines' labels sit inside the plot at its right end: the defender's above its line (the top margin leaves room at 100%), chance's below. */}
          {g.defender && (
            <g className="reference-defender">
              <line x1={left} x2={right} y1={g.defender.y} y2={g.defender.y} stroke="var(--identity)" strokeDasharray="4 4" />
              <text className="chart-label" x={right - 5} y={g.defender.y - 5} textAnchor="end" fill="var(--muted)" fontSize={12}>
                {g.defender.label}
              </text>
            </g>
          )}
          <g className="reference-chance">
            <line x1={left} x2={right} y1={g.chance.y} y2={g.chance.y} stroke="var(--axis)" strokeDasharray="1 3" />
            <text className="chart-label" x={right - 5} y={g.chance.y + 5} dy="0.71em" textAnchor="end" fill="var(--muted)" fontSize={12}>
              {g.chance.label}
            </text>
          </g>
          <g clipPath={`url(#${clipId})`}>
            {data.rows.length > 0 &&
              LINES.map((l) => (
                <g key={l.key} className={l.className}>
                  <path className="chart-line" d={g.lines[l.key].d} fill="none" stroke={l.color} strokeWidth={l.width ?? 1} strokeDasharray={l.dash} />
                  {l.dots &&
                    g.lines[l.key].points.map((p, i) => <circle key={i} cx={p.x} cy={p.y} r={3} fill="#fff" stroke={l.color} strokeWidth={l.width} />)}
                </g>
              ))}
          </g>
          {pick && (
            <g className="thief-pick" pointerEvents="none">
              <line x1={pick.x} x2={pick.x} y1={top} y2={bottom} stroke="var(--axis)" strokeOpacity={0.5} />
              {LINES.map((l) => (
                <circle key={l.key} cx={pick.x} cy={g.lines[l.key].points[pick.index].y} r={4} fill={l.color} stroke="var(--panel)" strokeWidth={2} />
              ))}
            </g>
          )}
          <rect x={left} y={top} width={right - left} height={bottom - top} fill="transparent" onPointerMove={onMove} onPointerLeave={() => setPicked(null)} />
        </svg>
        {pick && (
          <div
            className="thief-readout"
            data-testid="thief-readout"
            // On the side of the pick with more room, so the box never runs off the plot.
            style={pick.x > (left + right) / 2 ? { right: width - pick.x + 10, top: top + 4 } : { left: pick.x + 10, top: top + 4 }}
          >
            <strong>{queriesLabel(pick.row.queries)} queries</strong>
            {LINES.map((l) => (
              <span key={l.key} style={{ color: l.color }}>
                {l.label}: {percent(pick.row[l.key])}
              </span>
            ))}
          </div>
        )}
      </div>
    </figure>
  );
});
