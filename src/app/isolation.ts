/**
 * Cross-origin isolation from a static host. The threaded WASM build needs SharedArrayBuffer, which a
 * page gets only when its own response carried COOP/COEP headers; a static host may not let us set
 * headers, so a service worker adds them (coi-serviceworker.js, the `coi-serviceworker` package,
 * copied beside index.html by `npm run prepare-data`). Its headers apply from the next load of the
 * page on: the first visit reloads once, at once, but only while nothing has happened on the page (no
 * key or pointer pressed, no run started); otherwise the next visit is isolated. Servers that send the
 * headers themselves (our dev and preview servers) need none of this.
 */

/** Set for this tab once it has reloaded for isolation: never a second time, whatever happens. */
const RELOADED_KEY = 'model-theft-lab:isolation-reload';

/**
 * Records the one reload of this tab; false when it has reloaded already, or when the tab cannot
 * remember it (storage blocked): then it never reloads, so it can never reload in a loop.
 */
function markReload(): boolean {
  try {
    if (sessionStorage.getItem(RELOADED_KEY) !== null) return false;
    sessionStorage.setItem(RELOADED_KEY, new Date().toISOString());
    return sessionStorage.getItem(RELOADED_KEY) !== null;
  } catch {
    return false;
  }
}

export interface IsolationEnv {
  /** Whether reloading now loses nothing: no input yet, no run. */
  canReload(): boolean;
  /** A failure, for the page's notices. */
  warn(text: string): void;
}

export function isolateWithServiceWorker(env: IsolationEnv): void {
  if (window.crossOriginIsolated !== false || !window.isSecureContext || !('serviceWorker' in navigator)) return;
  let touched = false;
  const touch = () => {
    touched = true;
  };
  window.addEventListener('pointerdown', touch, { once: true, capture: true });
  window.addEventListener('keydown', touch, { once: true, capture: true });
  navigator.serviceWorker
    .register(new URL('coi-serviceworker.js', document.baseURI))
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      if (touched || !env.canReload() || !markReload()) return;
      window.location.reload();
    })
    .catch((e: unknown) =>
      env.warn(`Training runs on one CPU thread: the service worker that would let this page use every core could not start (${e instanceof Error ? e.message : String(e)}). Everything else works.`),
    );
}
