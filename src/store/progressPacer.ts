/**
 * Paces the engine's progress updates onto the page. The engine reports a phase's progress four
 * times a second; each update the store takes re-renders the progress bar and its ETA, and the
 * browser then restyles, lays out, paints and commits a frame for it: a few milliseconds of the
 * main thread each time, which made progress the page's most frequent work during a run. A bar
 * that moves once a second reads the same to a person.
 *
 * The first update after a quiet second is shown at once; later ones within the second are held,
 * the newest replacing the older, and shown when the second ends. No clock is read: each shown
 * update opens a one-second window with a timer, so fake timers test it exactly.
 */
import type { Timers } from './replay';

/** At most one progress update per this many milliseconds reaches the screen. */
export const PROGRESS_EVERY_MS = 1000;

export interface ProgressPacer<T> {
  /** A new update: shown now if no window is open, else held until the window closes. */
  offer(update: T): void;
  /** Hands over the held update (null if none), so it can be shown together with another change. */
  take(): T | null;
  /** Drops any held update and closes the window: the next update is shown at once (a new phase, a new run). */
  reset(): void;
}

export function createProgressPacer<T>(show: (update: T) => void, timers: Timers, everyMs: number = PROGRESS_EVERY_MS): ProgressPacer<T> {
  // Wrapped, so an update that is itself falsy is still told apart from "nothing held".
  let held: { update: T } | null = null;
  let window: unknown = null;

  const open = () => {
    window = timers.setTimeout(close, everyMs);
  };
  const close = () => {
    window = null;
    if (held === null) return;
    const { update } = held;
    held = null;
    open();
    show(update);
  };

  return {
    offer(update) {
      if (window !== null) {
        held = { update };
        return;
      }
      open();
      show(update);
    },
    take() {
      const out = held;
      held = null;
      return out ? out.update : null;
    },
    reset() {
      held = null;
      if (window !== null) timers.clearTimeout(window);
      window = null;
    },
  };
}
