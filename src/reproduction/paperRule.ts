/**
 * How the reverse-sigmoid paper picks a defense's parameters from a grid (Sec. IV-B), used for
 * the baselines' noise scale and for the β sweep.
 */

/** The paper's rule for picking a defense's parameters (reverse sigmoid, Sec. IV-B). */
export const STEALING_DROP_RULE = 0.2;

/**
 * Reverse sigmoid, Sec. IV-B: "the highest cosine similarity to the original model with at least
 * 20% accuracy drop in stealing … When we cannot find parameters satisfying 20% accuracy drop in
 * stealing, we instead choose the parameters with the highest accuracy drop".
 */
export function chooseByPaperRule<T extends { drop: number; cosine: number }>(grid: readonly T[]): T | null {
  if (grid.length === 0) return null;
  const qualifying = grid.filter((g) => g.drop >= STEALING_DROP_RULE);
  if (qualifying.length) return qualifying.reduce((best, g) => (g.cosine > best.cosine ? g : best));
  return grid.reduce((best, g) => (g.drop > best.drop ? g : best));
}
