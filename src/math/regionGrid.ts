/**
 * The playground's plane as a grid of cells: the worker asks every model for its answer at each
 * cell's centre, and the page paints cell (row, col) with that answer. Row 0 is the top of the
 * picture (y = 1), so y grows upward as on a blackboard; both sides read the layout from here.
 */

/** Cells per side of the decision-region pictures (64 × 64 = 4,096 answers per model per frame). */
export const REGION_SIDE = 64;

/** The point at the centre of cell (row, col): x = (col + ½) / side, y = 1 − (row + ½) / side. */
export function cellCentre(side: number, row: number, col: number): [number, number] {
  return [(col + 0.5) / side, 1 - (row + 0.5) / side];
}

/** Every cell centre, row-major from the top-left, as x0, y0, x1, y1, … (side² points). */
export function gridPoints(side: number = REGION_SIDE): Float32Array {
  if (!Number.isInteger(side) || side < 1) throw new RangeError(`side must be a positive integer, got ${String(side)}`);
  const out = new Float32Array(side * side * 2);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const [x, y] = cellCentre(side, r, c);
      out[(r * side + c) * 2] = x;
      out[(r * side + c) * 2 + 1] = y;
    }
  }
  return out;
}

/** Where point (x, y) of the unit square lands in a picture `width` × `height` pixels (top-left origin). */
export function toPicture(x: number, y: number, width: number, height: number): [number, number] {
  return [x * width, (1 - y) * height];
}
