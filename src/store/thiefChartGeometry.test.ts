import { describe, expect, it } from 'vitest';
import { nearestRow, thiefChartGeometry } from './thiefChartGeometry';
import type { ThiefChartData } from './thiefChart';

// A 628 × 374 box: the plot runs 60–600 across (540 px) and 20–320 down (300 px).
const DATA: ThiefChartData = {
  rows: [
    { queries: 150, undefendedAccuracy: 0.5, defendedAccuracy: 0.3, undefendedAgreement: 0.6, defendedAgreement: 0.2 },
    { queries: 600, undefendedAccuracy: 0.8, defendedAccuracy: 0.4, undefendedAgreement: 0.9, defendedAgreement: 0.1 },
  ],
  xDomain: [150, 1200],
  xTicks: [150, 300, 600, 1200],
  defenderAccuracy: 0.99,
  chance: 0.1,
};

describe('thief chart geometry', () => {
  it('puts the budget steps on a log axis (each doubling a third of 540 px) and 0–100% on 300 px', () => {
    const g = thiefChartGeometry(DATA, 628, 374);
    expect(g.plot).toEqual({ left: 60, right: 600, top: 20, bottom: 320 });
    expect(g.xTicks).toEqual([
      { x: 60, label: '150' },
      { x: 240, label: '300' },
      { x: 420, label: '600' },
      { x: 600, label: '1,200' },
    ]);
    expect(g.yTicks.map((t) => [t.y, t.label])).toEqual([
      [320, '0%'],
      [260, '20%'],
      [200, '40%'],
      [140, '60%'],
      [80, '80%'],
      [20, '100%'],
    ]);
    expect(g.rowX).toEqual([60, 420]);
    // y = 320 − 300·value: 0.5 → 170, 0.8 → 80.
    expect(g.lines.undefendedAccuracy.d).toBe('M60.0,170.0L420.0,80.0');
    expect(g.lines.defendedAgreement.points).toEqual([
      { x: 60, y: 260 },
      { x: 420, y: 290 },
    ]);
    expect(g.defender).toEqual({ y: 23, label: 'defender 99%' });
    expect(g.chance).toEqual({ y: 290, label: 'chance 10%' });
  });

  it('draws no curve and no defender line before a run, and a one-step axis in the middle', () => {
    const g = thiefChartGeometry({ ...DATA, rows: [], defenderAccuracy: null, xDomain: [150, 150], xTicks: [150] }, 628, 374);
    expect(g.lines.defendedAccuracy).toEqual({ d: '', points: [] });
    expect(g.defender).toBeNull();
    expect(g.xTicks).toEqual([{ x: 330, label: '150' }]);
  });

  it('picks the row nearest the pointer, the first of a tie', () => {
    expect(nearestRow([60, 420], 239)).toBe(0);
    expect(nearestRow([60, 420], 241)).toBe(1);
    expect(nearestRow([60, 420], 240)).toBe(0);
    expect(nearestRow([60, 420], 9999)).toBe(1);
    expect(nearestRow([], 100)).toBeNull();
  });
});
