/**
 * What the full reproduction still needs: per experiment, how many of its runs are in
 * reports/runs/*.json and the estimated 2-core time of the rest. With `--links EXPERIMENT_ID`
 * it prints that experiment's missing runs as share links, one per line, ready for
 * `scripts/run-runs.ts --links-from`.
 *
 *   npx tsx scripts/plan-status.ts
 *   npx tsx scripts/plan-status.ts --links rs-fashion-grid > /tmp/fashion.txt
 */
import { reproductionPlan } from '../src/reproduction/plan';
import { estimatedSeconds } from '../src/reproduction/scale';
import { readRunFolder } from './lib/runRecords';

const args = process.argv.slice(2);
const linksFor = args.includes('--links') ? args[args.indexOf('--links') + 1] : null;
const plan = reproductionPlan('full');
const done = readRunFolder('reports/runs');
const byKey = new Map(plan.runs.map((r) => [r.key, r]));
for (const e of plan.experiments) {
  const missing = e.runKeys.filter((k) => !done[k]);
  if (linksFor) {
    if (e.id === linksFor) for (const k of missing) console.log(k || '#v=2');
    continue;
  }
  const seconds = missing.reduce((a, k) => a + estimatedSeconds(byKey.get(k)!.config), 0);
  console.log(`${e.id.padEnd(22)} ${String(e.runKeys.length - missing.length).padStart(3)}/${String(e.runKeys.length).padEnd(3)} done, ${(seconds / 60).toFixed(0).padStart(5)} min left`);
}
