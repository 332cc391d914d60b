/**
 * Derived data for the charts, shaped here (not in components) and memoised on its inputs so a
 * chart receives a stable reference until β or γ really change.
 */
import { ambiguousBands, reverseSigmoidCurve, type Band, type ReverseSigmoidPoint } from '../math/curves';
import { budgetSchedule } from '../math/schedule';
import { createMemo } from './memo';
import { epsilonPerturb } from '../math/counterAttack';
import { centering, winnerTakesAll } from '../math/renormalize';
import { argmax } from '../math/metrics';
import { PARAMS, SAMPLE_STRIP_SIZE, type EpsDirectionChoice, type RenormChoice } from '../params/schema';
import type { RunState } from './appStore';
import type { CurveRow, ProbeResult, SampleAnswer } from '../engine/protocol';
import type { ClassifyResult } from '../engine/protocol';
import type { DatasetChoice, Params } from '../params/schema';
import type { PadState } from './appStore';

export interface ReverseSigmoidChartData {
  points: ReverseSigmoidPoint[];
  /** Ranges of y − r(y) reached by two different y: the part of the defense that cannot be inverted. */
  ambiguous: Band[];
  /** Vertical extent the chart needs, fixed per β so the axis does not jump while γ moves. */
  yDomain: [number, number];
  yTicks: number[];
}

const CURVE_POINTS = 401;

let last: { beta: number; gamma: number; data: ReverseSigmoidChartData } | null = null;

export function selectReverseSigmoidChart(beta: number, gamma: number): ReverseSigmoidChartData {
  if (last && last.beta === beta && last.gamma === gamma) return last.data;
  const points = reverseSigmoidCurve(beta, gamma, CURVE_POINTS);
  const data: ReverseSigmoidChartData = {
    points,
    ambiguous: ambiguousBands(points.map((p) => p.unnormalized)),
    yDomain: domainFor(beta),
    yTicks: ticksFor(domainFor(beta)),
  };
  last = { beta, gamma, data };
  return data;
}

const TICK = 0.25;

/**
 * r ∈ (−β/2, β/2) and y − r(y) ∈ (−β/2, max(1, β/2)], whatever γ is: the domain depends on β
 * alone, rounded out to the tick grid.
 */
function domainFor(beta: number): [number, number] {
  const lower = -Math.max(TICK, Math.ceil(beta / 2 / TICK) * TICK);
  const upper = Math.max(1, Math.ceil(beta / 2 / TICK) * TICK);
  return [lower, upper];
}

function ticksFor([lo, hi]: [number, number]): number[] {
  const ticks: number[] = [];
  for (let t = lo; t <= hi + 1e-9; t += TICK) ticks.push(Math.round(t / TICK) * TICK);
  return ticks;
}

export interface ThiefChartData {
  rows: CurveRow[];
  /** Fixed from the budget, so the axis does not rescale as points stream in. */
  xDomain: [number, number];
  xTicks: number[];
  defenderAccuracy: number | null;
  chance: number;
}

const thiefMemo = createMemo<object, ThiefChartData>();
const NO_ROWS: CurveRow[] = [];

/**
 * Chart data for the thief curves, memoised on what the chart draws: the rows array (new only
 * when a point arrives), the budget and the defender's accuracy. Progress events replace the run
 * object several times a second; they must not re-render the chart. `idleBudget`: the budget
 * setting, drawn while no run has started.
 */
export function selectThiefChart(run: RunState, idleBudget: number = PARAMS.budget.default, numClasses = 10): ThiefChartData {
  // Before a run the axis follows the budget setting, so pressing Run (same budget) leaves the
  // chart untouched: no redraw in the click's task.
  const budget = run.config?.budget ?? idleBudget;
  const defenderAccuracy = run.defender?.testAccuracy ?? null;
  return thiefMemo(run.rows.length === 0 ? NO_ROWS : run.rows, `${budget}|${defenderAccuracy}|${numClasses}`, () => {
    const schedule = budgetSchedule(budget);
    return { rows: run.rows, xDomain: [schedule[0], budget], xTicks: schedule, defenderAccuracy, chance: 1 / numClasses };
  });
}

