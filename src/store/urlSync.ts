/**
 * Keeps the URL hash and the store's parameters in step. Writes use history.replaceState,
 * debounced, so dragging a slider does not flood the back button; a hash edited by hand (or a
 * pasted link) is read back on `hashchange`.
 */
import { parseHash, toHash } from '../params/codec';
import type { AppStore } from './appStore';

export interface LocationLike {
  readonly hash: string;
  readonly href: string;
}

export interface UrlEnv {
  location: LocationLike;
  replaceHash(hash: string): void;
  onHashChange(listener: () => void): () => void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export function browserUrlEnv(): UrlEnv {
  return {
    location: window.location,
    replaceHash(hash) {
      const url = new URL(window.location.href);
      url.hash = hash;
      history.replaceState(history.state, '', url.href);
    },
    onHashChange(listener) {
      window.addEventListener('hashchange', listener);
      return () => window.removeEventListener('hashchange', listener);
    },
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (h) => window.clearTimeout(h as number),
  };
}

export const URL_WRITE_DELAY_MS = 250;

/** Starts syncing; returns a function that stops it. */
export function syncUrl(store: AppStore, env: UrlEnv): () => void {
  let pending: unknown = null;
  let lastWritten = env.location.hash;

  const unsubscribeStore = store.subscribe((state, prev) => {
    if (state.params === prev.params) return;
    if (pending !== null) env.clearTimeout(pending);
    pending = env.setTimeout(() => {
      pending = null;
      const hash = toHash(store.getState().params);
      if (hash !== lastWritten) {
        lastWritten = hash;
        env.replaceHash(hash);
      }
    }, URL_WRITE_DELAY_MS);
  });

  const unsubscribeHash = env.onHashChange(() => {
    if (env.location.hash === lastWritten) return;
    lastWritten = env.location.hash;
    const { params, issues } = parseHash(env.location.hash);
    store.getState().replaceParams(params, issues);
  });

  return () => {
    if (pending !== null) env.clearTimeout(pending);
    unsubscribeStore();
    unsubscribeHash();
  };
}
