import { describe, expect, it } from 'vitest';
import { retrainEstimate } from './retrainEstimate';

describe('retrainEstimate', () => {
  it('steps × the calibrated step time, in minutes', () => {
    // 629 steps an epoch (40,200 images in batches of 64) × 3 epochs = 1,887; × 124 ms = 234 s = 3.9 min.
    const e = retrainEstimate(1887, 124, 'WASM');
    expect(e.ms).toBeCloseTo(233_988, 6);
    expect(e.text).toBe('1,887 training steps on WASM: about 3.9 min (this browser timed 124 ms a step), then the run itself.');
  });

  it('whole minutes from ten on, and "under a minute" for a fast GPU', () => {
    expect(retrainEstimate(1887, 400, 'CPU').text).toContain('about 13 min');
    expect(retrainEstimate(1887, 10, 'WebGPU').text).toContain('under a minute');
  });

  it('no step time: says so instead of guessing', () => {
    for (const ms of [null, Number.NaN, 0]) {
      const e = retrainEstimate(629, ms, 'WASM');
      expect(e.ms).toBeNull();
      expect(e.text).toContain('not timed here');
    }
  });
});
