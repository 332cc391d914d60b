/**
 * Where the bars of an answer glyph go: the sample strip's (true and defended answer side by
 * side per class) and the drawing pad's (one answer, the top class solid). Plain SVG rectangles
 * measured here, so the components draw them without a chart library.
 */

export interface AnswerBarRow {
  label: string;
  original: number;
  defended: number;
}

/** One class of the drawing pad's glyph: its probability, and whether it is the top class. */
export interface PadBarRow {
  label: string;
  p: number;
  top: boolean;
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
