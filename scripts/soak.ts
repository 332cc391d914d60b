/**
 * A classroom session in two minutes: twenty short runs with varied settings in one page, in the
 * built app (npm run soak builds it), and after each run the worker's tensors and WASM heap and
 * the page's JS heap; every fifth run is stopped mid-way and the time from Stop to "Stopped" is
 * taken. Memory figures are goals of a benchmark, not of a unit test: the WASM heap should stop
 * growing after the first runs, tensors return to the same count, and Stop take under a second.
 *
 *   npm run soak                 → bench/soak.json and a table on stdout
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { launchChromium, startPreview, waitForServer } from './lib/server';

const PORT = 4179;
const URL_BASE = `http://127.0.0.1:${PORT}/`;
const OUT = 'bench/soak.json';
const RUNS = 20;

/** Varied runs: defenses, attacks and thieves a class would try, each small (150 or 300 queries). */
const SETTINGS = [
  '#v=2&budget=300&eval=200',
  '#v=2&beta=0.8&budget=300&eval=200',
  '#v=2&attack=argmax&budget=300&eval=200',
  '#v=2&budget=300&def=epsilon&eval=200',
  '#v=2&budget=300&eval=200&sub=A',
  '#v=2&budget=300&def=uniform&eval=200',
  '#v=2&budget=300&clean=clean&def=epsilon&eps=0.1&eval=200',
  '#v=2&attack=random&budget=300&eval=200',
];

interface SoakRow {
  run: number;
  link: string;
  stopped: boolean;
  /** Stop pressed → the page says "Stopped" (only for stopped runs). */
  stopMs: number | null;
  numTensors: number;
  wasmHeapMB: number | null;
  pageHeapMB: number;
  /** Resident memory of the renderer processes and of the GPU process (Linux /proc), MB. */
  rendererMB: number | null;
  gpuProcessMB: number | null;
}

interface LabWindow {
  __modelTheftLab: {
    store: { getState(): { run: { status: string }; replaceParams(p: unknown): void; startRun(): number | null; stopRun(): void } };
    onEngineEvent(l: (e: { type: string; requestId?: number; numTensors?: number; wasmHeapBytes?: number | null }) => void): () => void;
  };
}

async function workerMemory(page: Page, requestId: number): Promise<{ numTensors: number; wasmHeapBytes: number | null }> {
  return page.evaluate(
    (requestId) =>
      new Promise<{ numTensors: number; wasmHeapBytes: number | null }>((resolve) => {
        const api = (window as unknown as LabWindow).__modelTheftLab;
        const off = api.onEngineEvent((e) => {
          if (e.type === 'memory' && e.requestId === requestId) {
            off();
            resolve({ numTensors: e.numTensors ?? -1, wasmHeapBytes: e.wasmHeapBytes ?? null });
          }
        });
        (api.store.getState() as unknown as { sendCommand(c: unknown): void }).sendCommand({ type: 'memory', requestId });
      }),
    requestId,
  );
}

/**
 * Resident memory (VmRSS, MB) of the browser's renderer processes, summed, and of its GPU process:
 * the page, its workers and their WASM heaps live in the renderer. Read from /proc, so Linux
 * only; null elsewhere.
 */
async function processMemory(browser: Browser): Promise<{ rendererMB: number | null; gpuMB: number | null }> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    const rss = (pid: number): number | null => {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return kb === undefined ? null : Number(kb) / 1024;
      } catch {
        return null; // not Linux, or the process has gone
      }
    };
    const sum = (type: string) => {
      const each = processInfo.filter((p) => p.type === type).map((p) => rss(p.id));
      return each.length === 0 || each.some((m) => m === null) ? null : (each as number[]).reduce((a, b) => a + b, 0);
    };
    return { rendererMB: sum('renderer'), gpuMB: sum('GPU') };
  } finally {
    await cdp.detach();
  }
}

