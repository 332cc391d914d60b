import { useEffect } from 'react';
import { useApp } from './storeContext';

/** Typing in a field must not toggle full screen. */
function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));
}

/**
 * Presenter mode on and off (it is `present=1` in the link), and F for full screen while it is on.
 * A refused full-screen request (an iframe without permission) is said on the page.
 */
export function PresenterToggle() {
  const present = useApp((s) => s.params.present === 1);
  const setNumber = useApp((s) => s.setNumber);
  const notify = useApp((s) => s.notify);
  useEffect(() => {
    if (!present) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'f' && e.key !== 'F') return;
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const request = document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen();
      request.catch((err: unknown) => notify(`Full screen was refused by the browser (${err instanceof Error ? err.message : String(err)}); press F11 instead.`));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [present, notify]);
  return (
    <button
      type="button"
      className="presenter-toggle"
      aria-pressed={present}
      onClick={() => setNumber('present', present ? 0 : 1)}
      title={present ? 'Back to the full lab' : 'Larger type and thicker lines for a projector; F for full screen'}
    >
      {present ? 'Leave presenter mode' : 'Presenter mode'}
    </button>
  );
}
