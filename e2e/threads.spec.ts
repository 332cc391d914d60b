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

test('with cross-origin isolation WASM offers every core but one, and keeps threads only where they gain', async ({ page }) => {
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
  // Adam's update runs as our one-pass kernel on tfjs's heap (the same numbers as tfjs's Adam, fusedAdam.test.ts).
  expect(engine.device).toContain('one-pass Adam');
  const offered = Math.max(1, Math.min(cores - 1, 5));
  if (offered === 1) {
    // One core spare (2 cores): the page keeps one, the single-threaded build runs, and the status says why.
    expect(engine.threads ?? null).toBeNull();
    await expect(page.getByTestId('backend-status')).toContainText('SIMD, 1 thread');
    if (cores === 2) await expect(page.getByTestId('backend-status')).toContainText('one thread: the page keeps the second core');
  } else {
    // The calibration timed the lesson's thief on one thread and on the threads offered, and chose by the rule.
    const choice = engine.threads!;
    expect(choice.offered).toBe(offered);
    const ms = (threads: number) => choice.timings.find((t) => t.model === 'I' && t.threads === threads)!.msPerStep;
    expect(choice.chosen).toBe(ms(offered) < 0.95 * ms(1) ? offered : 1);
    await expect(page.getByTestId('backend-status')).toContainText(choice.chosen === 1 ? 'SIMD, 1 thread' : `SIMD, ${choice.chosen} threads`);
  }
  expect(lab.consoleErrors).toEqual([]);
});

test('a link can ask for 2 threads; the threaded build then trains to the same losses as one thread, to the last bit', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open('#v=1&backend=wasm&threads=2');
  await lab.waitForBackend();
  const engine = await page.evaluate(() => (window as unknown as LabWindow).__modelTheftLab.store.getState().engine);
  expect(engine.threads).toEqual({ offered: 2, chosen: 2, timings: [], forced: true });
  await expect(page.getByTestId('backend-status')).toContainText('SIMD, 2 threads');
  // Adam's one-pass update reaches the threaded build's shared heap too.
  expect(engine.device).toContain('one-pass Adam');
  await expect(page.getByTestId('param-threads').locator('select')).toHaveValue('2');

  const two = await benchWithThreads(page, 2, 7101);
  const one = await benchWithThreads(page, 1, 7102);
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
async function plainStaticServer(missing: readonly string[] = []): Promise<{ server: Server; url: string }> {
  const root = join(process.cwd(), 'dist');
  const types: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/lab\//, '/');
    if (missing.some((m) => path.endsWith(m))) {
      res.writeHead(404);
      res.end();
      return;
    }
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

test('when the threaded build cannot start (its pthread worker script missing on the host), WASM starts single-threaded and says why', async ({ page }) => {
  test.setTimeout(120_000);
  const { server, url } = await plainStaticServer(['tfjs-backend-wasm-threaded-simd.worker.js']);
  try {
    const lab = new LabPage(page);
    await page.goto(`${url}#v=1&backend=wasm&threads=2`);
    await lab.waitForBackend();
    const engine = await page.evaluate(() => ({ isolated: crossOriginIsolated, ...(window as unknown as LabWindow).__modelTheftLab.store.getState().engine }));
    expect(engine.isolated).toBe(true);
    expect(engine.device).toContain('SIMD, 1 thread');
    expect(engine.threads ?? null).toBeNull();
    await expect(page.getByTestId('backend-status')).toContainText('so WASM runs single-threaded');
    // And it trains.
    const one = await benchWithThreads(page, 1, 7201);
    if (typeof one === 'string') throw new Error(one);
    expect(one.results.find((x) => x.model === 'I')!.lastLoss).toBeGreaterThan(0);
  } finally {
    server.close();
  }
});
