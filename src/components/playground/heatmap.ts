/**
 * Paints a picture of the plane from answers: each cell takes the colour of its top class,
 * mixed with the background by how sure the answer is. Pure typed-array work (no DOM), so a
 * test can check the pixels and a frame costs ~16,000 multiply-adds for 64 × 64 cells.
 */

export type Rgb = readonly [number, number, number];

/**
 * One colour per class (up to 5), from the Okabe–Ito palette, which stays apart for the common
 * colour-vision deficiencies.
 */
export const CLASS_COLOURS: readonly Rgb[] = [
  [0, 114, 178],
  [230, 159, 0],
  [0, 158, 115],
  [204, 121, 167],
  [213, 94, 0],
];

/** The canvas behind the colours (light in both themes: the colours were picked against white). */
export const BACKGROUND: Rgb = [255, 255, 255];

/**
 * How strongly a cell is coloured: 0 for a uniform answer (top probability 1/K), 1 for a
 * certain one, linear in the top probability between them; clamped (a defended answer off the
 * simplex can exceed 1 or fall below 1/K).
 */
export function confidenceOf(top: number, numClasses: number): number {
  const floor = 1 / numClasses;
  const t = (top - floor) / (1 - floor);
  return Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
}

/**
 * RGBA pixels (side × side × 4) of `probs` (side² cells × K): colour of the top class, mixed with
 * the background by {@link confidenceOf}. A non-finite answer is painted grey, not as a class.
 */
export function paintRegions(probs: Float32Array, side: number, numClasses: number, out: Uint8ClampedArray = new Uint8ClampedArray(side * side * 4)): Uint8ClampedArray {
  const cells = side * side;
  if (probs.length !== cells * numClasses) throw new RangeError(`expected ${cells} cells × ${numClasses} classes = ${cells * numClasses} values, got ${probs.length}`);
  if (numClasses > CLASS_COLOURS.length) throw new RangeError(`at most ${CLASS_COLOURS.length} classes can be painted, got ${numClasses}`);
  for (let i = 0; i < cells; i++) {
    let best = 0;
    let top = probs[i * numClasses];
    let finite = Number.isFinite(top);
    for (let j = 1; j < numClasses; j++) {
      const v = probs[i * numClasses + j];
      if (!Number.isFinite(v)) finite = false;
      if (v > top) {
        top = v;
        best = j;
      }
    }
    const o = i * 4;
    if (!finite) {
      out[o] = out[o + 1] = out[o + 2] = 128;
    } else {
      const t = confidenceOf(top, numClasses);
      const colour = CLASS_COLOURS[best];
      for (let ch = 0; ch < 3; ch++) out[o + ch] = Math.round(BACKGROUND[ch] + t * (colour[ch] - BACKGROUND[ch]));
    }
    out[o + 3] = 255;
  }
  return out;
}

/** `from` → `to` at t ∈ [0, 1] (the cross-fade between two budget steps' pictures). */
export function blendPixels(from: Uint8ClampedArray, to: Uint8ClampedArray, t: number, out: Uint8ClampedArray = new Uint8ClampedArray(to.length)): Uint8ClampedArray {
  if (from.length !== to.length) throw new RangeError(`pictures differ in size: ${from.length} vs ${to.length}`);
  const s = Math.min(1, Math.max(0, t));
  for (let i = 0; i < to.length; i++) out[i] = from[i] + s * (to[i] - from[i]);
  return out;
}
