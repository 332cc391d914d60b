import { useCallback, useEffect, useRef, type PointerEvent } from 'react';
import { prepareDrawing, rgbaToInk } from '../math/drawing';
import { describeDefense } from '../store/describeDefense';
import { selectPadPreview, selectPadView } from '../store/padView';
import { AnswerBars } from './charts/AnswerBars';
import { DigitImage } from './DigitImage';
import { useApp } from './storeContext';

const SIZE = 280;
/** Brush width in canvas pixels: about 2.5 px once a 200 px digit is scaled to MNIST's 20 px box. */
const BRUSH = 22;
/** At most one request per this many ms while drawing (the last stroke is always sent). */
const THROTTLE_MS = 150;

function context(canvas: HTMLCanvasElement | null): CanvasRenderingContext2D | null {
  return canvas?.getContext('2d', { willReadFrequently: true }) ?? null;
}

function blank(ctx: CanvasRenderingContext2D) {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, SIZE, SIZE);
}

/** Paints a 28×28 image (values 0–1, white on black) over the whole pad, smoothed like a pen stroke. */
function paintImage(ctx: CanvasRenderingContext2D, pixels: number[]) {
  const small = document.createElement('canvas');
  small.width = 28;
  small.height = 28;
  const sctx = small.getContext('2d');
  if (!sctx) return;
  const img = sctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[i] ?? 0)));
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  blank(ctx);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, SIZE, SIZE);
}

/**
 * The drawing pad: a student draws a digit (mouse, touch or pen; "Use a test image" for the
 * keyboard) and sees, live, the defender's answer, the defended answer under the current defense
 * settings, and the latest run's two thieves' answers.
 */
