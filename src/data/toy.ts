/**
 * Seeded 2-D toy data for the playground: small labelled point sets (blobs, moons, circles, xor,
 * spiral) on which a model's decision regions can be drawn over the whole plane. Points lie in
 * the unit square, like image pixels scaled to [0, 1], so the models read them the way they read
 * pixel values and a heatmap over [0, 1]² shows every region.
 *
 * Each generator works in its own natural frame, in which `noise` is the standard deviation of
 * isotropic Gaussian jitter added to every point. One natural unit is:
 * - blobs: the distance between neighbouring blob centres;
 * - moons: the radius of a moon, as in scikit-learn's make_moons (its noise means the same);
 * - circles: the gap between neighbouring rings;
 * - xor: the side of one cell of the grid;
 * - spiral: the radial gap between neighbouring arms.
 * Apart from the moons, one unit is the distance between neighbouring classes, so a given noise
 * gives about the same overlap whatever the generator and the number of classes.
 *
 * The noise-free shape, grown by a margin for the jitter, is mapped by one uniform scaling (so
 * rings stay round) onto the square inset [0.08, 0.92]², which leaves the heatmap room around the
 * data; whatever the noise pushes outside [0, 1] is clamped onto the border.
 *
 * Every point draws the same random numbers whatever the noise (its place on the shape, then two
 * normals), so with the same seed a larger noise moves the same points further from the same
 * places instead of drawing a new set: a noise slider spreads the data, it does not reshuffle it.
 */
import { shuffleInPlace, type Rng } from '../math/random';

export const TOY_IDS = ['blobs', 'moons', 'circles', 'xor', 'spiral'] as const;
export type ToyId = (typeof TOY_IDS)[number];
export const TOY_CLASSES_MIN = 2;
export const TOY_CLASSES_MAX = 5;

export interface ToySpec {
  id: ToyId;
  classes: number;
  /** Standard deviation of the jitter in the generator's natural units, in [0, 0.5]. */
  noise: number;
  /** The data seed; the points themselves come from the rng handed to {@link toyPoints}. */
  seed: number;
}

/** Human label and one-line description per generator, for menus. */
export const TOY_INFO: Record<ToyId, { label: string; description: string }> = {
  blobs: { label: 'Blobs', description: 'Round Gaussian clusters on a circle, one per class.' },
  moons: { label: 'Moons', description: 'Interleaved half-moons in a row: curved borders between the classes.' },
  circles: { label: 'Circles', description: 'Concentric rings, the first class innermost: no straight line separates them.' },
  xor: { label: 'XOR', description: 'A grid of cells whose class alternates from cell to cell.' },
  spiral: { label: 'Spiral', description: 'Interleaved spiral arms winding out from the centre.' },
};

const NOISE_MAX = 0.5;
const SEED_MAX = 0xffffffff;
const INSET_LO = 0.08;
const INSET_HI = 0.92;
/** Room around the noise-free shape, in natural units: about two standard deviations at the top noise... */
const MARGIN = 0.5;
/** ...and more for the blobs, whose noise-free shape is only their centres. */
const BLOB_MARGIN = 0.75;
/** Moons after the second are spaced wider than make_moons' 1, or moon c and moon c + 2 would touch at their tips. */
const MOON_STEP_MANY = 1.25;
/** Each spiral arm starts a quarter turn out from the centre (where the arms would meet) and winds 1.5 turns. */
const SPIRAL_START = Math.PI / 2;
const SPIRAL_END = SPIRAL_START + 3 * Math.PI;

export function isToyId(id: string): id is ToyId {
  return (TOY_IDS as readonly string[]).includes(id);
}

function checkClasses(classes: number): void {
  if (!Number.isInteger(classes) || classes < TOY_CLASSES_MIN || classes > TOY_CLASSES_MAX) {
    throw new RangeError(
      `toy data: classes must be an integer in [${TOY_CLASSES_MIN}, ${TOY_CLASSES_MAX}], got ${String(classes)}`,
    );
  }
}

function checkSpec(spec: ToySpec): void {
  if (!isToyId(spec.id)) throw new RangeError(`toy data: unknown generator ${JSON.stringify(spec.id)}`);
  checkClasses(spec.classes);
  if (!Number.isFinite(spec.noise) || spec.noise < 0 || spec.noise > NOISE_MAX) {
    throw new RangeError(`toy data: noise must be in [0, ${NOISE_MAX}], got ${String(spec.noise)}`);
  }
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > SEED_MAX) {
    throw new RangeError(`toy data: seed must be an integer in [0, 2^32 - 1], got ${String(spec.seed)}`);
  }
}

interface Point {
  x: number;
  y: number;
}

/** A generator for one class count: the natural square [cx ± half] × [cy ± half] that maps onto the inset, and where a noise-free point of class c falls. */
interface Shape {
  cx: number;
  cy: number;
  half: number;
  place(c: number, rng: Rng, p: Point): void;
}

