/**
 * "What the thief sees": the sample strip's cards (the query, its true class, and the
 * defender's true and defended answers as one bar glyph), shaped once per samples event.
 */
import { SAMPLE_STRIP_SIZE } from '../params/schema';
import type { SampleAnswer } from '../engine/protocol';
import { answerBarsGeometry, type AnswerBarRow, type AnswerBarsGeometry } from './answerBars';
import { createMemo } from './memo';

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
