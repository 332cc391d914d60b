import { describe, expect, it } from 'vitest';
import { BACKGROUND, blendPixels, CLASS_COLOURS, confidenceOf, paintRegions } from './heatmap';

describe('confidenceOf', () => {
  it('is 0 at a uniform answer, 1 at a certain one, linear between', () => {
    expect(confidenceOf(1 / 3, 3)).toBeCloseTo(0, 12);
    expect(confidenceOf(1, 3)).toBe(1);
    // Halfway from 1/2 to 1 with K = 2.
    expect(confidenceOf(0.75, 2)).toBeCloseTo(0.5, 12);
  });
  it('clamps answers off the simplex and maps NaN to 0', () => {
    expect(confidenceOf(1.3, 2)).toBe(1);
    expect(confidenceOf(0.1, 2)).toBe(0);
    expect(confidenceOf(Number.NaN, 2)).toBe(0);
  });
});

describe('paintRegions', () => {
  it('paints each cell in its top class, mixed with the background by confidence (hand-derived pixels)', () => {
    // 2 × 2 cells, K = 2: certain class 0, certain class 1, uniform, 75% class 1.
    const probs = Float32Array.from([1, 0, 0, 1, 0.5, 0.5, 0.25, 0.75]);
    const px = paintRegions(probs, 2, 2);
    expect(Array.from(px.subarray(0, 4))).toEqual([...CLASS_COLOURS[0], 255]);
    expect(Array.from(px.subarray(4, 8))).toEqual([...CLASS_COLOURS[1], 255]);
    expect(Array.from(px.subarray(8, 12))).toEqual([...BACKGROUND, 255]);
    // t = 0.5 toward class 1's (230, 159, 0) from white: (242.5, 207, 127.5), rounded.
    expect(Array.from(px.subarray(12, 16))).toEqual([243, 207, 128, 255]);
  });
  it('paints a non-finite answer grey rather than as a class', () => {
    const px = paintRegions(Float32Array.from([Number.NaN, 0.2]), 1, 2);
    expect(Array.from(px)).toEqual([128, 128, 128, 255]);
  });
  it('rejects a grid of the wrong size or too many classes', () => {
    expect(() => paintRegions(new Float32Array(5), 2, 2)).toThrow(RangeError);
    expect(() => paintRegions(new Float32Array(6), 1, 6)).toThrow(RangeError);
  });
});

describe('blendPixels', () => {
  it('goes from the first picture to the second', () => {
    const a = Uint8ClampedArray.from([0, 100, 200, 255]);
    const b = Uint8ClampedArray.from([100, 100, 0, 255]);
    expect(Array.from(blendPixels(a, b, 0))).toEqual([0, 100, 200, 255]);
    expect(Array.from(blendPixels(a, b, 1))).toEqual([100, 100, 0, 255]);
    expect(Array.from(blendPixels(a, b, 0.5))).toEqual([50, 100, 100, 255]);
  });
});
