/**
 * How the reverse-sigmoid paper picks a defense's parameters from a grid (Sec. IV-B), used for
 * the reverse sigmoid's β × γ grid, the baselines' noise scale and the β sweep, with one guard
 * of ours: a setting that changes honest users' top class too often is never picked.
 */

/** The paper's rule for picking a defense's parameters (reverse sigmoid, Sec. IV-B). */
export const STEALING_DROP_RULE = 0.2;

/**
 * The guard: P(M, defense), how often the protected model's top class is the defender's, must be
 * at least this. The paper's own setting keeps 0.99 (Table I); without the guard the rule picks
 * β = 1.6, which flips the ranking (P(M) = 0) and so "drops" the thief's agreement to 0.
 */
export const HONEST_USER_GUARD = 0.99;

/**
 * Reverse sigmoid, Sec. IV-B: "the highest cosine similarity to the original model with at least
 * 20% accuracy drop in stealing … When we cannot find parameters satisfying 20% accuracy drop in
 * stealing, we instead choose the parameters with the highest accuracy drop" — among the
 * settings with P ≥ minP only. null when none passes the guard.
 */
export function chooseByPaperRule<T extends { drop: number; cosine: number; P: number }>(grid: readonly T[], minP = HONEST_USER_GUARD): T | null {
  const usable = grid.filter((g) => g.P >= minP);
  if (usable.length === 0) return null;
  const qualifying = usable.filter((g) => g.drop >= STEALING_DROP_RULE);
  if (qualifying.length) return qualifying.reduce((best, g) => (g.cosine > best.cosine ? g : best));
  return usable.reduce((best, g) => (g.drop > best.drop ? g : best));
}
