/**
 * Lets the page draw before the engine trains on.
 *
 * On a machine with two cores the worker's training and the page's rendering share them with the
 * browser's compositor and raster threads. When the worker posts a result (the defender's score,
 * the sample strip, a curve point) and trains on at once, the frame that shows the result competes
 * with the training for a core: on a 2-core machine the frame after Run took about twice as long
 * as in an idle page. So after such an event the engine asks the page to say when it has drawn
 * it and waits for that answer, never longer than a cap (a hidden tab draws no frames; a page that
 * never answers must not stall the run).
 */
export interface FrameGate {
  /** Posts a frame request and resolves once the page answers it, or after the cap. */
  waitForPage(runId: number): Promise<void>;
  /** The page's answer to request `requestId`; unknown or late answers are ignored. */
  drawn(requestId: number): void;
}

/** Longer than a frame on a slow laptop (about 80 ms for the frame after Run at 4× CPU throttling). */
export const FRAME_WAIT_CAP_MS = 250;

export function createFrameGate(
  post: (event: { type: 'frame-request'; runId: number; requestId: number }) => void,
  capMs = FRAME_WAIT_CAP_MS,
  timers: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void } = {
    set: (fn, ms) => setTimeout(fn, ms),
    clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): FrameGate {
  let seq = 0;
  const waiting = new Map<number, () => void>();
  return {
    waitForPage(runId) {
      const requestId = ++seq;
      return new Promise<void>((resolve) => {
        const finish = () => {
          timers.clear(timer);
          waiting.delete(requestId);
          resolve();
        };
        const timer = timers.set(finish, capMs);
        waiting.set(requestId, finish);
        post({ type: 'frame-request', runId, requestId });
      });
    },
    drawn(requestId) {
      waiting.get(requestId)?.();
    },
  };
}