function blobs(k: number): Shape {
  // Radius at which neighbouring centres on the circle are one unit apart.
  const r = 1 / (2 * Math.sin(Math.PI / k));
  const centres = Array.from({ length: k }, (_, c) => {
    const a = Math.PI / 2 + (2 * Math.PI * c) / k;
    return { x: r * Math.cos(a), y: r * Math.sin(a) };
  });
  return {
    cx: 0,
    cy: 0,
    half: r + BLOB_MARGIN,
    place: (c, _rng, p) => {
      p.x = centres[c].x;
      p.y = centres[c].y;
    },
  };
}

function moons(k: number): Shape {
  // Two classes are make_moons exactly: an upper arc around (0, 0) and a lower one around
  // (1, 0.5). Further moons continue the row, each flipped against the one before it.
  const step = k === 2 ? 1 : MOON_STEP_MANY;
  const width = (k - 1) * step + 2;
  return {
    cx: (k - 1) * step / 2,
    cy: 0.25,
    half: width / 2 + MARGIN,
    place: (c, rng, p) => {
      const t = Math.PI * rng.next();
      if (c % 2 === 0) {
        p.x = c * step + Math.cos(t);
        p.y = Math.sin(t);
      } else {
        p.x = c * step - Math.cos(t);
        p.y = 0.5 - Math.sin(t);
      }
    },
  };
}

function circles(k: number): Shape {
  // Ring c has radius c + 1: evenly spaced, one unit apart, class 0 innermost.
  return {
    cx: 0,
    cy: 0,
    half: k + MARGIN,
    place: (c, rng, p) => {
      const a = 2 * Math.PI * rng.next();
      p.x = (c + 1) * Math.cos(a);
      p.y = (c + 1) * Math.sin(a);
    },
  };
}

function xor(k: number): Shape {
  // A k × k grid of unit cells on [0, k]², cell (i, j) of class (i + j) mod k: for two classes
  // the XOR quadrants. Each class owns one cell per column, so drawing the column and then the
  // point inside the class's cell in it is uniform over the class's area with exact quotas, and
  // needs no rejection loop.
  return {
    cx: k / 2,
    cy: k / 2,
    half: k / 2 + MARGIN,
    place: (c, rng, p) => {
      const i = rng.int(k);
      const j = (c - i + k) % k;
      p.x = i + rng.next();
      p.y = j + rng.next();
    },
  };
}

function spiral(k: number): Shape {
  // Archimedean arms r = a·φ, arm c turned by 2πc/k; a = k/2π puts neighbouring arms one unit
  // apart along any ray. φ is drawn with density ∝ φ, i.e. about uniformly along the arm's
  // length, so the outer turns are not sparser than the inner ones.
  const a = k / (2 * Math.PI);
  const lo2 = SPIRAL_START * SPIRAL_START;
  const span2 = SPIRAL_END * SPIRAL_END - lo2;
  return {
    cx: 0,
    cy: 0,
    half: a * SPIRAL_END + MARGIN,
    place: (c, rng, p) => {
      const phi = Math.sqrt(lo2 + span2 * rng.next());
      const angle = phi + (2 * Math.PI * c) / k;
      p.x = a * phi * Math.cos(angle);
      p.y = a * phi * Math.sin(angle);
    },
  };
}

const SHAPES: Record<ToyId, (k: number) => Shape> = { blobs, moons, circles, xor, spiral };

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** `count` points of the generator; coordinates in [0, 1] × [0, 1]. */
export function toyPoints(spec: ToySpec, count: number, rng: Rng): { xy: Float32Array; labels: Uint8Array } {
  checkSpec(spec);
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`toy data: count must be a non-negative integer, got ${String(count)}`);
  }
  const k = spec.classes;
  // Exact quotas (the first count % k classes get one more), then a shuffle so that the order
  // carries no label information; the points are then drawn in that shuffled order.
  const labels = new Uint8Array(count);
  const base = Math.floor(count / k);
  const extra = count % k;
  for (let c = 0, at = 0; c < k; c++) {
    const n = base + (c < extra ? 1 : 0);
    labels.fill(c, at, at + n);
    at += n;
  }
  shuffleInPlace(labels, rng);

  const shape = SHAPES[spec.id](k);
  const scale = (INSET_HI - INSET_LO) / (2 * shape.half);
  const { cx, cy } = shape;
  const noise = spec.noise;
  const xy = new Float32Array(count * 2);
  const p: Point = { x: 0, y: 0 };
  for (let n = 0; n < count; n++) {
    shape.place(labels[n], rng, p);
    // Drawn even at noise 0, so every noise level consumes the same stream.
    const x = p.x + noise * rng.normal();
    const y = p.y + noise * rng.normal();
    xy[2 * n] = clamp01(0.5 + (x - cx) * scale);
    xy[2 * n + 1] = clamp01(0.5 + (y - cy) * scale);
  }
  return { xy, labels };
}

/** Class names for the menus/legends: 'A', 'B', … (letters, so they never read as the image sets' digits). */
export function toyClassNames(classes: number): string[] {
  checkClasses(classes);
  return Array.from({ length: classes }, (_, c) => String.fromCharCode(65 + c));
}
