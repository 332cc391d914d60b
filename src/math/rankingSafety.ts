/**
 * When can the Reverse Sigmoid defense change the top class of an honest answer?
 *
 * The defense (defenses.ts, eq. (4)) maps every class probability y to
 *   f(y) = clip₀¹(h(y)),   h(y) = y − r(y),   r(y) = β(s(γ·s⁻¹(y)) − ½),
 * with s the logistic sigmoid and y clipped to [ε, 1 − ε], ε = 1e-9, inside s⁻¹ only. It then
 * multiplies the whole answer by α = 1/Σf > 0. A common positive factor never changes which
 * entry is largest, so normalisation plays no part here: the order of the answer is the order
 * of the f values.
 *
 * Feasible other entries. Take an answer with K classes, top entry t (so t ≥ 1/K) and some other
 * entry o. Then o ≤ t (it is not above the top) and o ≤ 1 − t (t + o ≤ Σ = 1), so
 * o ≤ min(t, 1 − t). The remaining K − 2 entries carry 1 − t − o and each is at most t, which
 * also needs 1 − t − o ≤ (K − 2)·t, i.e. o ≥ 1 − (K − 1)·t. So
 *   o ∈ [lo, hi],  lo = max(0, 1 − (K − 1)t),  hi = min(t, 1 − t),
 * and every o there is the value of some entry of some answer with top t. The lower bound only
 * bites for t < 1/(K − 1) (t < 0.111 for K = 10) and for K = 2, where o = 1 − t exactly. For
 * t ≤ ½ the value o = t itself is left out: it is a tie in the input, no unique top to keep.
 * Each other entry is compared with the top on its own, so the top class keeps its place for
 * EVERY answer with top t iff f(t) > f(o) for every feasible o. Equal values after clipping
 * (e.g. both clipped to 0) count as a change: the top class is then no longer unique. So do
 * gaps the defense shrinks below MIN_GAP_RATIO = 1e-6 of the input gap, f(t) − f(o) ≤ ρ(t − o):
 * the answer is float32, so such a gap is at or below its resolution (at β = 1, γ = 1, h ≡ ½ up
 * to the ε clip, and a one-hot answer keeps its top by 2e-9 in float64 but ties in float32).
 * Writing h̃(y) = h(y) − ρy, the test is h̃(o) < h̃(t) for every feasible o, plus h(t) > ρt
 * (f(t) = 0 beats nothing) and, for t ≤ ½, h(t) < 1 and h′(t) > ρ (o just below t).
 *
 * Where f is not monotone. Inside (ε, 1 − ε), with z = s⁻¹(y),
 *   h′(y) = 1 − βγ·s′(γz)/(y(1 − y)) = 1 − βγ·(1 + cosh z)/(1 + cosh γz),
 * using s′(u) = s(u)(1 − s(u)) = 1/(2 + 2 cosh u) and y(1 − y) = s′(z). The ratio is 1 at y = ½
 * and symmetric in z, since h(1 − y) = 1 − h(y). For γ < 1 it grows without bound as y → 0 or 1
 * (like y^(γ−1)), so h falls just above ε: a tiny probability is pushed up to about β/2 and a
 * near-certain one down to about 1 − β/2. For βγ > 1 h also falls around ½ (h′(½) = 1 − βγ).
 * Outside [ε, 1 − ε], r is constant and h′ = 1. So f can lift a small entry above the top one.
 *
 * How it is decided. The local maxima of h̃ lie at the kinks ε, 1 − ε and at zeros of h′ − ρ;
 * those zeros are found once per (β, γ) by sampling h′ at ZERO_SAMPLES points evenly spaced in
 * z ∈ [0, s⁻¹(1 − ε)] (h′ is even in z) and bisecting each sign change to machine precision.
 * The maximum of h̃ over an interval is then the largest h̃ at its ends and at the candidates
 * inside it, so the test at one t is exact up to float64 rounding. The top
 * probability t is scanned on the grid t = i·TOP_GRID_STEP (step 1e-4, i.e. 0.01 percentage
 * points), t > 1/K; t* is the smallest grid t with every grid t′ ≥ t* safe. An unsafe window
 * narrower than the step could slip between grid points.
 *
 * Pure functions, float64; nothing is kept except a one-entry cache of the candidate points.
 */