/** "3 min 20 s", "45 s": an ETA a person can read at a glance. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '…';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export interface AnswerBarRow {
  label: string;
  original: number;
  defended: number;
}

/** One bar of an answer glyph, in the glyph's own units (its box: ANSWER_BARS_BOX or PAD_BARS_BOX). */
export interface AnswerBarRect {
  kind: 'original' | 'defended';
  x: number;
  y: number;
  width: number;
  height: number;
  /** Drawn faded (the drawing pad: every class but the top one). */
  faded?: boolean;
}

export interface BarsBox {
  width: number;
  height: number;
  /** Room above the tallest bar. */
  top: number;
}

/** The sample strip's answer glyph box (stretched to the card's width; the class labels sit below it in HTML). */
export const ANSWER_BARS_BOX: BarsBox = { width: 200, height: 56, top: 2 };
/** The drawing pad's answer glyph box. */
export const PAD_BARS_BOX: BarsBox = { width: 200, height: 106, top: 2 };

export interface AnswerBarsGeometry {
  /** The drawing box the bars are measured in (the SVG's viewBox). */
  box: BarsBox;
  bars: AnswerBarRect[];
  labels: string[];
  /** y of the value 0 (above the bottom of the plot when an answer dips below 0). */
  zeroY: number;
}

/** One y scale from domain[0] (≤ 0) at the bottom to domain[1] at box.top; a bar runs from the zero line to its value. */
function barScale(box: BarsBox, [lo, hi]: [number, number]) {
  const y = (v: number) => box.top + (1 - (v - lo) / (hi - lo || 1)) * (box.height - box.top);
  const zeroY = y(0);
  return {
    zeroY,
    /** A bar's top and height for value v (clamped to the domain; a negative v hangs below the zero line). */
    bar(v: number) {
      const yv = y(Math.min(hi, Math.max(lo, v)));
      return { y: Math.min(yv, zeroY), height: Math.abs(zeroY - yv) };
    },
  };
}

/**
 * Where each bar of a sample card's answer glyph goes: per class, the true probability then the
 * defended one, side by side in a slot of width/K (15% of it left as the gap between classes),
 * on one y scale from domain[0] (≤ 0) to domain[1]; a negative entry (raw ε answers) hangs below
 * the zero line.
 */
export function answerBarsGeometry(rows: AnswerBarRow[], domain: [number, number]): AnswerBarsGeometry {
  const box = ANSWER_BARS_BOX;
  const scale = barScale(box, domain);
  const slot = box.width / Math.max(1, rows.length);
  const barWidth = (slot * 0.85) / 2;
  const bars: AnswerBarRect[] = [];
  rows.forEach((row, j) => {
    const left = j * slot + slot * 0.075;
    (['original', 'defended'] as const).forEach((kind, i) => {
      bars.push({ kind, x: left + i * barWidth, width: barWidth, ...scale.bar(row[kind]) });
    });
  });
  return { box, bars, labels: rows.map((row) => row.label), zeroY: scale.zeroY };
}

/**
 * The drawing pad's answer glyph: one bar per class in a slot of width/K (18% of it left as the
 * gap), every class but the top one faded, on the same kind of scale as answerBarsGeometry.
 */
export function padBarsGeometry(rows: PadBarRow[], domain: [number, number], tone: 'original' | 'defended'): AnswerBarsGeometry {
  const box = PAD_BARS_BOX;
  const scale = barScale(box, domain);
  const slot = box.width / Math.max(1, rows.length);
  const bars = rows.map((row, j): AnswerBarRect => ({
    kind: tone,
    x: j * slot + slot * 0.09,
    width: slot * 0.82,
    faded: !row.top,
    ...scale.bar(row.p),
  }));
  return { box, bars, labels: rows.map((row) => row.label), zeroY: scale.zeroY };
}

