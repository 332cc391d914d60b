import { describe, expect, it } from 'vitest';
import { createRng } from '../math/random';
import {
  isToyId,
  TOY_CLASSES_MAX,
  TOY_CLASSES_MIN,
  TOY_IDS,
  TOY_INFO,
  toyClassNames,
  toyPoints,
  type ToyId,
  type ToySpec,
} from './toy';

const CLASS_COUNTS = [2, 3, 4, 5];

function gen(id: ToyId, classes: number, noise: number, seed: number, count: number) {
  return toyPoints({ id, classes, noise, seed }, count, createRng(seed));
}

/** The natural-frame half-width that maps onto the inset's half-width 0.42 (0.92 − 0.5). */
const INSET_HALF = 0.42;

function countsOf(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

/** Leave-one-out accuracy of the 1-nearest-neighbour rule. */
function looNearestNeighbour(xy: Float32Array, labels: Uint8Array): number {
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let bestLabel = -1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = xy[2 * i] - xy[2 * j];
      const dy = xy[2 * i + 1] - xy[2 * j + 1];
      const d = dx * dx + dy * dy;
      if (d < best) {
        best = d;
        bestLabel = labels[j];
      }
    }
    if (bestLabel === labels[i]) correct++;
  }
  return correct / n;
}

/** Blob centre of class c in output coordinates: radius 1/(2 sin(π/k)) from the middle, first at the top. */
function blobCentre(c: number, k: number): [number, number] {
  const r = 1 / (2 * Math.sin(Math.PI / k));
  const scale = INSET_HALF / (r + 0.75);
  const a = Math.PI / 2 + (2 * Math.PI * c) / k;
  return [0.5 + scale * r * Math.cos(a), 0.5 + scale * r * Math.sin(a)];
}

describe('toyPoints: for every generator and class count', () => {
  for (const id of TOY_IDS) {
    for (const k of CLASS_COUNTS) {
      describe(`${id}, ${k} classes`, () => {
        it('gives class c floor(count/k) points, plus one for c < count % k', () => {
          const count = 1003;
          const { xy, labels } = gen(id, k, 0.1, 11, count);
          expect(xy.length).toBe(2 * count);
          expect(labels.length).toBe(count);
          const expected = Array.from({ length: k }, (_, c) => Math.floor(count / k) + (c < count % k ? 1 : 0));
          expect(countsOf(labels, k)).toEqual(expected);
        });

        it('is deterministic per seed and differs between seeds', () => {
          const a = gen(id, k, 0.1, 5, 300);
          const b = gen(id, k, 0.1, 5, 300);
          const c = gen(id, k, 0.1, 6, 300);
          expect(b.xy).toEqual(a.xy);
          expect(b.labels).toEqual(a.labels);
          expect(c.xy).not.toEqual(a.xy);
          expect(c.labels).not.toEqual(a.labels);
        });

        it('keeps every coordinate finite and inside [0, 1], at every noise', () => {
          for (const noise of [0, 0.1, 0.5]) {
            const { xy } = gen(id, k, noise, 2, 1000);
            // One expect per array: `v >= 0 && v <= 1` is false for NaN, so finiteness is covered too.
            expect(xy.every((v) => v >= 0 && v <= 1)).toBe(true);
          }
        });

        it('shuffles the labels (not sorted, classes spread over the whole output)', () => {
          const { labels } = gen(id, k, 0.1, 3, 1000);
          let changes = 0;
          for (let i = 1; i < labels.length; i++) if (labels[i] !== labels[i - 1]) changes++;
          // A sorted output changes k − 1 times; a shuffled one about (1 − 1/k)·999 ≥ 499 times.
          expect(changes).toBeGreaterThan(400);
          expect(new Set(labels.subarray(0, 100)).size).toBe(k);
          expect(new Set(labels.subarray(900)).size).toBe(k);
        });

        it('noise only moves the points: same seed, same labels, jitter proportional to the noise', () => {
          const base = gen(id, k, 0, 9, 500);
          const low = gen(id, k, 0.1, 9, 500);
          const high = gen(id, k, 0.2, 9, 500);
          expect(low.labels).toEqual(base.labels);
          expect(high.labels).toEqual(base.labels);
          for (let i = 0; i < base.xy.length; i++) {
            if (high.xy[i] === 0 || high.xy[i] === 1) continue; // clamped
            expect(high.xy[i] - base.xy[i]).toBeCloseTo(2 * (low.xy[i] - base.xy[i]), 5);
          }
        });
      });
    }
  }

  it('returns empty arrays for count 0', () => {
    const { xy, labels } = gen('spiral', 3, 0.1, 1, 0);
    expect(xy.length).toBe(0);
    expect(labels.length).toBe(0);
  });

  it('gives the smaller-indexed classes the remainder when count < classes', () => {
    expect(countsOf(gen('moons', 5, 0.1, 1, 3).labels, 5)).toEqual([1, 1, 1, 0, 0]);
  });
});

