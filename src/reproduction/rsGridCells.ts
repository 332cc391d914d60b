/**
 * The reverse-sigmoid grid search's cells: dense in β between 0.8 and 1.2, where the defense goes
 * from letting a thief through to changing honest users' labels (for a confident answer the top
 * class sinks below the rest once β/2 > 1 − β/2, i.e. β > 1), and over γ from nearly flat
 * (0.05) to steep (2). 8 × 7 = 56 cells; β-major.
 */
export const RS_GRID_BETAS = [0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2] as const;
export const RS_GRID_GAMMAS = [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2] as const;
/** A cell is trained (and may be chosen) only if honest users keep their top class this often. */
export { HONEST_USER_GUARD as RS_GRID_MIN_TOP_UNCHANGED } from './paperRule';

/** One heatmap of the grid search (drop or cosine over β × γ), as the report stores it. */
export interface GridHeatmapData {
  metric: 'drop' | 'cosine' | 'topUnchanged';
  title: string;
  betas: number[];
  gammas: number[];
  /** One per grid cell; value null: not trained (or not measured). */
  cells: { beta: number; gamma: number; value: number | null; excluded: boolean }[];
  /** The cell the paper's rule (with the honest-user guard) chose, if any. */
  chosen: { beta: number; gamma: number } | null;
}
