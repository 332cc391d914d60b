import { useEffect, useState } from 'react';
import { afterNextFrame } from '../store/afterNextFrame';
import type { AppState } from '../store/appStore';
import { useAppStore } from './storeContext';

/**
 * A slice of the app store, like useApp, but a change shows one frame later, and the component
 * renders once for it, in that later frame. For what need not change in the frame of the click that
 * caused it: on Run, greying out the settings (re-rendering the panel, restyling every select and
 * its options) after the frame that shows the run has started splits one long main-thread task in
 * two shorter ones, and no one can use a setting within one frame anyway.
 *
 * `selector` must be the same function on every render (declare it at module level).
 */
export function useAppAfterNextFrame<T>(selector: (state: AppState) => T): T {
  const store = useAppStore();
  const [shown, setShown] = useState(() => selector(store.getState()));
  useEffect(() => {
    let latest = selector(store.getState());
    let scheduled = false;
    let live = true;
    const show = () => {
      scheduled = false;
      if (live) setShown(() => latest);
    };
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      afterNextFrame(show);
    };
    // A change between the render and this effect is shown too.
    schedule();
    const unsubscribe = store.subscribe((state) => {
      const value = selector(state);
      if (Object.is(value, latest)) return;
      latest = value;
      schedule();
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [store, selector]);
  return shown;
}