async function main() {
  const server = await startPreview(PORT);
  const browser = await launchChromium(['--disable-quic', '--enable-precise-memory-info']);
  const rows: SoakRow[] = [];
  try {
    await waitForServer(URL_BASE);
    const page = await browser.newPage();
    await page.goto(`${URL_BASE}${SETTINGS[0]}`);
    await page.waitForFunction(() => (window as unknown as { __modelTheftLab?: { store: { getState(): { engine: { state: string } } } } }).__modelTheftLab?.store.getState().engine.state === 'ready', undefined, { timeout: 120_000 });
    const base = await workerMemory(page, 1);
    console.log(`engine ready: ${base.numTensors} tensors, WASM heap ${base.wasmHeapBytes === null ? '–' : (base.wasmHeapBytes / 2 ** 20).toFixed(0)} MB`);
    for (let i = 0; i < RUNS; i++) {
      const stop = i % 5 === 4;
      // A stopped run gets the full budget, so it is still training when Stop is pressed.
      const link = stop ? SETTINGS[i % SETTINGS.length].replace('budget=300', 'budget=19200') : SETTINGS[i % SETTINGS.length];
      await page.evaluate((hash) => {
        window.location.hash = hash;
      }, link);
      await page.waitForTimeout(300);
      await page.getByRole('button', { name: /^Run (the theft|again)$/ }).click();
      let stopMs: number | null = null;
      const status = page.getByTestId('run-status');
      if (stop) {
        await page.waitForFunction(() => (window as unknown as LabWindow).__modelTheftLab.store.getState().run.status === 'running');
        await page.waitForTimeout(1500);
        const t0 = Date.now();
        await page.getByRole('button', { name: 'Stop' }).click();
        await status.filter({ hasText: 'Stopped' }).waitFor({ timeout: 30_000 });
        stopMs = Date.now() - t0;
      } else {
        await page.waitForFunction(() => (window as unknown as LabWindow).__modelTheftLab.store.getState().run.status === 'done', undefined, { timeout: 300_000 });
      }
      const mem = await workerMemory(page, 100 + i);
      const pageHeap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN);
      const processes = await processMemory(browser);
      const row: SoakRow = {
        run: i + 1,
        link,
        stopped: stop,
        stopMs,
        numTensors: mem.numTensors,
        wasmHeapMB: mem.wasmHeapBytes === null ? null : mem.wasmHeapBytes / 2 ** 20,
        pageHeapMB: pageHeap / 2 ** 20,
        rendererMB: processes.rendererMB,
        gpuProcessMB: processes.gpuMB,
      };
      rows.push(row);
      console.log(
        `run ${String(row.run).padStart(2)} ${stop ? `stopped in ${stopMs} ms` : 'done'.padEnd(16)} tensors ${row.numTensors}, WASM heap ${row.wasmHeapMB?.toFixed(0) ?? '–'} MB, page JS heap ${row.pageHeapMB.toFixed(1)} MB, renderer ${row.rendererMB?.toFixed(0) ?? '–'} MB  ${link}`,
      );
    }
  } finally {
    await browser.close();
    server.kill();
  }
  mkdirSync('bench', { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ date: new Date().toISOString(), runs: rows }, null, 1)}\n`);
  const heaps = rows.map((r) => r.wasmHeapMB ?? NaN);
  const stops = rows.flatMap((r) => (r.stopMs === null ? [] : [r.stopMs]));
  console.log(
    `\ntensors after each run: ${[...new Set(rows.map((r) => r.numTensors))].join(', ')}; WASM heap after run 1 / 5 / 20: ${[heaps[0], heaps[4], heaps[19]].map((h) => h.toFixed(0)).join(' / ')} MB; ` +
      `page JS heap after run 1 / 20: ${rows[0].pageHeapMB.toFixed(1)} / ${rows[rows.length - 1].pageHeapMB.toFixed(1)} MB; ` +
      `renderer processes after run 1 / 5 / 20: ${[0, 4, 19].map((i) => rows[i]?.rendererMB?.toFixed(0) ?? '–').join(' / ')} MB; Stop → Stopped: ${stops.join(', ')} ms. Written to ${OUT}.`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
