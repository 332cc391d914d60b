/**
 * Runs a list of share links one after another with the lab's engine in Node (WASM), and keeps
 * every finished run as a record (the same shape the reproduction runner keeps) in a JSON file,
 * written after each run, so an interrupted batch goes on where it stopped:
 *
 *   npx tsx scripts/run-runs.ts --out reports/runs/rs-grid-mnist.json '#v=1&beta=0.9' '#v=1&beta=1'
 *   npx tsx scripts/run-runs.ts --out … --links-from links.txt     (one link per line)
 *
 * Links already in the file (by their share link, re-derived from the stored config) are skipped,
 * and so are links found, just before their turn, in any `--skip-in FILE` (another process's
 * --out): two processes can work through one list from both ends and stop where they meet.
 * `npm run reproduce -- --resume` reads these files too, so their runs are not made twice.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseHash, toHash } from '../src/params/codec';
import { startNodeEngine } from './lib/nodeEngine';
import { readRunRecords as readRecords } from './lib/runRecords';

/** What the records say about where they were made (the report prints it beside the runs). */
const MADE_BY = 'Node (scripts/run-runs.ts, the same engine code on tfjs-backend-wasm)';

async function main() {
  const args = process.argv.slice(2);
  const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : null);
  const out = value('--out');
  if (!out) throw new Error('--out FILE is required');
  const listFile = value('--links-from');
  const skipIn = args.flatMap((a, i) => (a === '--skip-in' ? [args[i + 1]] : []));
  const flagged = new Set([out, listFile, ...skipIn].filter(Boolean));
  const links = [
    ...args.filter((a) => a.startsWith('#') && !flagged.has(a)),
    ...(listFile ? readFileSync(listFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('#')) : []),
  ];
  const records = readRecords(out);
  const todo = links
    .map((link) => {
      const { params, issues } = parseHash(link);
      if (issues.length) throw new Error(`${link}: ${issues.map((i) => i.message).join('; ')}`);
      return params;
    })
    .filter((config, i, all) => !records[toHash(config)] && all.findIndex((c) => toHash(c) === toHash(config)) === i);
  console.log(`${links.length} links, ${links.length - todo.length} already in ${out}, ${todo.length} to run`);
  mkdirSync(dirname(out), { recursive: true });
  const engine = await startNodeEngine();
  const t0 = performance.now();
  for (const [i, config] of todo.entries()) {
    const key = toHash(config);
    if (skipIn.some((file) => readRecords(file)[key])) {
      console.log(`${i + 1}/${todo.length} ${key}: already made by another process, skipped`);
      continue;
    }
    const { summary, points } = await engine.run(config);
    records[key] = { key, config, summary, points, madeBy: MADE_BY };
    writeFileSync(`${out}.tmp`, `${JSON.stringify(records)}\n`);
    renameSync(`${out}.tmp`, out);
    const f = summary.final;
    console.log(
      `[${((performance.now() - t0) / 60000).toFixed(1)} min] ${i + 1}/${todo.length} ${key || '(defaults)'}: agreement ${f.undefended.agreement.toFixed(3)} → ${f.defended.agreement.toFixed(3)}, ` +
        `top class unchanged ${summary.protectedAgreement.toFixed(4)}, cos ${f.cost.cosine.toFixed(3)}, ${(summary.wallMs / 1000).toFixed(0)} s`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