export function DrawingPad() {
  const pad = useApp((s) => s.pad);
  const params = useApp((s) => s.params);
  // Derived in the selector (memoised), not from the whole run: progress events must not re-render the pad.
  const view = useApp((s) => selectPadView(s.pad, s.run, s.params));
  const finishedRun = useApp((s) => (s.run.status === 'done' ? s.run.runId : -1));
  // While a run trains: one key per budget step, so the pad asks again and the thieves' answers
  // follow their training. With nothing on the pad (no drawing, no test image) there is nothing to
  // ask (refreshPad asks only about a source), and the pad does not re-render with each point.
  const runStep = useApp((s) => (s.run.status === 'running' && s.pad.source ? `${s.run.runId}:${s.run.points.length}` : ''));
  const ready = useApp((s) => s.engine.state === 'ready');
  const classifyDrawing = useApp((s) => s.classifyDrawing);
  const classifyTestImage = useApp((s) => s.classifyTestImage);
  const refreshPad = useApp((s) => s.refreshPad);
  const clearPad = useApp((s) => s.clearPad);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const timer = useRef<number | null>(null);
  const lastSent = useRef(-Infinity);

  useEffect(() => {
    const ctx = context(canvasRef.current);
    if (ctx) blank(ctx);
    return () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    };
  }, []);

  /** Reads the canvas, prepares the 28×28 input the MNIST way, and asks the engine. */
  const send = useCallback(() => {
    const ctx = context(canvasRef.current);
    if (!ctx) return;
    const { pixels, empty } = prepareDrawing(rgbaToInk(ctx.getImageData(0, 0, SIZE, SIZE).data), SIZE, SIZE);
    if (empty) clearPad();
    else classifyDrawing(Array.from(pixels));
  }, [classifyDrawing, clearPad]);

  const schedule = useCallback(() => {
    if (timer.current !== null) return;
    const wait = Math.max(0, lastSent.current + THROTTLE_MS - performance.now());
    timer.current = window.setTimeout(() => {
      timer.current = null;
      lastSent.current = performance.now();
      send();
    }, wait);
  }, [send]);

  // A test image arrived: show it on the pad (the student may draw over it).
  const source = pad.source;
  const pixels = pad.pixels;
  useEffect(() => {
    const ctx = context(canvasRef.current);
    if (ctx && source?.kind === 'test' && source.label !== null && pixels) paintImage(ctx, pixels);
  }, [source, pixels]);

  // New defense settings (or another defender), a running run's next budget step, or a finished
  // run's thieves: ask again.
  const defenseKey = `${describeDefense(params)}|${params.dataset}|${params.seed}|${params.defenderEpochs}|${params.renorm}|${params.epsDirection}`;
  useEffect(() => {
    refreshPad();
  }, [defenseKey, finishedRun, runStep, refreshPad]);

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) * SIZE) / rect.width, y: ((e.clientY - rect.top) * SIZE) / rect.height };
  };

  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const ctx = context(canvasRef.current);
    if (!ctx) return;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = BRUSH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = point(e);
    last.current = p;
    stroke(p, p); // a click leaves a dot
    schedule();
  };

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!last.current) return;
    // Coalesced events keep fast strokes smooth (one pointermove per frame carries several points).
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    const rect = e.currentTarget.getBoundingClientRect();
    const points = (events.length ? events : [e.nativeEvent]).map((ev) => ({
      x: ((ev.clientX - rect.left) * SIZE) / rect.width,
      y: ((ev.clientY - rect.top) * SIZE) / rect.height,
    }));
    for (const p of points) {
      stroke(last.current, p);
      last.current = p;
    }
    schedule();
  };

  const onPointerEnd = () => {
    if (!last.current) return;
    last.current = null;
    schedule();
  };

  const clear = () => {
    const ctx = context(canvasRef.current);
    if (ctx) blank(ctx);
    if (timer.current !== null) {
      window.clearTimeout(timer.current);
      timer.current = null;
    }
    clearPad();
  };

  const nextTestIndex = pad.source?.kind === 'test' ? pad.source.index + 1 : 0;
  const fashion = params.dataset === 'fashion-mnist';
  const status =
    pad.status === 'error' && pad.error
      ? null
      : !pad.source
        ? fashion
          ? 'Draw a piece of clothing in the black square (or use a test image): the answers appear here as you draw.'
          : 'Draw a digit in the black square (or use a test image): the answers appear here as you draw.'
        : pad.status === 'waiting'
          ? 'Waiting for the engine to start…'
          : pad.status === 'loading' && !pad.result
            ? 'Asking the defender…'
            : null;

  return (
    <section className="panel pad-panel" aria-labelledby="pad-title" data-testid="drawing-pad">
      <header className="panel-head">
        <h2 id="pad-title">{fashion ? 'Draw a piece of clothing' : 'Draw a digit'}</h2>
        <p className="lede">
          Your drawing is scaled to 28×28 the way MNIST was made and sent to the defender. See its honest answer, what the
          defense returns with the settings above, and what each thief answers: live while a run trains, then the finished run’s.
        </p>
      </header>
      <div className="panel-body pad-layout">
        <div className="pad-input">
          <canvas
            ref={canvasRef}
            width={SIZE}
            height={SIZE}
            className="pad-canvas"
            role="img"
            aria-label="Drawing pad: draw with the mouse, a finger or a pen. Keyboard users: press Use a test image."
            data-testid="pad-canvas"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerEnd}
            onPointerCancel={onPointerEnd}
          />
          <div className="pad-buttons">
            <button type="button" onClick={clear}>
              Clear
            </button>
            <button type="button" onClick={() => classifyTestImage(nextTestIndex)} disabled={!ready}>
              {pad.source?.kind === 'test' ? 'Another test image' : 'Use a test image'}
            </button>
          </div>
          {pad.pixels && (
            <p className="pad-preview hint">
              <DigitImage pixels={selectPadPreview(pad.pixels)} label="The 28×28 image the models see" size={56} />
              <span>
                What the models see: 28×28.
                {pad.source?.kind === 'test' && pad.source.label !== null && (
                  <>
                    {' '}
                    Test image {pad.source.index + 1}, true class <strong data-testid="pad-true-label">{pad.source.label}</strong>.
                  </>
                )}
              </span>
            </p>
          )}
        </div>
        <div className="pad-answers" data-testid="pad-answers" data-status={pad.status}>
          {status && <p className="hint pad-status">{status}</p>}
          {pad.status === 'error' && pad.error && (
            <p className="warning" role="status">
              {pad.error.message} {pad.error.hint}
            </p>
          )}
          {(view.cards.length > 0 || view.thievesNote) && (
            <ul className="pad-cards" aria-live="polite">
              {view.cards.map((c) => (
                <li key={c.id} className={`pad-card pad-card-${c.tone}`} data-testid={`pad-${c.id}`}>
                  <span className="pad-card-title">{c.title}</span>
                  <span className="pad-card-subtitle">{c.subtitle}</span>
                  <span className="pad-top">
                    <strong data-testid={`pad-top-${c.id}`}>{c.topName}</strong>
                    <span className="pad-top-p">{(c.topP * 100).toFixed(0)}%</span>
                  </span>
                  <AnswerBars geometry={c.geometry} summary={`${c.title}: ${c.topName}, ${(c.topP * 100).toFixed(0)}%`} className="pad-bars" />
                </li>
              ))}
              {view.thievesNote && view.cards.length > 0 && (
                <li className="pad-card pad-note" data-testid="pad-thieves-note">
                  {view.thievesNote}
                </li>
              )}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
