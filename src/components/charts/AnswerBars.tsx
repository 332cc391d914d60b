import { memo } from 'react';
import type { AnswerBarsGeometry } from '../../store/answerBars';

/**
 * One query's answer per class: the defender's true probabilities beside the defended ones, as a
 * small SVG glyph whose geometry the selector computes (answerBarsGeometry), class labels below.
 *
 * The one chart of the app not drawn with recharts, on purpose: the strip mounts 8 of these right
 * when the first answers arrive, and a recharts BarChart (its own store, a ResizeObserver, two
 * renders) took 25–60 ms per card on this 2-core machine, and up to 190 ms for the first card while a
 * software-GPU worker shared the CPU: the run's longest main-thread tasks. This glyph renders in well
 * under a millisecond. The drawing pad's four answer cards use it too (padBarsGeometry): they redraw
 * while a run trains. The lab's reverse-sigmoid and thief charts are plain SVG for the same reason;
 * the Reproduce view's charts are recharts.
 */
export const AnswerBars = memo(function AnswerBars({ geometry, summary, className }: { geometry: AnswerBarsGeometry; summary: string; className?: string }) {
  const { width, height } = geometry.box;
  return (
    <div className={className ? `answer-bars ${className}` : 'answer-bars'} role="img" aria-label={summary}>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" aria-hidden="true">
        {geometry.bars.map((b, i) => (
          <rect key={i} className={b.faded ? `answer-bar-${b.kind} answer-bar-faded` : `answer-bar-${b.kind}`} x={b.x} y={b.y} width={b.width} height={b.height} />
        ))}
        <line className="answer-zero" x1={0} x2={width} y1={geometry.zeroY} y2={geometry.zeroY} />
      </svg>
      <div className="answer-labels" aria-hidden="true">
        {geometry.labels.map((label) => (
          <span key={label}>{label}</span>
        ))}
      </div>
    </div>
  );
});