export interface SampleCard {
  pixels: number[];
  caption: string;
  rows: AnswerBarRow[];
  /** The answer glyph's bars (answerBarsGeometry). */
  geometry: AnswerBarsGeometry;
  /** The two answers' top classes in words, for screen readers. */
  summary: string;
  /** Shared y range of both answers (raw ε answers may dip below 0). */
  domain: [number, number];
  /** "Σ 1.000 · min 0.000 (· n rounds)": the defended answer as a distribution. */
  stats: string;
  /** The defended answer is not a probability vector (a negative entry or Σ ≠ 1). */
  offSimplex: boolean;
}

const stripMemo = createMemo<object, SampleCard[]>();

/** The sample strip's bar-chart rows, shaped once per samples event and class-name list. */
export function selectSampleStrip(samples: SampleAnswer[], classNames: readonly string[]): SampleCard[] {
  return stripMemo(samples, classNames, () => samples.map((s) => sampleCard(s, classNames)));
}

function sampleCard(s: SampleAnswer, classNames: readonly string[]): SampleCard {
  // Bars are labelled by class index: first letters are ambiguous (T-shirt / Trouser).
  const rows = s.original.map((p, j) => ({ label: String(j), original: p, defended: s.defended[j] }));
  const min = Math.min(0, ...s.defended);
  const domain: [number, number] = [min, 1];
  const top = (p: number[]) => p.reduce((best, v, j) => (v > p[best] ? j : best), 0);
  const [t, d] = [top(s.original), top(s.defended)];
  return {
    pixels: s.pixels,
    caption: s.label >= 0 ? `true: ${classNames[s.label] ?? s.label}` : 'random noise',
    rows,
    geometry: answerBarsGeometry(rows, domain),
    summary: `The defender's answer: ${classNames[t] ?? t} at ${Math.round(s.original[t] * 100)}%; the thief gets: ${classNames[d] ?? d} at ${Math.round(s.defended[d] * 100)}%`,
    domain,
    // What this one answer looks like as a distribution (raw ε answers leave the simplex).
    stats: `Σ ${s.defendedSum.toFixed(3)} · min ${s.defendedMin.toFixed(3)}${s.centeringRounds !== null ? ` · ${s.centeringRounds} round${s.centeringRounds === 1 ? '' : 's'}` : ''}`,
    offSimplex: s.defendedMin < 0 || Math.abs(s.defendedSum - 1) > 1e-3,
  };
}

const placeholderMemo = new Map<number, SampleCard[]>();

/**
 * The strip before any answer has arrived: blank cards of exactly the real cards' size, so the
 * page does not move when the first answers stream in (no layout shift while a run starts).
 */
export function placeholderSampleStrip(numClasses = 10): SampleCard[] {
  const hit = placeholderMemo.get(numClasses);
  if (hit) return hit;
  const rows = Array.from({ length: numClasses }, (_, j) => ({ label: String(j), original: 0, defended: 0 }));
  const card: SampleCard = {
    pixels: new Array<number>(784).fill(0),
    // A no-break space: an empty line keeps its height, so the real caption does not push the card.
    caption: '\u00a0',
    rows,
    geometry: answerBarsGeometry(rows, [0, 1]),
    summary: 'No query yet',
    domain: [0, 1],
    stats: '\u00a0',
    offSimplex: false,
  };
  const cards = Array.from({ length: SAMPLE_STRIP_SIZE }, () => card);
  placeholderMemo.set(numClasses, cards);
  return cards;
}

export interface EpsilonQueryRow {
  label: string;
  y: number;
  yStar: number;
  /** +1, −1 or 0: the sign of the ε direction for this class. */
  sign: number;
}

