import { startTransition, useEffect, useState } from 'react';

interface Staggered<T> {
  /** The list being handed over. */
  source: readonly T[];
  /** How many of its items are shown so far. */
  count: number;
  /** What was on screen when `source` arrived: shown in the slots not yet handed over. */
  previous: readonly (T | undefined)[];
}

/**
 * Hands a list to the page one item per animation frame.
 *
 * Mounting eight small recharts at once after a 'samples' event blocked the main thread for
 * 100–480 ms (the longest task of a run, measured by `npm run bench`). Rendering one card per frame
 * keeps each task short, and each card renders as a transition (time-sliced). A slot not yet handed over keeps what it showed before (a new batch swaps in
 * card by card instead of blanking the strip), or is `undefined` when it showed nothing: the caller draws
 * a placeholder of the same size there, so nothing shifts.
 */
export function useStaggered<T>(items: readonly T[]): (T | undefined)[] {
  const [state, setState] = useState<Staggered<T>>({ source: items, count: 0, previous: [] });
  let current = state;
  if (state.source !== items) {
    // A new list: remember what is on screen (React's "adjust state while rendering" pattern).
    current = { source: items, count: 0, previous: shownOf(state) };
    setState(current);
  }
  useEffect(() => {
    let frame = 0;
    let handed = 0;
    const step = () => {
      handed += 1;
      // A transition: React renders it in 5 ms slices, yielding to input and to the worker's events.
      startTransition(() => setState((s) => (s.source === items && s.count < handed ? { ...s, count: handed } : s)));
      if (handed < items.length) frame = requestAnimationFrame(step);
    };
    if (items.length > 0) frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
  }, [items]);
  return shownOf(current);
}

function shownOf<T>({ source, count, previous }: Staggered<T>): (T | undefined)[] {
  return source.map((item, i) => (i < count ? item : previous[i]));
}
