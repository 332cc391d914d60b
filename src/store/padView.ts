/**
 * The drawing pad's views: four answers to one drawing (the defender's honest one, the defended
 * one the API returns, and the two thieves'), each as a bar glyph with its top class, and the
 * "what the model sees" thumbnail. Memoised, so a store update that changes none of it hands
 * the pad the same objects.
 */
import { argmax } from '../math/metrics';
import { PARAMS, type DatasetChoice, type Params } from '../params/schema';
import type { ClassifyResult } from '../engine/protocol';
import type { PadState, RunState } from './appStore';
import { padBarsGeometry, type AnswerBarsGeometry, type PadBarRow } from './answerBars';
import { classNamesFor } from './classNames';
import { describeDefense } from './describeDefense';
import { createMemo } from './memo';

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
  const names = classNamesFor(params);
  const key = [pad.source ? 1 : 0, run.runId, run.status, params.dataset, names.length, defense].join('|');
  return padMemo(result ?? NO_RESULT, key, () => padView(result, defense, names, pad, run, params));
}

function padView(result: ClassifyResult | null, defense: string, names: readonly string[], pad: PadState, run: RunState, params: Params): PadView {
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
