/**
 * What the 2-D playground shows of a run: which budget step's pictures, the defended answers
 * over the plane at the live β and γ (so the picture follows the sliders without retraining the
 * defender: the reverse sigmoid is a function of the answer alone), and how much of the plane
 * each thief copied.
 */
import { argmaxRows } from '../math/metrics';
import { reverseSigmoidBatch } from '../math/defenses';
import type { RegionsFrame } from '../engine/protocol';
import type { Params } from '../params/schema';
import { DEFENSE_SETTINGS } from '../params/runSettings';

/** The defended answers over the plane, and whether they follow the live settings or the run's. */
export interface DefendedPlane {
  probs: Float32Array;
  /** 'live': recomputed here at the sliders' values; 'run': as the worker computed them at the run's settings. */
  source: 'live' | 'run';
}

let last: { frame: RegionsFrame; beta: number; gamma: number; plane: DefendedPlane } | null = null;

/**
 * The reverse sigmoid is recomputed from the defender's honest answers at the live β, γ (the
 * oracle's own function, so the picture is exactly what a thief would be told there); every other
 * defense is shown as the worker answered at the run's settings (the ε counter-attack needs the
 * defender's gradients, the noise baselines their random draws).
 */
export function defendedPlane(frame: RegionsFrame, params: Pick<Params, 'defense' | 'beta' | 'gamma'>): DefendedPlane {
  if (params.defense !== 'reverse-sigmoid') return { probs: frame.defended, source: 'run' };
  if (last && last.frame === frame && last.beta === params.beta && last.gamma === params.gamma) return last.plane;
  const plane: DefendedPlane = { probs: reverseSigmoidBatch(frame.defender, frame.numClasses, params.beta, params.gamma), source: 'live' };
  last = { frame, beta: params.beta, gamma: params.gamma, plane };
  return plane;
}

/** True when the defended picture shows other settings than the live ones (the run's, for a defense not recomputed here). */
export function defendedPlaneIsStale(plane: DefendedPlane, made: Params | null, live: Params): boolean {
  if (plane.source === 'live' || made === null) return false;
  return made.defense !== live.defense || DEFENSE_SETTINGS[live.defense].some((k) => made[k] !== live[k]);
}

/**
 * Top classes of a picture's answers, kept as long as the answers are: the three captions of a
 * step share the defender's, and a slider drag re-renders the pictures without new answers.
 */
const topClasses = new WeakMap<Float32Array, Int32Array>();

function topClassesOf(probs: Float32Array, k: number): Int32Array {
  let top = topClasses.get(probs);
  if (!top) {
    top = argmaxRows(probs, k);
    topClasses.set(probs, top);
  }
  return top;
}

/** Share of the plane's cells where `model`'s top class is the defender's (1: the regions are copied exactly). */
export function planeAgreement(frame: RegionsFrame, model: Float32Array): number {
  const k = frame.numClasses;
  const a = topClassesOf(frame.defender, k);
  const b = topClassesOf(model, k);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? 0 : same / a.length;
}

/** Share of the plane where the defended answer keeps the defender's top class (the reverse sigmoid aims at 1). */
export function planeTopClassKept(frame: RegionsFrame, defended: Float32Array): number {
  return planeAgreement(frame, defended);
}

/** The frame on screen: step `index` (clamped), or the newest when `index` is null. */
export function frameAt(frames: readonly RegionsFrame[], index: number | null): RegionsFrame | null {
  if (frames.length === 0) return null;
  if (index === null) return frames[frames.length - 1];
  return frames[Math.min(frames.length - 1, Math.max(0, index))];
}
