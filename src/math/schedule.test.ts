import { describe, expect, it } from 'vitest';
import { budgetSchedule } from './schedule';

describe('budgetSchedule', () => {
  it('doubles from 150 to the paper budget 19,200 (8 steps)', () => {
    expect(budgetSchedule(19200)).toEqual([150, 300, 600, 1200, 2400, 4800, 9600, 19200]);
  });
  it('ends exactly at a budget off the doubling grid', () => {
    expect(budgetSchedule(1000)).toEqual([150, 300, 600, 1000]);
    expect(budgetSchedule(150)).toEqual([150]);
    expect(budgetSchedule(100)).toEqual([100]);
  });
  it('rejects non-integers and non-positive budgets', () => {
    expect(() => budgetSchedule(0)).toThrow(RangeError);
    expect(() => budgetSchedule(Number.NaN)).toThrow(RangeError);
  });
});
