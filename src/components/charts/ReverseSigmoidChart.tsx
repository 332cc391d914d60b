import { memo, useId, useState, type PointerEvent } from 'react';
import { ChartLegend, type LegendItem } from './ChartLegend';
import type { ReverseSigmoidChartData } from '../../store/reverseSigmoidChart';
import type { ReverseSigmoidPoint } from '../../math/curves';
import { useMeasuredBox } from './useMeasuredBox';

/**
 * Fig. 1 of the reverse-sigmoid paper, live, drawn as plain SVG. This chart is what a student
 * moves first on a fresh page, so it draws in the page's first render: the charting library's
 * responsive container measures first and draws a frame later, and its first draw of these
 * four 401-point lines took about 150 ms of the main thread here, after the page had painted.
 * Four paths, two axes and a grid need none of that.
 */

/** In drawing order, styled as the lines below. */
const LINES: readonly (LegendItem & { key: Exclude<keyof ReverseSigmoidPoint, 'y'> | 'y'; className: string })[] = [
  { key: 'y', label: 'y (no defense)', color: 'var(--identity)', kind: 'line', dash: '2 4', className: 'line-identity' },
  { key: 'unnormalized', label: 'y − r(y): defended, before normalising', color: 'var(--defended)', kind: 'line', width: 2.5, className: 'line-unnormalized' },
  { key: 'r', label: 'r(y): the perturbation', color: 'var(--perturbation)', kind: 'line', dash: '6 3', className: 'line-perturbation' },
  { key: 'normalized', label: 'ŷ: defended answer (10 classes, normalised)', color: 'var(--normalized)', kind: 'line', className: 'line-normalized' },
];

const X_TICKS = [0, 0.25, 0.5, 0.75, 1];
const MARGIN = { top: 8, right: 16, bottom: 44, left: 48 };
/** Before the plot box is measured (and in tests without layout): a typical size. */
const DEFAULT_SIZE = { width: 600, height: 340 };
const fmt = (v: number) => v.toFixed(2);

export const ReverseSigmoidChart = memo(function ReverseSigmoidChart({ data }: { data: ReverseSigmoidChartData }) {
  const { box, size } = useMeasuredBox(DEFAULT_SIZE);
  const [hover, setHover] = useState<number | null>(null);

  const { width, height } = size;
  const left = MARGIN.left;
  const right = Math.max(left + 10, width - MARGIN.right);
  const top = MARGIN.top;
  const bottom = Math.max(top + 10, height - MARGIN.bottom);
  const [y0, y1] = data.yDomain;
  const sx = (v: number) => left + v * (right - left);
  const sy = (v: number) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
  const pathOf = (key: (typeof LINES)[number]['key']) => data.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.y).toFixed(1)},${sy(p[key]).toFixed(1)}`).join('');
  const clipId = `rs-clip-${useId().replace(/:/g, '')}`;

  const onMove = (e: PointerEvent<SVGRectElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const y = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
    setHover(Math.round(y * (data.points.length - 1)));
  };
  const shown = hover !== null ? data.points[Math.min(hover, data.points.length - 1)] : null;

  return (
    <figure className="chart chart-with-legend" data-testid="reverse-sigmoid-chart" aria-label="Reverse sigmoid curves">
      <ChartLegend items={LINES} />
      <div className="chart-plot rs-plot" ref={box}>
        <svg width={width} height={height} role="img" aria-label={`The defended value y − r(y), the perturbation r(y) and the normalised answer ŷ against the true probability y, at the β and γ set above`}>
          <defs>
            <clipPath id={clipId}>
              <rect x={left} y={top} width={right - left} height={bottom - top} />
            </clipPath>
          </defs>
          {X_TICKS.map((t) => (
            <line key={`gx${t}`} x1={sx(t)} x2={sx(t)} y1={top} y2={bottom} stroke="var(--grid)" strokeDasharray="3 3" />
          ))}
          {data.yTicks.map((t) => (
            <line key={`gy${t}`} x1={left} x2={right} y1={sy(t)} y2={sy(t)} stroke="var(--grid)" strokeDasharray="3 3" />
          ))}
          <g clipPath={`url(#${clipId})`}>
            {data.ambiguous.map((band) => (
              <rect
                key={`${band.from}-${band.to}`}
                className="ambiguous-band"
                x={left}
                width={right - left}
                y={sy(Math.min(y1, band.to))}
                height={Math.max(1, sy(Math.max(y0, band.from)) - sy(Math.min(y1, band.to)))}
                fill="var(--ambiguous)"
                fillOpacity={0.35}
              />
            ))}
            <line x1={left} x2={right} y1={sy(0)} y2={sy(0)} stroke="var(--axis)" />
            {LINES.map((l) => (
              <g key={l.key} className={l.className}>
                <path d={pathOf(l.key)} fill="none" stroke={l.color} strokeWidth={l.width ?? 2} strokeDasharray={l.dash} className="chart-line" />
              </g>
            ))}
          </g>
          <line x1={left} x2={right} y1={bottom} y2={bottom} stroke="var(--axis)" />
          <line x1={left} x2={left} y1={top} y2={bottom} stroke="var(--axis)" />
          <g fill="var(--axis)" fontSize={12}>
            {X_TICKS.map((t) => (
              <text key={`tx${t}`} x={sx(t)} y={bottom + 16} textAnchor="middle">
                {fmt(t)}
              </text>
            ))}
            {data.yTicks.map((t) => (
              <text key={`ty${t}`} x={left - 6} y={sy(t) + 4} textAnchor="end">
                {fmt(t)}
              </text>
            ))}
          </g>
          <text x={(left + right) / 2} y={height - 6} textAnchor="middle" fill="var(--muted)" fontSize={13}>
            true probability y of one class
          </text>
          {shown && (
            <g className="rs-hover" pointerEvents="none">
              <line x1={sx(shown.y)} x2={sx(shown.y)} y1={top} y2={bottom} stroke="var(--axis)" />
              {LINES.slice(1).map((l) => (
                <circle key={l.key} cx={sx(shown.y)} cy={sy(shown[l.key])} r={3.5} fill={l.color} />
              ))}
            </g>
          )}
          <rect x={left} y={top} width={right - left} height={bottom - top} fill="transparent" onPointerMove={onMove} onPointerLeave={() => setHover(null)} />
        </svg>
        {shown && (
          <div className="rs-readout" data-testid="rs-readout" style={{ left: Math.min(sx(shown.y) + 10, width - 190), top: top + 4 }}>
            <strong>y = {shown.y.toFixed(3)}</strong>
            {LINES.slice(1).map((l) => (
              <span key={l.key} style={{ color: l.color }}>
                {l.label.split(':')[0]} = {shown[l.key].toFixed(3)}
              </span>
            ))}
          </div>
        )}
      </div>
    </figure>
  );
});
