import { describe, expect, it } from 'vitest';
import { RS_GRID_BETAS, RS_GRID_GAMMAS } from './rsGridCells';
import { chooseByPaperRule as choosePaperRuleGuarded, STEALING_DROP_RULE as STEALING_DROP } from './paperRule';
import { cellsToTrain, gridHeatmaps, RS_GRID_ANALYTIC } from './rsGridSearch';

describe('chooseByPaperRule, with the honest-user guard', () => {
  it('never picks a cell that breaks honest users, even with the best cosine and a large drop', () => {
    const grid = [
      { id: 'breaks P(M)', P: 0.2, drop: 0.9, cosine: 0.8 },
      { id: 'good', P: 0.995, drop: 0.25, cosine: 0.45 },
      { id: 'safe but weak', P: 1, drop: 0.05, cosine: 0.9 },
      { id: 'strong, lower cosine', P: 0.999, drop: 0.5, cosine: 0.3 },
    ];
    expect(choosePaperRuleGuarded(grid)?.id).toBe('good');
  });
  it('falls back to the largest drop among the guarded cells when none reaches 0.20', () => {
    const grid = [
      { id: 'a', P: 0.99, drop: 0.1, cosine: 0.5 },
      { id: 'b', P: 0.5, drop: 0.6, cosine: 0.2 },
      { id: 'c', P: 1, drop: 0.15, cosine: 0.4 },
    ];
    expect(choosePaperRuleGuarded(grid)?.id).toBe('c');
  });
  it('returns null when no cell passes the guard, and takes the guard as given', () => {
    expect(choosePaperRuleGuarded([{ P: 0.98, drop: 0.5, cosine: 0.5 }])).toBeNull();
    expect(choosePaperRuleGuarded([{ P: 0.98, drop: 0.5, cosine: 0.5 }], 0.9)).not.toBeNull();
    expect(choosePaperRuleGuarded([])).toBeNull();
  });
  it('counts a drop of exactly 0.20 as qualifying', () => {
    const grid = [
      { id: 'edge', P: 1, drop: STEALING_DROP, cosine: 0.6 },
      { id: 'big', P: 1, drop: 0.4, cosine: 0.3 },
    ];
    expect(choosePaperRuleGuarded(grid)?.id).toBe('edge');
  });
});

describe('the committed analytic pass', () => {
  it('covers the whole grid for both data sets with figures in range', () => {
    for (const ds of ['mnist', 'fashion-mnist']) {
      const d = RS_GRID_ANALYTIC.datasets[ds];
      expect(d.testImages).toBe(10000);
      expect(d.cells).toHaveLength(RS_GRID_BETAS.length * RS_GRID_GAMMAS.length);
      for (const c of d.cells) {
        for (const v of [c.topUnchanged, c.cosine, c.mae, c.meanMargin, c.marginP01]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(c.marginP01).toBeLessThanOrEqual(c.meanMargin + 1e-9);
      }
    }
  });
  it('matches what the reverse sigmoid must do at its landmarks', () => {
    const cell = (beta: number, gamma: number) => RS_GRID_ANALYTIC.datasets.mnist.cells.find((c) => c.beta === beta && c.gamma === gamma)!;
    // β = 1, γ = 1: r(y) = y − ½, so every entry becomes ½: all ties, no top class survives.
    expect(cell(1, 1).topUnchanged).toBe(0);
    expect(cell(1, 1).meanMargin).toBe(0);
    // β = 0.8 with γ ≤ 1 keeps every top class (confident answers: f(1) = 0.6 > f(0) = 0.4).
    for (const g of [0.05, 0.1, 0.2, 0.3, 0.5, 1]) expect(cell(0.8, g).topUnchanged).toBe(1);
    // Stronger β costs more cosine at the same γ.
    expect(cell(1.2, 0.5).cosine).toBeLessThan(cell(0.8, 0.5).cosine);
  });
  it('trains only cells that keep the top class for ≥ 99%, highest cosine first', () => {
    const cells = cellsToTrain('mnist');
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((c) => c.topUnchanged >= 0.99)).toBe(true);
    for (let i = 1; i < cells.length; i++) expect(cells[i].cosine).toBeLessThanOrEqual(cells[i - 1].cosine);
  });
});

describe('gridHeatmaps', () => {
  it('marks the guard-failing cells excluded on the trained maps, not on the analytic one', () => {
    const d = RS_GRID_ANALYTIC.datasets.mnist;
    const maps = gridHeatmaps(d, [...RS_GRID_BETAS], [...RS_GRID_GAMMAS], [{ beta: 1, gamma: 0.5, P: 0.997, S_M: 0.97, S_RS: 0.54, drop: 0.43, cosine: 0.34, mae: 0.18, kl: 2.2 }], { beta: 1, gamma: 0.5 });
    const [drop, , top] = maps;
    expect(drop.cells.find((c) => c.beta === 1 && c.gamma === 1)?.excluded).toBe(true);
    expect(drop.cells.find((c) => c.beta === 1 && c.gamma === 0.5)).toMatchObject({ value: 0.43, excluded: false });
    expect(drop.cells.find((c) => c.beta === 0.8 && c.gamma === 0.5)?.value).toBeNull();
    expect(top.cells.every((c) => !c.excluded && c.value !== null)).toBe(true);
  });
});
