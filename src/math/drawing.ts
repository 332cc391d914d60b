/**
 * A drawing → a 28×28 input, prepared the way MNIST itself was (LeCun, Cortes & Burges): the ink is
 * cropped to its bounding box, scaled (aspect kept, area-averaged, which anti-aliases) so that its
 * longer side is 20 px, then placed in a 28×28 field with its centre of mass at the centre.
 * Pure: no canvas, no tfjs. The page reads the canvas and passes the ink here.
 */

/** Side of the model's input image. */
export const MNIST_SIDE = 28;
/** Side of the box the ink is scaled into (MNIST: 20×20, inside the 28×28 field). */
export const MNIST_BOX = 20;
/** Ink below this (0–1) does not count towards the bounding box: faint anti-aliasing fringes. */
export const INK_THRESHOLD = 0.05;

export interface PreparedDrawing {
  /** 28×28 values 0–1, row-major (ink = 1, background = 0, as in MNIST). */
  pixels: Float32Array;
  /** Nothing was drawn (no ink above the threshold): all zeros. */
  empty: boolean;
}

/** A canvas's RGBA bytes → ink per pixel, 0–1 (white on black; a transparent pixel has no ink). */
export function rgbaToInk(rgba: ArrayLike<number>): Float32Array {
  const n = Math.floor(rgba.length / 4);
  const ink = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const grey = (rgba[4 * i] + rgba[4 * i + 1] + rgba[4 * i + 2]) / (3 * 255);
    ink[i] = grey * (rgba[4 * i + 3] / 255);
  }
  return ink;
}

/**
 * For each of `dst` output cells, the source cells it covers and by how much (weights sum to 1):
 * box resampling of `src` cells onto `dst` cells, for shrinking and for enlarging alike.
 */
function boxWeights(src: number, dst: number): { index: number; weight: number }[][] {
  const scale = src / dst;
  const out: { index: number; weight: number }[][] = [];
  for (let d = 0; d < dst; d++) {
    const from = d * scale;
    const to = (d + 1) * scale;
    const cells: { index: number; weight: number }[] = [];
    for (let s = Math.floor(from); s < Math.min(src, Math.ceil(to)); s++) {
      const overlap = Math.min(to, s + 1) - Math.max(from, s);
      if (overlap > 0) cells.push({ index: s, weight: overlap / scale });
    }
    out.push(cells);
  }
  return out;
}

/**
 * `ink` is `width`×`height` values 0–1, row-major. Returns the 28×28 MNIST-style image and whether
 * anything was drawn. The shift that centres the mass is rounded to whole pixels (no blur); ink
 * shifted past the border is cut off, as it would be in MNIST.
 */
export function prepareDrawing(ink: ArrayLike<number>, width: number, height: number): PreparedDrawing {
  if (ink.length !== width * height) throw new RangeError(`ink has ${ink.length} values, expected ${width}×${height}`);
  const pixels = new Float32Array(MNIST_SIDE * MNIST_SIDE);

  // 1. The bounding box of the ink.
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return { pixels, empty: true };
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;

  // 2. Scale so that the longer side is 20 px (the shorter one keeps the aspect ratio).
  const scale = MNIST_BOX / Math.max(cw, ch);
  const sw = Math.max(1, Math.round(cw * scale));
  const sh = Math.max(1, Math.round(ch * scale));
  const wx = boxWeights(cw, sw);
  const wy = boxWeights(ch, sh);
  // Horizontal pass (ch rows × sw), then vertical pass (sh × sw).
  const rows = new Float64Array(ch * sw);
  for (let y = 0; y < ch; y++) {
    const base = (y0 + y) * width + x0;
    for (let x = 0; x < sw; x++) {
      let v = 0;
      for (const { index, weight } of wx[x]) v += weight * Math.min(1, Math.max(0, ink[base + index]));
      rows[y * sw + x] = v;
    }
  }
  const scaled = new Float64Array(sh * sw);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      let v = 0;
      for (const { index, weight } of wy[y]) v += weight * rows[index * sw + x];
      scaled[y * sw + x] = Math.min(1, v);
    }
  }

  // 3. Centre of mass (pixel indices), moved to the field's centre (13.5, 13.5).
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = scaled[y * sw + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (mass <= 0) return { pixels, empty: true };
  const centre = (MNIST_SIDE - 1) / 2;
  const ox = Math.round(centre - mx / mass);
  const oy = Math.round(centre - my / mass);
  for (let y = 0; y < sh; y++) {
    const ty = y + oy;
    if (ty < 0 || ty >= MNIST_SIDE) continue;
    for (let x = 0; x < sw; x++) {
      const tx = x + ox;
      if (tx < 0 || tx >= MNIST_SIDE) continue;
      pixels[ty * MNIST_SIDE + tx] = scaled[y * sw + x];
    }
  }
  return { pixels, empty: false };
}
