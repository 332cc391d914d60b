/**
 * Which runs may train in one pass: runs that differ only in the reverse sigmoid's β and γ share
 * their defender, their queries and their undefended thief, so the engine trains them together
 * (engine/experiment.ts runExperimentGroup) and each still gets exactly the numbers of its own run.
 * The grid search is such a list; the reproduction (the page's and the scripts') cuts its runs
 * into passes here.
 */
import type { Params } from './schema';

/** The settings of a run but β and γ, in a fixed key order: equal for runs that may share a pass. */
export function settingsBesidesBetaGamma(config: Params): string {
  const rest = Object.entries(config)
    .filter(([key]) => key !== 'beta' && key !== 'gamma')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(rest);
}

/**
 * Whether `configs` may run as one group: the same run but for the reverse sigmoid's β and γ, and
 * an attack whose thieves all ask the same queries and learn from the answers alone (not
 * Jacobian, which grows each thief's own set; not the inversion MLP or the same-defense-layer
 * loss, which depend on the defense's setting). Returns why not, or null.
 */
export function groupProblem(configs: readonly Params[]): string | null {
  if (configs.length === 0) return 'no configs';
  if (configs.length === 1) return null;
  const base = configs[0];
  if (base.defense !== 'reverse-sigmoid') return `a group varies the reverse sigmoid's β and γ; the defense is ${base.defense}`;
  if (base.attack === 'jacobian' || base.attack === 'inversion' || base.attack === 'rs-layer') return `the ${base.attack} attack depends on each thief's own queries or on the defense's setting`;
  const rest = settingsBesidesBetaGamma(base);
  return configs.some((c) => settingsBesidesBetaGamma(c) !== rest) ? 'the configs differ in more than β and γ' : null;
}

/**
 * `items` cut into passes of up to `size` whose configs may share one (groupProblem), each pass
 * where its first item stood in the list; an item that can share with none is a pass alone.
 * Within a pass the items keep their list order; every item is in exactly one pass.
 */
export function cutIntoPasses<T>(items: readonly T[], configOf: (item: T) => Params, size: number): T[][] {
  if (size <= 1) return items.map((item) => [item]);
  const open = new Map<string, T[]>();
  const out: T[][] = [];
  for (const item of items) {
    const config = configOf(item);
    const key = settingsBesidesBetaGamma(config);
    const pass = open.get(key);
    if (pass && pass.length < size && groupProblem([configOf(pass[0]), config]) === null) {
      pass.push(item);
      continue;
    }
    const fresh = [item];
    out.push(fresh);
    open.set(key, fresh);
  }
  return out;
}