import { REVERSE_SIGMOID_CLIP, reverseSigmoidPerturbation } from './defenses';

/** Spacing of the grid of top probabilities t that is scanned. */
export const TOP_GRID_STEP = 1e-4;
/** Number of classes assumed when none is given (MNIST-like digits). */
export const DEFAULT_CLASSES = 10;
/** Samples of h′ over z ∈ [0, s⁻¹(1 − ε)] used to bracket its zeros. */
export const ZERO_SAMPLES = 2048;
/** ρ: the defended gap f(t) − f(o) must exceed this share of the input gap t − o (else a tie). */
export const MIN_GAP_RATIO = 1e-6;
/** Answers at least this sure count as confident (the panel's "99% sure"). */
export const CONFIDENT_TOP = 0.99;

const GRID_N = Math.round(1 / TOP_GRID_STEP);
const EPS = REVERSE_SIGMOID_CLIP;
const Z_MAX = Math.log((1 - EPS) / EPS);

/** Unclipped defended value h(y) = y − r(y), exactly as reverseSigmoid computes it. */
export function defendedValue(y: number, beta: number, gamma: number): number {
  return y - reverseSigmoidPerturbation(y, beta, gamma);
}

/** h′ at the pseudo-logit z (|z| < s⁻¹(1 − ε)); even in z. */
function slopeAtLogit(z: number, beta: number, gamma: number): number {
  return 1 - (beta * gamma * (1 + Math.cosh(z))) / (1 + Math.cosh(gamma * z));
}

/** h̃′ = h′ − ρ at the pseudo-logit z. */
const tiltedSlope = (z: number, beta: number, gamma: number): number => slopeAtLogit(z, beta, gamma) - MIN_GAP_RATIO;

/** h̃(y) = h(y) − ρy: comparing h̃ compares gaps against ρ times the input gap. */
const tilted = (y: number, beta: number, gamma: number): number => defendedValue(y, beta, gamma) - MIN_GAP_RATIO * y;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

let cached: { beta: number; gamma: number; points: number[] } | null = null;

/**
 * Points of (0, 1) where h̃ may have an interior local maximum: the kinks ε and 1 − ε, ½, and
 * every zero of h̃′ (maxima and minima alike; extra points never hurt a maximum). Sorted.
 */
function candidatePoints(beta: number, gamma: number): number[] {
  if (cached && cached.beta === beta && cached.gamma === gamma) return cached.points;
  const pts = [EPS, 0.5, 1 - EPS];
  if (beta > 0) {
    let zPrev = 0;
    let dPrev = tiltedSlope(0, beta, gamma);
    for (let i = 1; i <= ZERO_SAMPLES; i++) {
      const z = (i / ZERO_SAMPLES) * Z_MAX;
      const d = tiltedSlope(z, beta, gamma);
      if (d === 0) {
        pts.push(sigmoid(z), sigmoid(-z));
      } else if (dPrev !== 0 && Math.sign(d) !== Math.sign(dPrev)) {
        let a = zPrev;
        let b = z;
        for (let k = 0; k < 200 && b - a > 1e-15 * Math.max(1, b); k++) {
          const m = 0.5 * (a + b);
          if (Math.sign(tiltedSlope(m, beta, gamma)) === Math.sign(dPrev)) a = m;
          else b = m;
        }
        const zc = 0.5 * (a + b);
        pts.push(sigmoid(zc), sigmoid(-zc));
      }
      zPrev = z;
      dPrev = d;
    }
  }
  pts.sort((p, q) => p - q);
  cached = { beta, gamma, points: pts };
  return pts;
}

