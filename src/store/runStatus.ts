import type { AppState } from './appStore';

/** A run is on: the engine's, or a recording replaying. */
export const selectRunning = (s: AppState): boolean => s.run.status === 'running';

/** The engine is training a run (a replay of a recording does not count). */
export const selectLiveRunning = (s: AppState): boolean => s.run.status === 'running' && !s.run.replay;
