/**
 * `npm run bench`: training speed of the defender and substitutes X, A, I on every tfjs backend
 * that initialises in headless Chromium, through the real engine worker of the built site.
 * Prints a table and writes bench/results.json. Speed goals live here, never in unit tests.
 *
 * Needs `npm run build` first (the npm script does it). Uses /usr/bin/chromium where it exists.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { chromium } from '@playwright/test';
import type { BenchResult, EngineEvent } from '../src/engine/protocol';

const PORT = 4175;
const URL_BASE = `http://127.0.0.1:${PORT}/`;
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
const MODELS = ['defender', 'X', 'A', 'I'];
const BATCH = 64;

interface BackendRow {
  requested: string;
  ran: string | null;
  device: string;
  note: string;
  results: BenchResult[];
  numTensorsBefore?: number;
  numTensorsAfter?: number;
}

async function waitForServer(url: string, ms = 30_000) {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > ms) throw new Error(`preview server did not start at ${url}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function main() {
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore' });
  const browser = await chromium.launch({
    executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'],
  });
  const rows: BackendRow[] = [];
  try {
    await waitForServer(URL_BASE);
    for (const backend of BACKENDS) {
      const page = await browser.newPage();
      await page.goto(`${URL_BASE}#v=1&backend=${backend}`);
      const ready = await page.waitForFunction(
        () => {
          const s = (window as unknown as { __modelTheftLab: { store: { getState(): { engine: { state: string } } } } }).__modelTheftLab.store.getState().engine;
          return s.state === 'starting' ? null : s;
        },
        undefined,
        { timeout: 60_000 },
      );
      const engine = (await ready.jsonValue()) as { state: string; backend?: string; device?: string; attempts?: { backend: string; outcome: string; reason: string }[] };
      const forced = engine.attempts?.find((a) => a.backend === backend);
      if (engine.state !== 'ready' || engine.backend !== backend) {
        rows.push({ requested: backend, ran: null, device: '', note: `did not initialise: ${forced?.reason ?? 'engine failed'}`, results: [] });
        console.log(`${backend}: did not initialise (${forced?.reason ?? 'engine failed'})`);
        await page.close();
        continue;
      }
      console.log(`${backend}: running on ${engine.device} …`);
      const slow = backend === 'cpu' || /swiftshader|software/i.test(engine.device ?? '');
      const event = (await page.evaluate(
        ({ models, batch, maxSteps, maxMs }) =>
          new Promise<EngineEvent>((resolve) => {
            const api = (window as unknown as {
              __modelTheftLab: {
                store: { getState(): { sendCommand: ((c: unknown) => void) | null } };
                onEngineEvent(l: (e: EngineEvent) => void): () => void;
              };
            }).__modelTheftLab;
            const off = api.onEngineEvent((e) => {
              if ((e.type === 'bench' || e.type === 'error') && 'runId' in e && e.runId === 9001) {
                off();
                resolve(e);
              }
            });
            api.store.getState().sendCommand!({ type: 'bench', runId: 9001, models, batch, maxSteps, maxMs });
          }),
        { models: MODELS, batch: BATCH, maxSteps: slow ? 5 : 20, maxMs: slow ? 8000 : 4000 },
      )) as EngineEvent;
      if (event.type === 'bench') {
        rows.push({ requested: backend, ran: event.backend, device: engine.device ?? '', note: '', results: event.results, numTensorsBefore: event.numTensorsBefore, numTensorsAfter: event.numTensorsAfter });
        for (const r of event.results) {
          console.log(`  ${r.model.padEnd(9)} ${r.msPerStep.toFixed(1).padStart(8)} ms/step (first ${r.firstStepMs.toFixed(0)} ms, ${r.timedSteps} timed), infer 1000: ${r.inferMsPer1000.toFixed(0)} ms`);
        }
      } else if (event.type === 'error') {
        rows.push({ requested: backend, ran: backend, device: engine.device ?? '', note: `failed: ${event.message}`, results: [] });
        console.log(`  failed: ${event.message}`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }

  const table = [
    `| backend | device | ${MODELS.map((m) => `${m} ms/step`).join(' | ')} | defender infer 1000 |`,
    `|---|---|${MODELS.map(() => '---:').join('|')}|---:|`,
    ...rows.map((r) =>
      r.results.length
        ? `| ${r.ran} | ${r.device} | ${MODELS.map((m) => r.results.find((x) => x.model === m)?.msPerStep.toFixed(1) ?? '–').join(' | ')} | ${r.results.find((x) => x.model === 'defender')?.inferMsPer1000.toFixed(0) ?? '–'} ms |`
        : `| ${r.requested} | – | ${r.note} |`,
    ),
  ].join('\n');
  console.log(`\nbatch ${BATCH}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB\n${table}`);
  mkdirSync('bench', { recursive: true });
  writeFileSync(
    'bench/results.json',
    `${JSON.stringify({ date: new Date().toISOString(), batch: BATCH, machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? '', memGiB: Math.round(totalmem() / 2 ** 30) }, backends: rows }, null, 2)}\n`,
  );
  console.log('wrote bench/results.json');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
