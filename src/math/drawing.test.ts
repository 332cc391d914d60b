import { describe, expect, it } from 'vitest';
import { INK_THRESHOLD, MNIST_SIDE, prepareDrawing, rgbaToInk } from './drawing';

/** A w×h canvas with ink 1 (or `value`) inside [x0, x1] × [y0, y1] (inclusive). */
function canvas(w: number, h: number, rects: [number, number, number, number, number?][]): Float32Array {
  const ink = new Float32Array(w * h);
  for (const [x0, y0, x1, y1, value = 1] of rects) {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) ink[y * w + x] = value;
  }
  return ink;
}

/** The 28×28 output as rows of '#' (≥ 0.5), '+' (> 0) and '.' (0), for readable failures. */
function picture(pixels: Float32Array): string[] {
  const rows: string[] = [];
  for (let y = 0; y < MNIST_SIDE; y++) {
    let row = '';
    for (let x = 0; x < MNIST_SIDE; x++) {
      const v = pixels[y * MNIST_SIDE + x];
      row += v >= 0.5 ? '#' : v > 1e-6 ? '+' : '.';
    }
    rows.push(row);
  }
  return rows;
}

/** The set of (x, y) with ink, as [minX, minY, maxX, maxY]. */
function inkBox(pixels: Float32Array): [number, number, number, number] {
  let box: [number, number, number, number] = [99, 99, -1, -1];
  pixels.forEach((v, i) => {
    if (v <= 1e-6) return;
    const x = i % MNIST_SIDE;
    const y = Math.floor(i / MNIST_SIDE);
    box = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)];
  });
  return box;
}

describe('prepareDrawing: a drawing → 28×28 the MNIST way', () => {
  it('an empty canvas gives all zeros and says nothing was drawn', () => {
    const r = prepareDrawing(new Float32Array(280 * 280), 280, 280);
    expect(r.empty).toBe(true);
    expect(r.pixels).toHaveLength(784);
    expect(r.pixels.every((v) => v === 0)).toBe(true);
  });

  it('faint fringes below the threshold are not ink', () => {
    const r = prepareDrawing(canvas(280, 280, [[10, 10, 50, 50, INK_THRESHOLD / 2]]), 280, 280);
    expect(r.empty).toBe(true);
  });

  it('a centred 80×80 square becomes a 20×20 block of ones at 4…23', () => {
    const r = prepareDrawing(canvas(280, 280, [[100, 100, 179, 179]]), 280, 280);
    expect(r.empty).toBe(false);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const inside = x >= 4 && x <= 23 && y >= 4 && y <= 23;
        expect(r.pixels[y * 28 + x]).toBeCloseTo(inside ? 1 : 0, 6);
      }
    }
  });

  it('an off-centre 40×80 block in the corner is scaled to 10×20 and centred (x 9…18, y 4…23)', () => {
    // Bounding box 40 wide, 80 tall → ×0.25 → 10×20; centre of mass (4.5, 9.5) → shift (9, 4).
    const r = prepareDrawing(canvas(280, 280, [[0, 200, 39, 279]]), 280, 280);
    expect(inkBox(r.pixels)).toEqual([9, 4, 18, 23]);
    expect(r.pixels[14 * 28 + 9]).toBeCloseTo(1, 6);
    expect(r.pixels[14 * 28 + 19]).toBe(0);
  });

  it('centres by mass, not by the box: an L shape moves right and up', () => {
    // 20×20 field (scale 1): a 4-wide left bar (80 px, x̄ 1.5, ȳ 9.5) and a 4-high bottom bar
    // x 4…19 (64 px, x̄ 11.5, ȳ 17.5). Mass centre (856/144, 1880/144) = (5.94, 13.06), so the
    // shift is (round(7.56), round(0.44)) = (8, 0): box x 8…27, y 0…19 — box-centring would give 4…23.
    const r = prepareDrawing(canvas(20, 20, [[0, 0, 3, 19], [4, 16, 19, 19]]), 20, 20);
    expect(inkBox(r.pixels)).toEqual([8, 0, 27, 19]);
    const pic = picture(r.pixels);
    expect(pic[0]).toBe('........####................');
    expect(pic[19]).toBe('........####################');
    expect(pic[20]).toBe('.'.repeat(28));
  });

  it('centres by mass with grey levels: a bar half at full, half at half ink', () => {
    // 20×1 (scale 1): x̄ = (45 + 0.5·145) / 15 = 7.83 → shift round(5.67) = 6; ȳ = 0 → shift 14.
    const r = prepareDrawing(canvas(20, 1, [[0, 0, 9, 0], [10, 0, 19, 0, 0.5]]), 20, 1);
    const row = Array.from(r.pixels.subarray(14 * 28, 15 * 28));
    expect(row).toEqual([...Array(6).fill(0), ...Array(10).fill(1), ...Array(10).fill(0.5), 0, 0]);
    expect(r.pixels.reduce((a, b) => a + b, 0)).toBe(15);
  });

  it('a tiny drawing is enlarged to 20 px (a 5×5 dot → a 20×20 block)', () => {
    const r = prepareDrawing(canvas(28, 28, [[2, 3, 6, 7]]), 28, 28);
    expect(inkBox(r.pixels)).toEqual([4, 4, 23, 23]);
    expect(r.pixels[4 * 28 + 4]).toBeCloseTo(1, 6);
  });

  it('area-averages when shrinking: strokes keep their grey level, never above 1', () => {
    // A 200 px long, 14 px thick horizontal stroke → 20 × 1.4 → rounds to 20 × 1, mean ink 1.
    const r = prepareDrawing(canvas(280, 280, [[40, 100, 239, 113]]), 280, 280);
    expect(Math.max(...r.pixels)).toBeLessThanOrEqual(1);
    expect(inkBox(r.pixels)).toEqual([4, 14, 23, 14]);
    // Three strokes, the middle one fainter: box 200×200 → ×0.1; mass still centred.
    const s = prepareDrawing(canvas(280, 280, [[40, 40, 239, 49], [40, 140, 239, 149, 0.5], [40, 230, 239, 239]]), 280, 280);
    expect(inkBox(s.pixels)).toEqual([4, 4, 23, 23]);
    expect(s.pixels[(4 + 10) * 28 + 10]).toBeCloseTo(0.5, 6);
    expect(s.pixels[4 * 28 + 10]).toBeCloseTo(1, 6);
  });

  it('rejects ink of the wrong length', () => {
    expect(() => prepareDrawing(new Float32Array(10), 4, 4)).toThrow(/16|4×4/);
  });
});

describe('rgbaToInk', () => {
  it('white is ink 1, black and transparent are 0, grey in between', () => {
    const ink = rgbaToInk(Uint8ClampedArray.from([255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 0, 51, 51, 51, 255]));
    expect(Array.from(ink)).toEqual([1, 0, 0, expect.closeTo(0.2, 6)]);
  });
});
