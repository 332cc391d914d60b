import { describe, expect, it } from 'vitest';
import { classLogProbGram, directionAtLabel, directionAtOneHot, softmax64 } from './logitGram';

// Two classes, L = I (orthonormal logit gradients), logits [0, 0]: F = [½, ½].
const I2 = [1, 0, 0, 1];

describe('logitGram (float64 algebra on one input’s logit Gram)', () => {
  it('softmax64 is finite for huge logits and sums to 1', () => {
    const f = softmax64([1000, 0, -1000]);
    expect(f[0]).toBe(1);
    expect(f[1]).toBeCloseTo(Math.exp(-1000), 300);
    expect([...softmax64([1, 2, 3])].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });

  it('classLogProbGram: M = U L Uᵀ with rows e_k − F (hand-derived for K = 2, L = I)', () => {
    // e_0 − F = [½, −½], e_1 − F = [−½, ½]: M = [[½, −½], [−½, ½]].
    const m = classLogProbGram(Float32Array.from(I2), Float32Array.from([0, 0]), 1, 2);
    expect([...m]).toEqual([0.5, -0.5, -0.5, 0.5]);
    // Two inputs are computed independently: the second one's logits [ln 3, 0] give F = [¾, ¼],
    // rows [¼, −¼] and [−¾, ¾]: M = [[⅛, −⅜], [−⅜, 9/8]].
    const two = classLogProbGram(Float32Array.from([...I2, ...I2]), Float32Array.from([0, 0, Math.log(3), 0]), 2, 2);
    expect([...two.subarray(0, 4)]).toEqual([0.5, -0.5, -0.5, 0.5]);
    expect(two[4]).toBeCloseTo(0.125, 6);
    expect(two[5]).toBeCloseTo(-0.375, 6);
    expect(two[6]).toBeCloseTo(-0.375, 6);
    expect(two[7]).toBeCloseTo(1.125, 6);
  });

  it('directionAtOneHot: U L ũ / √(ũᵀ L ũ), with ‖Gᵀe_t‖ = S·√(ũᵀLũ) (hand-derived)', () => {
    // ũ = e_0 − softmax over the other class = [1, −1]; L ũ = [1, −1]; q = 2; Fᵀ(Lũ) = 0.
    const d = directionAtOneHot(I2, [0, 0], 0);
    expect(d.degenerate).toBe(false);
    expect(d.direction[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(d.direction[1]).toBeCloseTo(-Math.SQRT1_2, 12);
    // S = 1 − F_0 = ½.
    expect(d.gradNorm).toBeCloseTo(0.5 * Math.SQRT2, 12);
  });

  it('directionAtOneHot stays defined where F is an exact one-hot (scale-free form)', () => {
    // F = e_0 in float64 too (e^−1000 underflows): (U w)_j = w_j − w_0 with w = Lũ = [1, −1].
    const d = directionAtOneHot(I2, [1000, 0], 0);
    expect(d.degenerate).toBe(false);
    expect(d.direction[0]).toBe(0);
    expect(d.direction[1]).toBeCloseTo(-Math.SQRT2, 12);
    expect(d.gradNorm).toBe(0); // S = Σ_{j≠t} F_j underflows; the direction does not
  });

  it('directionAtLabel: zero at the model’s own output, the one-hot form at a one-hot label', () => {
    const own = directionAtLabel(I2, [0, 0], [0.5, 0.5]);
    expect(own.degenerate).toBe(true);
    expect([...own.direction]).toEqual([0, 0]);
    const viaLabel = directionAtLabel(I2, [0, 0], [1, 0]);
    const viaOneHot = directionAtOneHot(I2, [0, 0], 0);
    expect(viaLabel.direction[0]).toBeCloseTo(viaOneHot.direction[0], 12);
    expect(viaLabel.gradNorm).toBeCloseTo(viaOneHot.gradNorm, 12);
  });

  it('rejects a Gram of the wrong size and non-finite logits', () => {
    expect(() => directionAtOneHot([1, 0, 0], [0, 0], 0)).toThrow(RangeError);
    expect(() => directionAtLabel(I2, [0, Number.NaN], [1, 0])).toThrow(RangeError);
    expect(() => directionAtOneHot(I2, [0, 0], 2)).toThrow(RangeError);
  });
});
