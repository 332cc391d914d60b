/**
 * The typed messages between the page and the engine worker. Both sides import this file;
 * the UI layers import it with `import type` only (lint-enforced), so no tfjs code crosses.
 * Only plain numbers and strings travel: never tensors, never whole histories.
 */
import type { BackendPreference } from '../params/schema';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** One backend the engine tried, and why it was or was not taken. */
export interface BackendAttempt {
  backend: BackendName;
  /** 'ok': initialised and chosen; 'skipped': works but deliberately passed over; 'failed': init failed. */
  outcome: 'ok' | 'skipped' | 'failed' | 'untried';
  reason: string;
  /** Time spent initialising, in milliseconds. */
  initMs: number;
}

export type Command =
  | {
      type: 'init';
      /** Absolute URL of the site's root folder (where data/ and wasm/ live), ending in '/'. */
      assetsBaseUrl: string;
      backend: BackendPreference;
    }
  | { type: 'ping'; sentAt: number };

export type EngineEvent =
  | {
      type: 'ready';
      backend: BackendName;
      /** Adapter/renderer description when the backend reports one, e.g. 'SwiftShader'. */
      device: string;
      attempts: BackendAttempt[];
      tfVersion: string;
      numTensors: number;
    }
  | { type: 'pong'; sentAt: number }
  | { type: 'error'; phase: 'init' | 'run'; message: string; hint: string };

/** Exhaustiveness helper for `switch` over the unions above. */
export function assertNever(x: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(x)}`);
}