export interface EpsilonQueryView {
  rows: EpsilonQueryRow[];
  sum: number;
  minEntry: number;
  argmaxUnchanged: boolean;
  /** Centering only: rounds used to reach |Σ − 1| < 10⁻³. */
  rounds: number | null;
  degenerate: boolean;
  domain: [number, number];
}

/**
 * y* = y + ε·sign(d) for the probed query, then the chosen renormalization, computed here on
 * the page with the same math the oracle uses: the direction does not depend on ε, so moving
 * the ε slider needs no worker round-trip.
 */
export function selectEpsilonQuery(
  probe: ProbeResult,
  epsilon: number,
  renorm: RenormChoice,
  direction: EpsDirectionChoice,
): EpsilonQueryView {
  const y = probe.original;
  const degenerate = direction === 'at-y' && probe.degenerateAtY;
  const d = degenerate ? y.map(() => 0) : direction === 'at-y' ? probe.directionAtY : probe.directionOneHot;
  const raw = epsilonPerturb(y, d, epsilon);
  let out: ArrayLike<number> = raw;
  let rounds: number | null = null;
  if (renorm === 'centering') {
    const c = centering(y, raw);
    out = c.output;
    rounds = c.rounds;
  } else if (renorm === 'winner-takes-all') {
    out = winnerTakesAll(raw);
  }
  const rows = y.map((v, j) => ({ label: String(j), y: v, yStar: out[j], sign: Math.sign(d[j]) }));
  const values = Array.from(out);
  const minEntry = Math.min(...values);
  return {
    rows,
    sum: values.reduce((a, b) => a + b, 0),
    minEntry,
    argmaxUnchanged: argmax(out) === argmax(y),
    rounds,
    degenerate,
    // Fixed by the ε slider's range (y* ∈ [−ε_max, 1 + ε_max]), so the axis never jumps while ε moves.
    domain: [-PARAMS.epsilon.max, 1 + PARAMS.epsilon.max],
  };
}

// --- The drawing pad ------------------------------------------------------------------------

const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
const FASHION_CLASSES = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'] as const;

export function classNamesFor(dataset: DatasetChoice): readonly string[] {
  return dataset === 'fashion-mnist' ? FASHION_CLASSES : DIGIT_CLASSES;
}

/** The defense in a few words, with its settings: "reverse sigmoid, β = 0.8, γ = 0.5". */
export function describeDefense(p: Params): string {
  switch (p.defense) {
    case 'reverse-sigmoid':
      return `reverse sigmoid, β = ${p.beta}, γ = ${p.gamma}`;
    case 'epsilon':
      return `ε counter-attack, ε = ${p.epsilon}${p.renorm === 'none' ? '' : `, ${p.renorm}`}`;
    case 'uniform':
      return `uniform noise, β = ${p.noise}`;
    case 'concave':
      return `noise × concave, β = ${p.noise}, ρ = ${p.rho}`;
    case 'convex':
      return `noise × convex, β = ${p.noise}, ρ = ${p.rho}`;
    case 'ranking':
      return `ranking-preserving noise, β = ${p.noise}`;
    case 'sine':
      return `sine noise, β = ${p.noise}, f = ${p.frequency}`;
  }
}

export interface PadBarRow {
  label: string;
  p: number;
  top: boolean;
}

export interface PadCard {
  id: 'defender' | 'defended' | 'thief-undefended' | 'thief-defended';
  title: string;
  subtitle: string;
  /** 'original' answers are drawn blue, 'defended' ones orange (as everywhere on the page). */
  tone: 'original' | 'defended';
  rows: PadBarRow[];
  /** The answer glyph's bars (padBarsGeometry). */
  geometry: AnswerBarsGeometry;
  topName: string;
  topP: number;
  domain: [number, number];
}

export interface PadView {
  cards: PadCard[];
  /** Why the thieves' answers are not shown (null when they are). */
  thievesNote: string | null;
}

