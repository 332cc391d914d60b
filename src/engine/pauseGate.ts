/**
 * Pause and resume for a run. The run calls `hold()` at its checkpoints (between training steps):
 * while the gate is paused, `hold()` waits until it is resumed, or until `wake()` (a stop, or a
 * drawing-pad request to answer) lets the caller look at the world and call `hold()` again.
 *
 * `activeMs(now)` is the run's clock with the paused time taken out, so progress ETAs and the
 * summary's wall time count only time spent working.
 */
export interface PauseGate {
  readonly paused: boolean;
  /** Returns false when already paused. */
  pause(now: number): boolean;
  /** Returns false when not paused. */
  resume(now: number): boolean;
  /** Wakes a waiting `hold()` without resuming. */
  wake(): void;
  /** Resolves at once when not paused; otherwise on resume or wake. */
  hold(): Promise<void>;
  /** `now` minus every paused interval so far (the current one included). */
  activeMs(now: number): number;
  /** Total paused time up to `now`. */
  pausedMs(now: number): number;
}

export function createPauseGate(): PauseGate {
  let pausedAt: number | null = null;
  let pausedTotal = 0;
  let waiters: (() => void)[] = [];
  const release = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const pausedMs = (now: number) => pausedTotal + (pausedAt === null ? 0 : Math.max(0, now - pausedAt));
  return {
    get paused() {
      return pausedAt !== null;
    },
    pause(now) {
      if (pausedAt !== null) return false;
      pausedAt = now;
      return true;
    },
    resume(now) {
      if (pausedAt === null) return false;
      pausedTotal += Math.max(0, now - pausedAt);
      pausedAt = null;
      release();
      return true;
    },
    wake: release,
    hold() {
      if (pausedAt === null) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    pausedMs,
    activeMs: (now) => now - pausedMs(now),
  };
}

/**
 * The run's checkpoint yield with pause built in: after `base()` (one turn of the event loop, so
 * queued commands arrive), and while the gate is paused and the run not cancelled, it waits on the
 * gate. `between()` runs after every wake-up (the worker answers drawing-pad requests there).
 */
export function pausableYield(
  gate: PauseGate,
  isCancelled: () => boolean,
  base: () => Promise<void>,
  between: () => Promise<void> = () => Promise.resolve(),
): () => Promise<void> {
  return async () => {
    await base();
    await between();
    while (gate.paused && !isCancelled()) {
      await gate.hold();
      await between();
    }
  };
}
