/**
 * Makes the recorded replays the lab's presets play (public/demos/<id>.json): each preset's share
 * link run to the end by the lab's own engine in Node (WASM), every event it sends kept, and the
 * file checked against the same schema the page reads it with.
 *
 *   npm run demos                 every preset whose demo is missing
 *   npm run demos -- --all        remake them all
 *   npm run demos -- works argmax only these
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseHash } from '../src/params/codec';
import { PRESETS, demoPath } from '../src/params/presets';
import { makeRecording, parseRecording } from '../src/store/recordedRun';
import type { EngineEvent, SampleAnswer } from '../src/engine/protocol';
import { startNodeEngine } from './lib/nodeEngine';

const PUBLIC = resolve(import.meta.dirname, '../public');
const VERSION = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8')) as { version: string }).version;

async function main() {
  const args = process.argv.slice(2);
  const all = args.includes('--all');
  const only = args.filter((a) => !a.startsWith('--'));
  const unknown = only.filter((id) => !PRESETS.some((p) => p.id === id));
  if (unknown.length) throw new Error(`no preset ${unknown.join(', ')}; presets: ${PRESETS.map((p) => p.id).join(', ')}`);
  const todo = PRESETS.filter((p) => (only.length ? only.includes(p.id) : all || !existsSync(join(PUBLIC, demoPath(p.id)))));
  console.log(`${todo.length} of ${PRESETS.length} demos to make`);
  if (todo.length === 0) return;
  mkdirSync(join(PUBLIC, 'demos'), { recursive: true });
  const engine = await startNodeEngine();
  for (const preset of todo) {
    const { params, issues } = parseHash(preset.link);
    if (issues.length) throw new Error(`${preset.id}: ${issues.map((i) => i.message).join('; ')}`);
    let defender: Extract<EngineEvent, { type: 'defender' }> | null = null;
    let samples: SampleAnswer[] = [];
    const t0 = performance.now();
    const { summary, points } = await engine.run(params, (e) => {
      if (e.type === 'defender') defender = e;
      if (e.type === 'samples') samples = e.samples;
    });
    const d = defender as Extract<EngineEvent, { type: 'defender' }> | null;
    if (!d) throw new Error(`${preset.id}: the engine sent no defender event`);
    const recording = makeRecording({
      params,
      backend: summary.backend,
      defender: { source: d.source, testAccuracy: d.testAccuracy, trainSteps: d.trainSteps },
      points,
      samples,
      summary,
      appVersion: VERSION,
      recordedIn: 'Node (scripts/make-demos.ts, the lab’s engine on tfjs-backend-wasm)',
      now: new Date(),
    });
    const text = `${JSON.stringify(recording)}\n`;
    const check = parseRecording(text);
    if (!check.ok) throw new Error(`${preset.id}: the recording does not pass its own schema: ${check.message}`);
    writeFileSync(join(PUBLIC, demoPath(preset.id)), text);
    const f = summary.final;
    console.log(
      `${preset.id}: ${preset.link} agreement ${f.undefended.agreement.toFixed(3)} → ${f.defended.agreement.toFixed(3)}, ` +
        `top class unchanged ${summary.protectedAgreement.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
