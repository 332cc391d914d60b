import { describe, expect, it } from 'vitest';
import { ambiguousBands, reverseSigmoidCurve } from './curves';

describe('ambiguousBands', () => {
  it('a monotone curve has no ambiguous outputs', () => {
    expect(ambiguousBands([0, 0.1, 0.2, 0.5, 1])).toEqual([]);
    expect(ambiguousBands([1, 0.5, 0.2, 0])).toEqual([]);
  });

  it('a parabola (y − ½)² is ambiguous on (0, ¼]', () => {
    const xs = Array.from({ length: 101 }, (_, i) => i / 100);
    const bands = ambiguousBands(xs.map((x) => (x - 0.5) ** 2));
    expect(bands).toHaveLength(1);
    expect(bands[0].from).toBeCloseTo(0, 12);
    expect(bands[0].to).toBeCloseTo(0.25, 12);
  });

  it('a rise–fall–rise curve is ambiguous exactly where two runs overlap', () => {
    // runs: [0, 3], [1, 3] (falling), [1, 4]: values in (1, 3) are hit three times, (3, 4) once.
    expect(ambiguousBands([0, 3, 1, 4])).toEqual([{ from: 1, to: 3 }]);
  });
});

describe('reverseSigmoidCurve', () => {
  it('samples y on [0, 1] and is consistent: unnormalized = y − r', () => {
    const pts = reverseSigmoidCurve(0.8, 0.5, 11);
    expect(pts.map((p) => p.y)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    for (const p of pts) expect(p.unnormalized).toBeCloseTo(p.y - p.r, 12);
    // r(½) = β(s(0) − ½) = 0.
    expect(pts[5].r).toBeCloseTo(0, 12);
  });

  it('β = 0 leaves every value unchanged', () => {
    for (const p of reverseSigmoidCurve(0, 1, 21)) {
      expect(p.r).toBe(0);
      expect(p.normalized).toBeCloseTo(p.y, 6);
    }
  });

  it('γ < 1 makes the curve non-invertible near y = 0 (paper: two y per ŷ in [0, β/2])', () => {
    const pts = reverseSigmoidCurve(0.8, 0.5, 2001);
    const bands = ambiguousBands(pts.map((p) => p.unnormalized));
    expect(bands.length).toBeGreaterThan(0);
    // y − r(y) starts at β/2 = 0.4 at y = 0, dips, then rises: values just under 0.4 repeat.
    expect(bands[0].to).toBeCloseTo(0.4, 3);
  });

  it('γ ≥ 1 with βγ < 1 is invertible; βγ > 1 is not', () => {
    const invertible = reverseSigmoidCurve(0.5, 1.5, 2001);
    expect(ambiguousBands(invertible.map((p) => p.unnormalized))).toEqual([]);
    const folded = reverseSigmoidCurve(1, 3, 2001);
    expect(ambiguousBands(folded.map((p) => p.unnormalized)).length).toBeGreaterThan(0);
  });
});
