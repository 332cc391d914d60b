import { describe, expect, it } from 'vitest';
import { selectEpsilonQuery } from './epsilonQuery';

describe('ε query selector (page-side y* from a probed direction)', () => {
  const probe = {
    probeId: 1, pixels: [], label: 0,
    original: [0.9, 0.1, 0],
    directionOneHot: [1, -1, 0.5],
    directionAtY: [0, 0, 0],
    degenerateAtY: true,
  };
  it('raw: y + ε·sign(d), hand values, sum and smallest entry', () => {
    const v = selectEpsilonQuery(probe, 0.01, 'none', 'onehot');
    expect(v.rows.map((r) => r.yStar)).toEqual([0.91, 0.09, 0.01].map((x) => expect.closeTo(x, 6)));
    expect(v.rows.map((r) => r.sign)).toEqual([1, -1, 1]);
    expect(v.sum).toBeCloseTo(1.01, 6);
    expect(v.minEntry).toBeCloseTo(0.01, 6);
    expect(v.argmaxUnchanged).toBe(true);
    expect(v.rounds).toBeNull();
  });
  it('renormalizations: winner-takes-all sums to 1, centering reports its rounds', () => {
    expect(selectEpsilonQuery(probe, 0.01, 'winner-takes-all', 'onehot').sum).toBeCloseTo(1, 6);
    const c = selectEpsilonQuery(probe, 0.01, 'centering', 'onehot');
    expect(Math.abs(c.sum - 1)).toBeLessThan(1e-3);
    expect(c.rounds).toBeGreaterThanOrEqual(1);
  });
  it('at y the direction is degenerate: y* = y', () => {
    const v = selectEpsilonQuery(probe, 0.05, 'none', 'at-y');
    expect(v.degenerate).toBe(true);
    expect(v.rows.map((r) => r.yStar)).toEqual(v.rows.map((r) => expect.closeTo(r.y, 6)));
  });
});
