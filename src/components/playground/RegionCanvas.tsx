import { useEffect, useRef } from 'react';
import { toPicture } from '../../math/regionGrid';
import { blendPixels, CLASS_COLOURS, paintRegions } from './heatmap';

/** Pixels of the points' canvas (CSS scales it to the panel's width). */
const PICTURE = 320;
/** The cross-fade from one budget step's picture to the next: long enough to see the boundary move. */
const FADE_MS = 400;

export interface RegionPoints {
  xy: Float32Array;
  classes: Uint8Array;
}

interface Props {
  title: string;
  /** side² × K answers, or null before the first picture. */
  probs: Float32Array | null;
  side: number;
  numClasses: number;
  points?: RegionPoints | null;
  /** Drawn as rings (the data) rather than dots (the thief's queries). */
  pointStyle?: 'dot' | 'ring';
  testId: string;
  caption: string;
}

/**
 * One picture of the plane: the answers as coloured regions (a 64 × 64 image smoothed up to the
 * panel), and points on a second canvas on top. Both are drawn in animation-frame callbacks, never
 * in the render's task. A new picture fades in over FADE_MS, one blend of 16,000 bytes per frame;
 * the points (up to 1,200 marks) are drawn once per set of points, not in every frame of the fade,
 * and a re-render that brings no new answers (a slider moved) redraws nothing.
 */
export function RegionCanvas({ title, probs, side, numClasses, points = null, pointStyle = 'dot', testId, caption }: Props) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const pointsRef = useRef<HTMLCanvasElement | null>(null);
  const shown = useRef<Uint8ClampedArray | null>(null);
  const pointsXy = points?.xy ?? null;
  const pointClasses = points?.classes ?? null;

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    if (probs === null) {
      shown.current = null;
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    const image = new ImageData(side, side);
    const draw = (pixels: Uint8ClampedArray) => {
      image.data.set(pixels);
      ctx.putImageData(image, 0, 0);
      shown.current = pixels;
    };
    // The first frame paints the target and starts the fade from what was on screen then.
    let fade: { from: Uint8ClampedArray | null; target: Uint8ClampedArray; start: number } | null = null;
    let raf = 0;
    const step = (now: number) => {
      if (fade === null) {
        const target = paintRegions(probs, side, numClasses);
        const from = shown.current && shown.current.length === target.length ? shown.current : null;
        fade = { from, target, start: now };
      }
      const t = fade.from === null ? 1 : Math.min(1, (now - fade.start) / FADE_MS);
      draw(t >= 1 || fade.from === null ? fade.target : blendPixels(fade.from, fade.target, t));
      if (t < 1) raf = requestAnimationFrame(step);
      else canvas.dataset.frameDrawn = String(Date.now());
    };
    raf = requestAnimationFrame(step);
    // A newer picture starts from what is on screen, not from where this fade was heading.
    return () => cancelAnimationFrame(raf);
  }, [probs, side, numClasses]);

  useEffect(() => {
    const canvas = pointsRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const raf = requestAnimationFrame(() => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      if (pointsXy && pointClasses) drawPoints(ctx, { xy: pointsXy, classes: pointClasses }, pointStyle, canvas.width, canvas.height);
    });
    return () => cancelAnimationFrame(raf);
  }, [pointsXy, pointClasses, pointStyle]);

  return (
    <figure className="region-panel">
      {/* Title above and words below the picture: captions of different lengths leave the four pictures level. */}
      <strong className="region-title">{title}</strong>
      <div className="region-picture">
        {/* One canvas pixel per cell, smoothed up to the panel by the browser: a 64 × 64 canvas
            is cheap to hand to the compositor, where a 320 × 320 one scaled up by drawImage cost
            the page a synchronous GPU flush per picture per frame. */}
        <canvas
          ref={canvasRef}
          width={side}
          height={side}
          data-testid={testId}
          data-points={points ? points.classes.length : 0}
          role="img"
          aria-label={`${title}: ${caption}`}
        />
        <canvas ref={pointsRef} className="region-points" width={PICTURE} height={PICTURE} data-testid={`${testId}-points`} aria-hidden="true" />
      </div>
      {probs === null && <p className="region-empty">Run the theft to draw the regions.</p>}
      <figcaption className="region-caption">{caption}</figcaption>
    </figure>
  );
}

function drawPoints(ctx: CanvasRenderingContext2D, points: RegionPoints, style: 'dot' | 'ring', width: number, height: number) {
  const n = points.classes.length;
  // Many points get smaller marks, so 1,200 queries do not hide the regions under them.
  const r = n > 800 ? 2 : n > 300 ? 2.5 : 3.2;
  ctx.lineWidth = style === 'ring' ? 1.2 : 0.8;
  for (let i = 0; i < n; i++) {
    const [px, py] = toPicture(points.xy[2 * i], points.xy[2 * i + 1], width, height);
    const [cr, cg, cb] = CLASS_COLOURS[points.classes[i]] ?? [0, 0, 0];
    ctx.beginPath();
    ctx.arc(px, py, r, 0, 2 * Math.PI);
    if (style === 'ring') {
      // A dark halo under the coloured ring: on its own class's region a bare ring would vanish.
      ctx.lineWidth = 2.6;
      ctx.strokeStyle = 'rgb(20 20 20 / 0.55)';
      ctx.stroke();
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = `rgb(${cr} ${cg} ${cb})`;
      ctx.stroke();
    } else {
      ctx.fillStyle = `rgb(${cr} ${cg} ${cb})`;
      ctx.fill();
      ctx.strokeStyle = 'rgb(20 20 20)';
      ctx.stroke();
    }
  }
}