function padCard(id: PadCard['id'], title: string, subtitle: string, tone: PadCard['tone'], answer: number[], names: readonly string[]): PadCard {
  const top = argmax(answer);
  const rows = answer.map((p, j) => ({ label: String(j), p, top: j === top }));
  // Raw ε answers may leave [0, 1] a little: the scale takes them in.
  const domain: [number, number] = [Math.min(0, ...answer), Math.max(1, ...answer)];
  return {
    id,
    title,
    subtitle,
    tone,
    rows,
    geometry: padBarsGeometry(rows, domain, tone),
    topName: names[top] ?? String(top),
    topP: answer[top],
    domain,
  };
}

function thievesNote(result: ClassifyResult | null, pad: PadState, run: RunState, dataset: DatasetChoice): string | null {
  // A replay brings curves, not models: there are no thieves here to ask.
  if (run.replay) return pad.source ? 'A replayed run has no thieves to ask: press Run to train them here, then draw again.' : null;
  if (run.status === 'running') {
    // The running thieves answer from the first budget step on, as trained so far.
    if (result?.thiefLive && result.thiefUndefended && result.thiefRunId === run.runId) return null;
    return 'The thieves answer here after the run’s first budget step.';
  }
  if (run.status === 'done') {
    if (result?.thiefUndefended && result.thiefRunId === run.runId) return null;
    if (run.config && run.config.dataset !== dataset) {
      return `The latest run's thieves learned ${PARAMS.dataset.optionLabels[run.config.dataset]}: switch back to see their answers.`;
    }
    return 'Asking the thieves…';
  }
  if (run.status === 'cancelled') return 'The run was stopped: run a theft to the end to see the thieves’ answers.';
  return pad.source ? 'Run a theft to see the thieves’ answers.' : null;
}

const padMemo = createMemo<object, PadView>();
const NO_RESULT = {};

/**
 * The pad's bar charts: the defender's honest answer, the defended answer (the current defense
 * settings) and the thieves' answers (a running experiment's, as trained so far, or the latest
 * finished run's), each with its top class.
 */
export function selectPadView(pad: PadState, run: RunState, params: Params): PadView {
  const result = pad.status === 'error' ? null : pad.result;
  const defense = describeDefense(params);
  const key = [pad.source ? 1 : 0, run.runId, run.status, params.dataset, defense].join('|');
  return padMemo(result ?? NO_RESULT, key, () => padView(result, defense, pad, run, params));
}

function padView(result: ClassifyResult | null, defense: string, pad: PadState, run: RunState, params: Params): PadView {
  const names = classNamesFor(params.dataset);
  const cards: PadCard[] = [];
  const note = thievesNote(result, pad, run, params.dataset);
  if (result) {
    cards.push(padCard('defender', 'The defender', 'its honest answer', 'original', result.defender, names));
    cards.push(padCard('defended', 'What the API returns', defense, 'defended', result.defended, names));
    if (note === null && result.thiefUndefended && result.thiefDefended) {
      // Queries per thief (the budget), as in the chart.
      const queries = (result.thiefQueries ?? run.config?.budget ?? 0).toLocaleString('en-US');
      const about = (kind: string) =>
        !run.config
          ? `from run ${result.thiefRunId}`
          : result.thiefLive
            ? `thief ${run.config.substitute}, live: ${queries} ${kind} answers so far`
            : `thief ${run.config.substitute} after ${queries} ${kind} answers`;
      cards.push(padCard('thief-undefended', 'Undefended thief', about('honest'), 'original', result.thiefUndefended, names));
      cards.push(padCard('thief-defended', 'Defended thief', about('defended'), 'defended', result.thiefDefended, names));
    }
  }
  return { cards, thievesNote: note };
}

const previewMemo = createMemo<number[], number[]>();

/** The pad's 28×28 input as grey levels 0–255, for the "what the model sees" thumbnail. */
export function selectPadPreview(pixels: number[]): number[] {
  return previewMemo(pixels, null, () => pixels.map((v) => Math.round(255 * Math.min(1, Math.max(0, v)))));
}
