import { describe, expect, it } from 'vitest';
import { analyzeReverseSigmoidGrid, gridCells } from './defenseGrid';

// Two classes, y = (0.8, 0.2). With γ = 1, s(γ·s⁻¹(y)) = y, so r(y) = β(y − ½) and
// f(y) = y − β(y − ½): every figure below follows by hand from that line.
const Y = Float32Array.from([0.8, 0.2]);

describe('analyzeReverseSigmoidGrid', () => {
  it('β = 0.5, γ = 1: ŷ = (0.65, 0.35), top class kept', () => {
    const [c] = analyzeReverseSigmoidGrid(Y, 2, [{ beta: 0.5, gamma: 1 }], [0]);
    expect(c.topUnchanged).toBe(1);
    expect(c.protectedAccuracy).toBe(1);
    expect(c.meanMargin).toBeCloseTo(0.3, 6);
    expect(c.marginP01).toBeCloseTo(0.3, 6);
    expect(c.mae).toBeCloseTo(0.15, 6);
    // (0.8·0.65 + 0.2·0.35) / (‖(0.8, 0.2)‖ · ‖(0.65, 0.35)‖) = 0.59 / (0.824621 · 0.738241)
    expect(c.cosine).toBeCloseTo(0.59 / (Math.hypot(0.8, 0.2) * Math.hypot(0.65, 0.35)), 6);
    expect(c.cosine).toBeCloseTo(0.96916, 4);
    // 0.8·ln(0.8/0.65) + 0.2·ln(0.2/0.35) = 0.166111 − 0.111923
    expect(c.kl).toBeCloseTo(0.054188, 5);
  });

  it('β = 1, γ = 1 maps every entry to ½: a tie, so the top class counts as changed', () => {
    const [c] = analyzeReverseSigmoidGrid(Y, 2, [{ beta: 1, gamma: 1 }], [0]);
    expect(c.topUnchanged).toBe(0);
    expect(c.protectedAccuracy).toBe(0);
    expect(c.meanMargin).toBeCloseTo(0, 6);
    expect(c.mae).toBeCloseTo(0.3, 6);
    // 0.8·ln(1.6) + 0.2·ln(0.4)
    expect(c.kl).toBeCloseTo(0.8 * Math.log(1.6) + 0.2 * Math.log(0.4), 5);
  });

  it('β = 1.6, γ = 1 flips the ranking: ŷ = (0.32, 0.68)', () => {
    const [c] = analyzeReverseSigmoidGrid(Y, 2, [{ beta: 1.6, gamma: 1 }], [0]);
    expect(c.topUnchanged).toBe(0);
    expect(c.protectedAccuracy).toBe(0);
    expect(c.meanMargin).toBeCloseTo(0.36, 6);
  });

  it('averages over rows and takes the 1st-percentile margin from the least sure answers', () => {
    // Row 2 is (0.55, 0.45): with β = 0.5, γ = 1 it becomes (0.525, 0.475), margin 0.05.
    const probs = Float32Array.from([0.8, 0.2, 0.55, 0.45]);
    const [c] = analyzeReverseSigmoidGrid(probs, 2, [{ beta: 0.5, gamma: 1 }]);
    expect(c.meanMargin).toBeCloseTo((0.3 + 0.05) / 2, 6);
    expect(c.marginP01).toBeCloseTo(0.05, 6);
    expect(c.protectedAccuracy).toBeNull();
  });

  it('β = 0 changes nothing', () => {
    const probs = Float32Array.from([0.7, 0.2, 0.1, 0.05, 0.9, 0.05]);
    const [c] = analyzeReverseSigmoidGrid(probs, 3, [{ beta: 0, gamma: 0.5 }], [0, 1]);
    expect(c.topUnchanged).toBe(1);
    expect(c.cosine).toBeCloseTo(1, 6);
    expect(c.mae).toBeCloseTo(0, 6);
    expect(c.kl).toBeCloseTo(0, 6);
  });

  it('rejects mismatched shapes', () => {
    expect(() => analyzeReverseSigmoidGrid(Float32Array.from([0.5, 0.3, 0.2]), 2, [])).toThrow(RangeError);
    expect(() => analyzeReverseSigmoidGrid(Y, 2, [], [0, 1])).toThrow(RangeError);
  });
});

describe('gridCells', () => {
  it('is β-major', () => {
    expect(gridCells([1, 2], [0.1, 0.5])).toEqual([
      { beta: 1, gamma: 0.1 },
      { beta: 1, gamma: 0.5 },
      { beta: 2, gamma: 0.1 },
      { beta: 2, gamma: 0.5 },
    ]);
  });
});