describe('toyPoints: noise-0 geometry, checked against hand-derived values', () => {
  it('blobs, 2 classes: every point at (0.5, 0.668) or (0.5, 0.332)', () => {
    // r = 1/(2 sin(π/2)) = 0.5, frame half 0.5 + 0.75 = 1.25, scale 0.42/1.25 = 0.336: the
    // centres (0, ±0.5) land at 0.5 ± 0.168.
    const { xy, labels } = gen('blobs', 2, 0, 4, 400);
    for (let i = 0; i < labels.length; i++) {
      expect(xy[2 * i]).toBeCloseTo(0.5, 6);
      expect(xy[2 * i + 1]).toBeCloseTo(labels[i] === 0 ? 0.668 : 0.332, 6);
    }
  });

  for (const k of CLASS_COUNTS) {
    it(`blobs, ${k} classes: all points of a class coincide with its centre, neighbouring centres one unit apart`, () => {
      const { xy, labels } = gen('blobs', k, 0, 4, 500);
      for (let i = 0; i < labels.length; i++) {
        const [cx, cy] = blobCentre(labels[i], k);
        expect(Math.abs(xy[2 * i] - cx)).toBeLessThan(1e-6);
        expect(Math.abs(xy[2 * i + 1] - cy)).toBeLessThan(1e-6);
      }
      const [ax, ay] = blobCentre(0, k);
      const [bx, by] = blobCentre(1, k);
      const r = 1 / (2 * Math.sin(Math.PI / k));
      expect(Math.hypot(ax - bx, ay - by)).toBeCloseTo(INSET_HALF / (r + 0.75), 9);
    });

    it(`circles, ${k} classes: every point at its ring's radius from (0.5, 0.5), class 0 innermost`, () => {
      // Ring c has natural radius c + 1 in a frame of half-width k + 0.5.
      const { xy, labels } = gen('circles', k, 0, 4, 1000);
      for (let i = 0; i < labels.length; i++) {
        const d = Math.hypot(xy[2 * i] - 0.5, xy[2 * i + 1] - 0.5);
        expect(Math.abs(d - (INSET_HALF * (labels[i] + 1)) / (k + 0.5))).toBeLessThan(1e-6);
      }
    });

    it(`xor, ${k} classes: the label is (i + j) mod ${k} of the point's grid cell`, () => {
      // The k × k grid fills the natural square [0, k]², of frame half-width k/2 + 0.5.
      const scale = INSET_HALF / (k / 2 + 0.5);
      const lo = 0.5 - (k / 2) * scale;
      const { xy, labels } = gen('xor', k, 0, 4, 1000);
      for (let n = 0; n < labels.length; n++) {
        const u = (xy[2 * n] - lo) / scale;
        const v = (xy[2 * n + 1] - lo) / scale;
        expect(u).toBeGreaterThanOrEqual(-1e-5);
        expect(u).toBeLessThanOrEqual(k + 1e-5);
        expect(v).toBeGreaterThanOrEqual(-1e-5);
        expect(v).toBeLessThanOrEqual(k + 1e-5);
        const nearBorder = Math.min(u - Math.floor(u), v - Math.floor(v), Math.ceil(u) - u, Math.ceil(v) - v) < 1e-5;
        if (!nearBorder) expect(labels[n]).toBe((Math.floor(u) + Math.floor(v)) % k);
      }
    });

    it(`spiral, ${k} classes: every point on its arm r = (k/2π)·φ, turned by 2πc/${k}`, () => {
      const a = k / (2 * Math.PI);
      const scale = INSET_HALF / (a * 3.5 * Math.PI + 0.5);
      const { xy, labels } = gen('spiral', k, 0, 4, 1000);
      for (let n = 0; n < labels.length; n++) {
        const x = (xy[2 * n] - 0.5) / scale;
        const y = (xy[2 * n + 1] - 0.5) / scale;
        const phi = Math.hypot(x, y) / a;
        expect(phi).toBeGreaterThan(Math.PI / 2 - 1e-4);
        expect(phi).toBeLessThan(3.5 * Math.PI + 1e-4);
        const expected = phi + (2 * Math.PI * labels[n]) / k;
        // Angular difference wrapped into (−π, π]; position error ≈ r·Δθ stays < 1e-4 natural units.
        const diff = Math.atan2(Math.sin(Math.atan2(y, x) - expected), Math.cos(Math.atan2(y, x) - expected));
        expect(Math.abs(diff * Math.hypot(x, y))).toBeLessThan(1e-4);
      }
    });
  }

  it('xor, 2 classes: every label equals (x > 0.5) xor (y > 0.5)', () => {
    const { xy, labels } = gen('xor', 2, 0, 8, 2000);
    for (let i = 0; i < labels.length; i++) {
      expect(labels[i]).toBe(Number(xy[2 * i] > 0.5) ^ Number(xy[2 * i + 1] > 0.5));
    }
  });

  it('moons, 2 classes: make_moons arcs, upper around (0.395, 0.4475), lower around (0.605, 0.5525), radius 0.21', () => {
    // Natural frame: x ∈ [−1, 2] grown by 0.5 → half-width 2, scale 0.21, middle (0.5, 0.25). The
    // arc centres (0, 0) and (1, 0.5) map to 0.5 + 0.21·(c − middle).
    const { xy, labels } = gen('moons', 2, 0, 8, 1000);
    for (let i = 0; i < labels.length; i++) {
      const x = xy[2 * i];
      const y = xy[2 * i + 1];
      if (labels[i] === 0) {
        expect(Math.abs(Math.hypot(x - 0.395, y - 0.4475) - 0.21)).toBeLessThan(1e-6);
        expect(y).toBeGreaterThanOrEqual(0.4475 - 1e-6);
      } else {
        expect(Math.abs(Math.hypot(x - 0.605, y - 0.5525) - 0.21)).toBeLessThan(1e-6);
        expect(y).toBeLessThanOrEqual(0.5525 + 1e-6);
      }
    }
  });

  for (const k of [3, 4, 5]) {
    it(`moons, ${k} classes: moon c is an arc of radius 1 around (1.25c, 0.5·(c mod 2)), alternately upper and lower`, () => {
      const half = ((k - 1) * 1.25 + 2) / 2 + 0.5;
      const scale = INSET_HALF / half;
      const { xy, labels } = gen('moons', k, 0, 8, 1000);
      for (let i = 0; i < labels.length; i++) {
        const c = labels[i];
        const x = (xy[2 * i] - 0.5) / scale + ((k - 1) * 1.25) / 2;
        const y = (xy[2 * i + 1] - 0.5) / scale + 0.25;
        const cy = 0.5 * (c % 2);
        expect(Math.abs(Math.hypot(x - 1.25 * c, y - cy) - 1)).toBeLessThan(1e-5);
        if (c % 2 === 0) expect(y).toBeGreaterThanOrEqual(cy - 1e-5);
        else expect(y).toBeLessThanOrEqual(cy + 1e-5);
      }
    });
  }
});

