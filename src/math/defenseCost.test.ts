import { describe, expect, it } from 'vitest';
import { addToCost, emptyCost } from './defenseCost';

describe('defense cost accumulator', () => {
  it('identical answers cost nothing', () => {
    const y = new Float32Array([0.7, 0.2, 0.1, 0.1, 0.1, 0.8]);
    const c = addToCost(emptyCost(), y, y, 3);
    expect(c).toMatchObject({ count: 2, argmaxUnchanged: 1, mae: 0, kl: 0, meanSum: expect.closeTo(1, 6) });
    expect(c.cosine).toBeCloseTo(1, 6);
    expect(c.minEntry).toBeCloseTo(0.1, 6);
  });

  it('averages over batches weighted by their size (hand-derived)', () => {
    // Batch 1: one row, argmax flips (0 → 1). Batch 2: two rows, unchanged. Rate = 2/3.
    const a1 = new Float32Array([0.6, 0.4]);
    const d1 = new Float32Array([0.4, 0.6]);
    const a2 = new Float32Array([1, 0, 0, 1]);
    let c = addToCost(emptyCost(), a1, d1, 2);
    c = addToCost(c, a2, a2, 2);
    expect(c.argmaxUnchanged).toBeCloseTo(2 / 3, 12);
    // MAE: batch 1 = 0.2 per dimension, batch 2 = 0 → (0.2·1 + 0·2)/3.
    expect(c.mae).toBeCloseTo(0.2 / 3, 6);
    // KL([0.6,0.4] ‖ [0.4,0.6]) = 0.6 ln 1.5 + 0.4 ln(2/3) = 0.2 ln 1.5 = 0.081093.
    expect(c.kl).toBeCloseTo((0.2 * Math.log(1.5)) / 3, 6);
  });

  it('reports the raw range of ε answers and stays finite', () => {
    const y = new Float32Array([0.999, 0.001, 0]);
    const raw = new Float32Array([1.002, -0.002, -0.003]);
    const c = addToCost(emptyCost(), y, raw, 3);
    expect(c.minEntry).toBeCloseTo(-0.003, 6);
    expect(c.meanSum).toBeCloseTo(0.997, 6);
    expect(Number.isFinite(c.kl)).toBe(true);
  });
});
