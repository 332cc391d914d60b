/**
 * Plays a recorded run into the lab's own run state: the same events a live run sends (the
 * defender, the thief strip, one point per budget step, the summary), in the same order, so the
 * charts, tables and notes draw exactly as they did live. Nothing here talks to the worker: a
 * replay never trains.
 */
import type { EngineEvent } from '../engine/protocol';
import type { RecordedRun } from './recordedRun';
import type { RunState } from './appStore';

export type ReplayEvent = Extract<EngineEvent, { type: 'defender' | 'samples' | 'point' | 'done' }>;

/** How fast a replay plays: the pause between two budget steps. */
export const REPLAY_SPEEDS = {
  fast: { label: 'fast (a step every 0.15 s)', msPerStep: 150 },
  class: { label: 'class pace (a step every 1.5 s)', msPerStep: 1500 },
  instant: { label: 'at once', msPerStep: 0 },
} as const;
export type ReplaySpeed = keyof typeof REPLAY_SPEEDS;

export function replayEvents(r: RecordedRun, runId: number): ReplayEvent[] {
  return [
    { type: 'defender', runId, source: r.defender.source, testAccuracy: r.defender.testAccuracy, trainSteps: r.defender.trainSteps, notes: [] },
    { type: 'samples', runId, samples: r.samples },
    ...r.points.map((point): ReplayEvent => ({ type: 'point', runId, point })),
    { type: 'done', runId, summary: r.summary },
  ];
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

/**
 * Applies the defender and the strip at once, then one point every `msPerStep` and the summary
 * with the last point. Returns a function that stops the rest from playing.
 */
export function scheduleReplay(events: ReplayEvent[], msPerStep: number, apply: (e: ReplayEvent) => void, timers: Timers): () => void {
  let handle: unknown = null;
  let stopped = false;
  let i = 0;
  const step = () => {
    handle = null;
    if (stopped) return;
    // Everything up to and including the next point (the first call: defender, strip, first point).
    while (i < events.length) {
      const e = events[i++];
      apply(e);
      if (e.type === 'point' && events[i]?.type !== 'done') break;
    }
    if (i < events.length) handle = timers.setTimeout(step, msPerStep);
  };
  if (msPerStep <= 0) {
    for (const e of events) apply(e);
    return () => {};
  }
  step();
  return () => {
    stopped = true;
    if (handle !== null) timers.clearTimeout(handle);
  };
}

/** The run state a replay ends in, at once: for pages that show a recorded run whole (the handout). */
export function recordedRunState(r: RecordedRun, reduce: (run: RunState, e: ReplayEvent) => RunState, idle: RunState): RunState {
  const start: RunState = { ...idle, status: 'running', config: r.params };
  return replayEvents(r, idle.runId).reduce(reduce, start);
}
