/**
 * The reverse-sigmoid grid search of the paper's Sec. IV-B, the report side: the analytic pass
 * (rsGridAnalytic.json, made by scripts/rs-grid-analytic.ts) screens every (β, γ) cell on the
 * defender's own test answers; the cells that keep honest users' top class (P(M, RS) ≥ 0.99)
 * are trained; the paper's rule then picks, among those only, the highest cosine with a stealing
 * drop ≥ 0.20 (else the largest drop). A cell that breaks honest users can never be chosen.
 */
import type { AnalyticCell } from '../math/defenseGrid';
import type { RunSummary } from '../engine/protocol';
import analyticJson from './rsGridAnalytic.json';
import { RS_GRID_MIN_TOP_UNCHANGED, type GridHeatmapData } from './rsGridCells';

/** One cell of the committed analytic pass: exactly what the math layer's analytic pass computes. */
export type AnalyticCellRecord = AnalyticCell;

export interface AnalyticDataset {
  defender: string;
  testImages: number;
  defenderAccuracy: number;
  msForGrid: number;
  cells: AnalyticCellRecord[];
}

export interface AnalyticGrid {
  betas: number[];
  gammas: number[];
  minTopUnchanged: number;
  datasets: Record<string, AnalyticDataset>;
}

export const RS_GRID_ANALYTIC = analyticJson as unknown as AnalyticGrid;

/** The cells of a data set that the analytic pass lets through to training, highest cosine first. */
export function cellsToTrain(dataset: string, grid: AnalyticGrid = RS_GRID_ANALYTIC): AnalyticCellRecord[] {
  const cells = grid.datasets[dataset]?.cells ?? [];
  return cells.filter((c) => c.topUnchanged >= RS_GRID_MIN_TOP_UNCHANGED).sort((a, b) => b.cosine - a.cosine);
}

export interface TrainedCell {
  beta: number;
  gamma: number;
  /** P(M, RS) measured in the run (eval images). */
  P: number;
  S_M: number;
  S_RS: number;
  drop: number;
  /** Cost over the thief's queries, as the paper's Table II measures it. */
  cosine: number;
  mae: number;
  kl: number;
}

export function trainedCell(beta: number, gamma: number, summary: RunSummary): TrainedCell {
  const f = summary.final;
  return {
    beta,
    gamma,
    P: summary.protectedAgreement,
    S_M: f.undefended.agreement,
    S_RS: f.defended.agreement,
    drop: f.undefended.agreement - f.defended.agreement,
    cosine: f.cost.cosine,
    mae: f.cost.mae,
    kl: f.cost.kl,
  };
}

/** The heatmaps of one data set's grid: stealing drop and cosine of the trained cells, and the analytic P(M, RS). */
export function gridHeatmaps(analytic: AnalyticDataset, betas: number[], gammas: number[], trained: readonly TrainedCell[], chosen: { beta: number; gamma: number } | null): GridHeatmapData[] {
  const find = (beta: number, gamma: number) => trained.find((t) => t.beta === beta && t.gamma === gamma) ?? null;
  const excluded = (c: AnalyticCellRecord) => c.topUnchanged < RS_GRID_MIN_TOP_UNCHANGED;
  const map = (metric: GridHeatmapData['metric'], title: string, value: (c: AnalyticCellRecord) => number | null, exclude: boolean): GridHeatmapData => ({
    metric,
    title,
    betas,
    gammas,
    cells: analytic.cells.map((c) => ({ beta: c.beta, gamma: c.gamma, value: value(c), excluded: exclude && excluded(c) })),
    chosen: chosen ? { beta: chosen.beta, gamma: chosen.gamma } : null,
  });
  return [
    map('drop', 'stealing drop S(M) − S(M, RS)', (c) => find(c.beta, c.gamma)?.drop ?? null, true),
    map('cosine', 'cosine(M, P) over the queries', (c) => find(c.beta, c.gamma)?.cosine ?? null, true),
    map('topUnchanged', 'P(M, RS): top class unchanged, all 10,000 test images (analytic)', (c) => c.topUnchanged, false),
  ];
}
