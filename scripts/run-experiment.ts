/**
 * Runs one experiment from the command line with the engine the page uses (runExperiment), on the
 * WASM backend in Node, configured by a share-link hash:
 *
 *   npx tsx scripts/run-experiment.ts '#v=1&def=epsilon&eps=0.01' [--json out.json]
 *
 * The defender comes from public/models (shipped weights) when the key matches, else it is trained.
 * Prints one line per budget step and the summary.
 */
import { writeFileSync } from 'node:fs';
import { parseHash } from '../src/params/codec';
import { startNodeEngine } from './lib/nodeEngine';

async function main() {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonPath = jsonAt >= 0 ? args[jsonAt + 1] : null;
  // The hash is the one argument that is neither an option nor the --json file name.
  const hash = args.find((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1)) ?? '';
  if (!hash) console.warn('no share-link hash given: running the defaults');
  const { params: config, issues } = parseHash(hash);
  for (const issue of issues) console.warn(`link: ${issue.message}`);
  const engine = await startNodeEngine();
  const t0 = performance.now();
  const { summary, points } = await engine.run(config, (e) => {
    if (e.type === 'phase') console.log(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${e.phase}: ${e.detail}`);
    if (e.type === 'defender') console.log(`  defender ${e.source}, accuracy ${(e.testAccuracy * 100).toFixed(2)}%`);
    if (e.type === 'point') {
      const p = e.point;
      console.log(
        `  ${String(p.queries).padStart(6)} queries  undefended acc ${p.undefended.accuracy.toFixed(3)} agr ${p.undefended.agreement.toFixed(3)}` +
          `  defended acc ${p.defended.accuracy.toFixed(3)} agr ${p.defended.agreement.toFixed(3)}  [${((performance.now() - t0) / 1000).toFixed(0)} s]`,
      );
    }
  });
  const c = summary.final.cost;
  console.log(
    `summary: defender ${summary.defenderAccuracy.toFixed(4)}, protected ${summary.protectedAccuracy.toFixed(4)} (top class unchanged ${summary.protectedAgreement.toFixed(4)}); ` +
      `cost: argmax unchanged ${c.argmaxUnchanged.toFixed(4)}, cos ${c.cosine.toFixed(3)}, MAE ${c.mae.toFixed(3)}, KL ${c.kl.toFixed(3)}; ` +
      `agreement drop ${(summary.final.undefended.agreement - summary.final.defended.agreement).toFixed(3)}; ` +
      `FGSM(ε=${summary.fgsm.epsilon}) defender acc: clean ${summary.fgsm.clean.toFixed(3)}, on undefended thief's ${summary.fgsm.undefended.toFixed(3)}, on defended thief's ${summary.fgsm.defended.toFixed(3)}; ` +
      `${(summary.wallMs / 1000).toFixed(0)} s on ${summary.backend}`,
  );
  if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify({ config, summary, points }, null, 2)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
