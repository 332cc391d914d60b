import { describe, expect, it } from 'vitest';
import { throttleProgress } from './throttleProgress';

describe('throttleProgress', () => {
  it('passes the first report, then one per interval, and always the final one (hand-traced clock)', () => {
    const seen: [number, number][] = [];
    let t = 0;
    const report = throttleProgress((d, n) => seen.push([d, n]), 100, () => t);
    // One chunk every 30 ms: reports at t = 0, 120, 240 pass (≥ 100 ms apart); the final always.
    for (let i = 0; i <= 9; i++) {
      t = i * 30;
      report(i * 10, 100);
    }
    t = 280;
    report(100, 100);
    expect(seen).toEqual([
      [0, 100],
      [40, 100],
      [80, 100],
      [100, 100],
    ]);
  });
});
