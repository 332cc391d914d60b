/**
 * The app's one store (zustand, vanilla so it is testable without React). A factory rather
 * than a module singleton, so every test starts from a fresh store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_PARAMS, PARAMS, coerceNumberParam, type NumberParamKey, type ParamKey, type Params } from '../params/schema';
import type { LinkIssue } from '../params/codec';
import type { BackendAttempt, BackendName, EngineEvent } from '../engine/protocol';

export type EngineStatus =
  | { state: 'starting' }
  | {
      state: 'ready';
      backend: BackendName;
      device: string;
      attempts: BackendAttempt[];
      tfVersion: string;
    }
  | { state: 'failed'; message: string; hint: string };

export interface Notice {
  id: number;
  kind: 'warning' | 'error';
  text: string;
}

export interface AppState {
  params: Params;
  engine: EngineStatus;
  notices: Notice[];
  setNumber(key: NumberParamKey, value: number): void;
  setEnum<K extends Exclude<ParamKey, NumberParamKey>>(key: K, value: Params[K]): void;
  resetParam(key: ParamKey): void;
  replaceParams(params: Params, issues?: LinkIssue[]): void;
  applyEngineEvent(event: EngineEvent): void;
  dismissNotice(id: number): void;
}

export type AppStore = StoreApi<AppState>;

let noticeSeq = 0;

export function createAppStore(initial: Params = DEFAULT_PARAMS, initialIssues: LinkIssue[] = []): AppStore {
  return createStore<AppState>()((set, get) => {
    const warn = (text: string, kind: Notice['kind'] = 'warning') =>
      set((s) => ({ notices: [...s.notices.filter((n) => n.text !== text), { id: ++noticeSeq, kind, text }] }));

    return {
      params: { ...initial },
      engine: { state: 'starting' },
      notices: initialIssues.map((i) => ({ id: ++noticeSeq, kind: 'warning' as const, text: i.message })),

      setNumber(key, value) {
        const coerced = coerceNumberParam(key, value);
        if (coerced === null) {
          // A cleared or garbled number box: keep the last good value, say why.
          warn(`${PARAMS[key].word}: "${String(value)}" is not a number; kept ${get().params[key]}.`);
          return;
        }
        if (coerced === get().params[key]) return;
        set((s) => ({ params: { ...s.params, [key]: coerced } }));
      },

      setEnum(key, value) {
        const spec = PARAMS[key];
        if (!(spec.options as readonly string[]).includes(value)) {
          warn(`${spec.word}: "${String(value)}" is not a valid choice.`);
          return;
        }
        if (get().params[key] === value) return;
        set((s) => ({ params: { ...s.params, [key]: value } }));
      },

      resetParam(key) {
        set((s) => ({ params: { ...s.params, [key]: DEFAULT_PARAMS[key] } }));
      },

      replaceParams(params, issues = []) {
        set((s) => ({
          params: { ...params },
          notices: [...s.notices, ...issues.map((i) => ({ id: ++noticeSeq, kind: 'warning' as const, text: i.message }))],
        }));
      },

      applyEngineEvent(event) {
        switch (event.type) {
          case 'ready':
            set({
              engine: {
                state: 'ready',
                backend: event.backend,
                device: event.device,
                attempts: event.attempts,
                tfVersion: event.tfVersion,
              },
            });
            return;
          case 'error':
            if (event.phase === 'init') set({ engine: { state: 'failed', message: event.message, hint: event.hint } });
            else warn(`${event.message} — ${event.hint}`, 'error');
            return;
          case 'pong':
            return;
          default: {
            const unhandled: never = event;
            throw new Error(`unhandled engine event ${JSON.stringify(unhandled)}`);
          }
        }
      },

      dismissNotice(id) {
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },
    };
  });
}
