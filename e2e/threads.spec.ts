import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './pages/LabPage';
import type { BenchResult, WasmThreadChoice } from '../src/engine/protocol';

type LabWindow = {
  __modelTheftLab: {
    store: { getState(): { engine: { state: string; device?: string; threads?: WasmThreadChoice | null }; sendCommand: ((c: unknown) => void) | null } };
    onEngineEvent(l: (e: { type: string; runId?: number; results?: BenchResult[]; threads?: number; message?: string }) => void): () => void;
  };
};

/** The WASM training steps of `models` with a pool of `threads`: a fixed number of steps, whatever the time. */
function benchWithThreads(page: Page, threads: number, runId: number) {
  return page.evaluate(
    ({ threads, runId }) =>
      new Promise<{ threads: number; results: BenchResult[] } | string>((resolve) => {
        const api = (window as unknown as LabWindow).__modelTheftLab;
        const off = api.onEngineEvent((e) => {
          if (e.runId !== runId) return;
          off();
          resolve(e.type === 'bench' ? { threads: e.threads!, results: e.results! } : `${e.type}: ${e.message}`);
        });
        api.store.getState().sendCommand!({ type: 'bench', runId, models: ['I', 'A'], batch: 32, maxSteps: 4, maxMs: 1e9, threads });
      }),
    { threads, runId },
  );
}

test('with cross-origin isolation WASM offers every core but one, keeps threads only where they gain, and trains to the same losses on any count', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open('#v=1&backend=wasm');
  await lab.waitForBackend();
  const { isolated, cores, engine } = await page.evaluate(() => ({
    isolated: crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
    engine: (window as unknown as LabWindow).__modelTheftLab.store.getState().engine,
  }));
  expect(isolated).toBe(true);
  test.skip(cores < 2, 'one core: nothing to thread');
  // The page keeps a core: on 2 cores nothing is offered, and nothing is timed.
  const offered = Math.min(cores - 1, 5);
  const choice = engine.threads!;
  expect(choice.offered).toBe(offered);
  if (offered === 1) {
    expect(choice).toEqual({ offered: 1, chosen: 1, timings: [] });
  } else {
    // The calibration timed the lesson's thief on one thread and on the threads offered, and chose by the rule.
    const ms = (threads: number) => choice.timings.find((t) => t.model === 'I' && t.threads === threads)!.msPerStep;
    expect(ms(1)).toBeGreaterThan(0);
    expect(ms(offered)).toBeGreaterThan(0);
    expect(choice.chosen).toBe(ms(offered) < 0.95 * ms(1) ? offered : 1);
  }
  await expect(page.getByTestId('backend-status')).toContainText(choice.chosen === 1 ? 'SIMD, 1 thread' : `SIMD, ${choice.chosen} threads`);

  // The threaded build runs on any machine with two cores: the same steps on one thread and on two.
  const one = await benchWithThreads(page, 1, 7101);
  const two = await benchWithThreads(page, 2, 7102);
  if (typeof one === 'string' || typeof two === 'string') throw new Error(`bench failed: ${String(one)} / ${String(two)}`);
  expect([one.threads, two.threads]).toEqual([1, 2]);
  // XNNPACK splits the work, never a sum: the losses agree to the last bit.
  for (const model of ['I', 'A']) {
    const loss = (r: { results: BenchResult[] }) => r.results.find((x) => x.model === model)!.lastLoss;
    expect(loss(one), model).toBeGreaterThan(0);
    expect(loss(two), model).toBe(loss(one));
  }
  expect(lab.consoleErrors).toEqual([]);
});

/** The built site as a static host serves it: files, and no header of our choosing. */
async function plainStaticServer(): Promise<{ server: Server; url: string }> {
  const root = join(process.cwd(), 'dist');
  const types: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/lab\//, '/');
    readFile(join(root, path.endsWith('/') ? `${path}index.html` : path)).then(
      (body) => {
        res.writeHead(200, { 'Content-Type': types[extname(path)] ?? (path.endsWith('/') ? 'text/html' : 'application/octet-stream') });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, url: `http://127.0.0.1:${address.port}/lab/` };
}

test('from a static host that sends no COOP/COEP, the service worker isolates the page after one reload at once', async ({ page }) => {
  test.setTimeout(120_000);
  const { server, url } = await plainStaticServer();
  try {
    let loads = 0;
    page.on('load', () => loads++);
    const lab = new LabPage(page);
    await page.goto(`${url}#v=1&backend=wasm`);
    await expect(page.getByRole('heading', { name: 'Model Theft Lab' })).toBeVisible();
    await lab.waitForBackend();
    const state = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      controlled: navigator.serviceWorker.controller !== null,
      reloadedAt: sessionStorage.getItem('model-theft-lab:isolation-reload'),
    }));
    expect(state).toMatchObject({ isolated: true, controlled: true });
    expect(state.reloadedAt).not.toBeNull();
    // The link survives the reload, and there was exactly one.
    expect(loads).toBe(2);
    expect(new URL(page.url()).hash).toBe('#v=1&backend=wasm');
    expect(lab.consoleErrors).toEqual([]);
  } finally {
    server.close();
  }
});