describe('toyPoints: noise', () => {
  it('blobs: the mean distance to the class centre grows with the noise, as σ·√(π/2) times the scale', () => {
    const k = 3;
    const r = 1 / (2 * Math.sin(Math.PI / k));
    const scale = INSET_HALF / (r + 0.75);
    const means = [0.05, 0.1, 0.2, 0.4].map((noise) => {
      const { xy, labels } = gen('blobs', k, noise, 12, 6000);
      let sum = 0;
      for (let i = 0; i < labels.length; i++) {
        const [cx, cy] = blobCentre(labels[i], k);
        sum += Math.hypot(xy[2 * i] - cx, xy[2 * i + 1] - cy);
      }
      return { noise, mean: sum / labels.length };
    });
    for (let i = 1; i < means.length; i++) expect(means[i].mean).toBeGreaterThan(means[i - 1].mean * 1.5);
    // The mean radius of a 2-D Gaussian of standard deviation σ is σ·√(π/2); below the clamping
    // range it must match within a few percent.
    for (const { noise, mean } of means.slice(0, 3)) {
      expect(mean / (noise * Math.sqrt(Math.PI / 2) * scale)).toBeGreaterThan(0.95);
      expect(mean / (noise * Math.sqrt(Math.PI / 2) * scale)).toBeLessThan(1.05);
    }
  });

  for (const id of ['moons', 'circles', 'spiral', 'blobs'] as const) {
    for (const k of CLASS_COUNTS) {
      it(`${id}, ${k} classes: separable at noise 0.05 (1-NN leave-one-out > 0.95), far less at 0.5`, () => {
        const clean = gen(id, k, 0.05, 21, 600);
        const noisy = gen(id, k, 0.5, 21, 600);
        const accClean = looNearestNeighbour(clean.xy, clean.labels);
        const accNoisy = looNearestNeighbour(noisy.xy, noisy.labels);
        expect(accClean).toBeGreaterThan(0.95);
        expect(accNoisy).toBeLessThan(0.85);
        expect(accClean - accNoisy).toBeGreaterThan(0.15);
      });
    }
  }

  it('xor: neighbours agree far more at noise 0.05 than at 0.5', () => {
    for (const k of CLASS_COUNTS) {
      const clean = gen('xor', k, 0.05, 21, 600);
      const noisy = gen('xor', k, 0.5, 21, 600);
      expect(looNearestNeighbour(clean.xy, clean.labels) - looNearestNeighbour(noisy.xy, noisy.labels)).toBeGreaterThan(0.2);
    }
  });
});