/** Largest h̃ over [a, b] (or [a, b) when `openRight`), and where it is reached. */
function maxOver(a: number, b: number, openRight: boolean, beta: number, gamma: number): { o: number; h: number } {
  let best = { o: a, h: tilted(a, beta, gamma) };
  const consider = (o: number): void => {
    const h = tilted(o, beta, gamma);
    if (h > best.h) best = { o, h };
  };
  if (!openRight) consider(b);
  for (const c of candidatePoints(beta, gamma)) if (c > a && c < b) consider(c);
  return best;
}

function assertArgs(beta: number, gamma: number, numClasses: number): void {
  if (!Number.isFinite(beta) || beta < 0) throw new RangeError(`beta must be a finite number >= 0, got ${String(beta)}`);
  if (!Number.isFinite(gamma) || gamma <= 0) throw new RangeError(`gamma must be a finite number > 0, got ${String(gamma)}`);
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`numClasses must be an integer >= 2, got ${String(numClasses)}`);
  }
}

/** The feasible range [lo, hi] of another entry when the top entry is t (see the header). */
export function feasibleOtherRange(t: number, numClasses: number): [number, number] {
  return [Math.max(0, 1 - (numClasses - 1) * t), Math.min(t, 1 - t)];
}

/**
 * Whether EVERY K-class answer whose top entry is t (1/K < t ≤ 1) keeps a unique top class
 * under the defense: f(t) > f(o) for every feasible other entry o (header). Exact up to float64.
 */
export function topClassKept(t: number, beta: number, gamma: number, numClasses = DEFAULT_CLASSES): boolean {
  assertArgs(beta, gamma, numClasses);
  if (!(t > 1 / numClasses && t <= 1)) throw new RangeError(`t must be in (1/K, 1], got ${String(t)}`);
  return keptUnchecked(t, beta, gamma, numClasses);
}

function keptUnchecked(t: number, beta: number, gamma: number, k: number): boolean {
  const ht = defendedValue(t, beta, gamma);
  if (ht <= MIN_GAP_RATIO * t) return false; // f(t) ≈ 0 beats no f(o) ≥ 0
  const [lo, hi] = feasibleOtherRange(t, k);
  const target = ht - MIN_GAP_RATIO * t;
  if (t <= 0.5) {
    // o ranges over [lo, t). Near t, h(o) → h(t): clipping to 1 ties them, a flat or falling h
    // lets o just below t catch up.
    if (ht >= 1) return false;
    if (t > EPS && tiltedSlope(Math.log(t / (1 - t)), beta, gamma) <= 0) return false;
    return maxOver(lo, t, true, beta, gamma).h < target;
  }
  // t > ½: o ranges over the closed [lo, 1 − t]. h(t) ≤ t ≤ 1, so clipping o's value to 1 can
  // only matter where h(o) ≥ 1 > h(t), which is already a flip unclipped.
  return maxOver(lo, hi, false, beta, gamma).h < target;
}

export interface TopClassSafety {
  beta: number;
  gamma: number;
  numClasses: number;
  /**
   * t*: the smallest grid t such that every answer with top probability ≥ t keeps its top class;
   * null when even t = 1 (a one-hot answer) loses it.
   */
  safeTopProbability: number | null;
  /** Every answer with a unique top keeps it (t* is the first grid point above 1/K). */
  alwaysSafe: boolean;
  /** Some answer at least CONFIDENT_TOP (99%) sure, or a one-hot, gets another class on top or tied. */
  confidentFlips: boolean;
  /** A fully confident answer (t = 1, every other entry 0) gets another class on top or tied. */
  oneHotFlips: boolean;
  /** The largest grid t that can flip (t* − step, or 1), or null when none can. */
  largestUnsafeTop: number | null;
  /** Grid step of t. */
  gridStep: number;
}

