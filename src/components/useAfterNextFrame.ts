import { useEffect, useState } from 'react';
import { afterNextFrame } from '../store/afterNextFrame';

/**
 * `value`, but a change shows one frame later. For what need not change in the same frame as
 * the click that caused it: on Run, greying out the settings (restyling every select and its
 * options) in the frame after the one that shows the run has started splits one long main-thread
 * task in two shorter ones, and no one can use a setting within one frame anyway.
 */
export function useAfterNextFrame<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    let current = true;
    afterNextFrame(() => {
      if (current) setShown(value);
    });
    return () => {
      current = false;
    };
  }, [value, shown]);
  return shown;
}