describe('toyPoints: speed', () => {
  it('draws 8,000 points well within a frame budget', () => {
    // The playground regenerates its data whenever a data setting moves. The bound is loose
    // (typical runs take a few milliseconds) so that a busy test machine does not fail it.
    for (const id of TOY_IDS) {
      const spec: ToySpec = { id, classes: 5, noise: 0.1, seed: 1 };
      toyPoints(spec, 8000, createRng(1));
      let best = Infinity;
      for (let run = 0; run < 5; run++) {
        const t0 = performance.now();
        toyPoints(spec, 8000, createRng(run));
        best = Math.min(best, performance.now() - t0);
      }
      expect(best).toBeLessThan(50);
    }
  });
});

describe('toyPoints: validation', () => {
  const ok: ToySpec = { id: 'moons', classes: 2, noise: 0.1, seed: 1 };
  const bad: [string, Partial<ToySpec>][] = [
    ['unknown id', { id: 'mnist' as ToyId }],
    ['classes 1', { classes: 1 }],
    ['classes 6', { classes: 6 }],
    ['classes 2.5', { classes: 2.5 }],
    ['classes NaN', { classes: Number.NaN }],
    ['noise −0.01', { noise: -0.01 }],
    ['noise 0.51', { noise: 0.51 }],
    ['noise NaN', { noise: Number.NaN }],
    ['noise Infinity', { noise: Infinity }],
    ['seed −1', { seed: -1 }],
    ['seed 1.5', { seed: 1.5 }],
    ['seed 2^32', { seed: 2 ** 32 }],
    ['seed NaN', { seed: Number.NaN }],
  ];
  for (const [name, patch] of bad) {
    it(`throws RangeError on ${name}`, () => {
      expect(() => toyPoints({ ...ok, ...patch }, 10, createRng(1))).toThrow(RangeError);
    });
  }

  for (const count of [-1, 1.5, Number.NaN, Infinity]) {
    it(`throws RangeError on count ${String(count)}`, () => {
      expect(() => toyPoints(ok, count, createRng(1))).toThrow(RangeError);
    });
  }

  it('accepts the ends of the ranges', () => {
    expect(() => toyPoints({ ...ok, classes: TOY_CLASSES_MIN, noise: 0, seed: 0 }, 10, createRng(0))).not.toThrow();
    expect(() => toyPoints({ ...ok, classes: TOY_CLASSES_MAX, noise: 0.5, seed: 2 ** 32 - 1 }, 10, createRng(0))).not.toThrow();
  });
});

describe('isToyId, TOY_INFO, toyClassNames', () => {
  it('isToyId accepts the generators only', () => {
    for (const id of TOY_IDS) expect(isToyId(id)).toBe(true);
    for (const id of ['mnist', '', 'Moons', 'toString', 'constructor']) expect(isToyId(id)).toBe(false);
  });

  it('TOY_INFO has a label and a description for every generator', () => {
    expect(Object.keys(TOY_INFO).sort()).toEqual([...TOY_IDS].sort());
    for (const id of TOY_IDS) {
      expect(TOY_INFO[id].label.length).toBeGreaterThan(0);
      expect(TOY_INFO[id].description.length).toBeGreaterThan(0);
    }
  });

  it('toyClassNames gives short distinct names, A, B, …', () => {
    expect(toyClassNames(2)).toEqual(['A', 'B']);
    expect(toyClassNames(5)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(() => toyClassNames(1)).toThrow(RangeError);
    expect(() => toyClassNames(6)).toThrow(RangeError);
    expect(() => toyClassNames(2.5)).toThrow(RangeError);
  });
});