/** Scan of the t grid for (β, γ, K); see the header for what is exact and what is gridded. */
export function topClassSafety(beta: number, gamma: number, numClasses = DEFAULT_CLASSES): TopClassSafety {
  assertArgs(beta, gamma, numClasses);
  const first = Math.floor(GRID_N / numClasses) + 1; // smallest i with i/N > 1/K
  let lastUnsafe = -1;
  for (let i = GRID_N; i >= first; i--) {
    if (!keptUnchecked(i / GRID_N, beta, gamma, numClasses)) {
      lastUnsafe = i;
      break;
    }
  }
  const safeTopProbability = lastUnsafe === GRID_N ? null : lastUnsafe < 0 ? first / GRID_N : (lastUnsafe + 1) / GRID_N;
  return {
    beta,
    gamma,
    numClasses,
    safeTopProbability,
    alwaysSafe: lastUnsafe < 0,
    confidentFlips: lastUnsafe >= Math.round(CONFIDENT_TOP * GRID_N),
    oneHotFlips: lastUnsafe === GRID_N,
    largestUnsafeTop: lastUnsafe < 0 ? null : lastUnsafe / GRID_N,
    gridStep: TOP_GRID_STEP,
  };
}

/** t* of `topClassSafety`: the smallest grid top probability from which on the top class is safe. */
export function safeTopProbability(beta: number, gamma: number, numClasses = DEFAULT_CLASSES): number | null {
  return topClassSafety(beta, gamma, numClasses).safeTopProbability;
}

/** Tops tried for the example after 99% and the largest unsafe t, most confident first. */
const NICE_TOPS = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15];

/** The order test of `topClassKept` for one pair: false iff f(t) − f(o) > ρ(t − o). */
function flipsPair(t: number, o: number, beta: number, gamma: number): boolean {
  const ft = Math.min(1, Math.max(0, defendedValue(t, beta, gamma)));
  const fo = Math.min(1, Math.max(0, defendedValue(o, beta, gamma)));
  return !(ft - fo > MIN_GAP_RATIO * (t - o));
}

/**
 * A concrete K-class answer [t, o, rest…] (class 0 on top, alone) whose top class the defense
 * changes or ties, or null when no grid t can flip. When answers ≥ 99% sure can flip, t is 99%
 * if that flips, else the largest t that does (a one-hot when only those flip); otherwise the
 * first of 95%, 90%, …, 15% that flips, else the largest t that does. o is the worst other
 * entry (written 0 when it is below ε), and the rest of the mass is spread evenly.
 */
export function topClassFlipExample(beta: number, gamma: number, numClasses = DEFAULT_CLASSES): number[] | null {
  assertArgs(beta, gamma, numClasses);
  const { largestUnsafeTop } = topClassSafety(beta, gamma, numClasses);
  if (largestUnsafeTop === null) return null;
  const confident = largestUnsafeTop >= CONFIDENT_TOP ? [CONFIDENT_TOP, largestUnsafeTop] : [];
  const tops = [...confident, ...NICE_TOPS, largestUnsafeTop].filter((t) => t > 1 / numClasses && t <= largestUnsafeTop);
  const restCount = numClasses - 2;
  for (const t of tops) {
    const [lo, hi] = feasibleOtherRange(t, numClasses);
    const worst = maxOver(lo, hi, t <= 0.5, beta, gamma).o;
    const tries = [worst <= EPS && lo === 0 ? 0 : worst, worst];
    for (let k = 1; k <= 20; k++) tries.push(t - k * 1e-4); // o just below t (h falls into t)
    for (const o of tries) {
      if (!(o >= lo && o <= hi && o < t)) continue;
      const rest = restCount > 0 ? (1 - t - o) / restCount : 0;
      if (restCount > 0 && !(rest >= 0 && rest < t)) continue;
      if (!flipsPair(t, o, beta, gamma)) continue;
      const y = new Array<number>(numClasses).fill(rest);
      y[0] = t;
      y[1] = restCount > 0 ? o : 1 - t;
      return y;
    }
  }
  return null;
}
