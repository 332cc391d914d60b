/**
 * `npm run reproduce [-- --quick] [--parallel N] [--only id,id] [--resume]`
 *
 * Runs the papers' experiments (src/reproduction/) headless in Chromium through the
 * app's own engine worker — the page's reproduction runner, exactly what the Reproduce view's
 * "Run" buttons do — then writes reports/reproduction.{json,md} (quick: reports/quick/…) with
 * charts rendered by the app's own chart components as PNG.
 *
 * --parallel N  N pages (each its own worker) share the runs; WASM is single-threaded, so 2 pages
 *               use both cores of a 2-core machine.
 * --dist DIR    serve the built site from DIR instead of dist/ (a copy, for long runs).
 * --wall-ms N   the wall time to report, when --resume only rebuilds the report from runs made earlier.
 * --resume      keep the runs of an interrupted reproduction (…/runs.partial.json) and those committed
 *               under …/runs/ (scripts/run-runs.ts), and do the rest.
 * --only ids    run those experiments only; the report file keeps every other experiment as it was.
 * --report-only run nothing: build the report from the kept runs (with --resume), missing runs counted.
 * Needs `npm run build` first (the npm script does it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { launchChromium, startPreview, waitForServer } from './lib/server';
import { mergeReports } from './lib/mergeReports';
import { readRunFolder, readRunRecords } from './lib/runRecords';
import type { Page } from '@playwright/test';
import { planPasses, reproductionPlan, type PlannedRun } from '../src/reproduction/plan';
import { buildReport, type ReproductionReport, type RunRecord } from '../src/reproduction/report';
import { reportMarkdown } from '../src/reproduction/markdown';
import { estimatedPassSeconds } from '../src/reproduction/scale';

const PORT = 4176;
const URL_BASE = `http://127.0.0.1:${PORT}/`;

interface PageProgress {
  status: string;
  index: number;
  total: number;
  current: string | null;
  etaMs: number | null;
  error: string | null;
  engine: { state: string; backend?: string; device?: string };
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const resume = args.includes('--resume');
const reportOnly = args.includes('--report-only');
const parallelAt = args.indexOf('--parallel');
const parallel = Math.max(1, Number(parallelAt >= 0 ? args[parallelAt + 1] : 1) || 1);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(',')) : null;
const outDir = quick ? 'reports/quick' : 'reports';
// Serve a copy of the build if asked (--dist DIR), so a rebuild of dist/ during a long reproduction cannot pull files from under it.
const distAt = args.indexOf('--dist');
const dist = distAt >= 0 ? args[distAt + 1] : 'dist';
const partialPath = join(outDir, 'runs.partial.json');
// --wall-ms N: the wall time to report when the runs were made by an earlier (resumed) invocation.
const wallAt = args.indexOf('--wall-ms');
const wallOverride = wallAt >= 0 ? Number(args[wallAt + 1]) : null;

type LabWindow = {
  __modelTheftLab: {
    store: { getState(): { engine: PageProgress['engine'] } };
    reproduce: {
      getState(): {
        status: string;
        index: number;
        queue: PlannedRun[];
        pass: PlannedRun[];
        etaMs: number | null;
        error: string | null;
        results: Record<string, RunRecord>;
        runRuns(runs: PlannedRun[]): Promise<void>;
      };
      setState(partial: object): void;
    };
  };
};

const mmss = (ms: number | null) => (ms === null ? '?' : `${Math.floor(ms / 60000)} min ${String(Math.round((ms % 60000) / 1000)).padStart(2, '0')} s`);

/** Longest-processing-time-first split of the runs over the pages. */
/**
 * The runs spread over n pages by estimated cost, a shared pass (reproduction/plan.ts planPasses)
 * kept on one page so its runs still train together.
 */
function shard(runs: PlannedRun[], n: number): PlannedRun[][] {
  const shards = Array.from({ length: n }, () => ({ passes: [] as { runs: PlannedRun[]; order: number }[], cost: 0 }));
  const byCost = planPasses(runs)
    .map((pass, order) => ({ pass, order, cost: estimatedPassSeconds(pass.map((r) => r.config)) }))
    .sort((a, b) => b.cost - a.cost);
  for (const { pass, order, cost } of byCost) {
    const target = shards.reduce((best, s) => (s.cost < best.cost ? s : best));
    target.passes.push({ runs: pass, order });
    target.cost += cost;
  }
  // Within a page, keep the plan's order (cheap, widely used runs first).
  return shards.map((s) => s.passes.sort((a, b) => a.order - b.order).flatMap((p) => p.runs));
}

async function openLab(page: Page, hash: string) {
  await page.goto(`${URL_BASE}${hash}`);
  const engine = await page.waitForFunction(
    () => {
      const s = (window as unknown as LabWindow).__modelTheftLab?.store.getState().engine;
      return s && s.state !== 'starting' ? s : null;
    },
    undefined,
    { timeout: 90_000 },
  );
  return (await engine.jsonValue()) as PageProgress['engine'];
}

async function main() {
  const plan = reproductionPlan(quick ? 'quick' : 'full');
  const experiments = only ? plan.experiments.filter((e) => only.has(e.id)) : plan.experiments;
  const wanted = new Set(experiments.flatMap((e) => e.runKeys));
  const runs = plan.runs.filter((r) => wanted.has(r.key));
  mkdirSync(outDir, { recursive: true });
  const results: Record<string, RunRecord> = resume ? { ...readRunFolder(join(outDir, 'runs')), ...readRunRecords(partialPath) } : {};
  const todo = reportOnly ? [] : runs.filter((r) => !results[r.key]);
  const estimate = planPasses(todo).reduce((a, pass) => a + estimatedPassSeconds(pass.map((r) => r.config)), 0);
  console.log(
    `${plan.mode} reproduction: ${experiments.length} experiments, ${runs.length} runs (${runs.length - todo.length} kept from before), ` +
      `${parallel} page(s); estimated ${mmss((estimate * 1000) / parallel)} on a 2-core machine`,
  );

  // vite's own entry (not npx, whose kill() left the server running after the reproduction ended).
  const server = await startPreview(PORT, dist);
  const browser = await launchChromium(['--disable-quic']);
  const t0 = Date.now();
  let engineInfo: PageProgress['engine'] = { state: 'unknown' };
  try {
    await waitForServer(URL_BASE);
    const shards = shard(todo, Math.min(parallel, Math.max(1, todo.length)));
    const pages = await Promise.all(
      shards.map(async (runsOfPage, i) => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
        const page = await context.newPage();
        page.on('pageerror', (e) => console.error(`[page ${i}] ${e.message}`));
        const engine = await openLab(page, '#v=1');
        if (engine.state !== 'ready') throw new Error(`page ${i}: the engine did not start (${JSON.stringify(engine)})`);
        engineInfo = engine;
        await page.evaluate((r) => {
          void (window as unknown as LabWindow).__modelTheftLab.reproduce.getState().runRuns(r);
        }, runsOfPage);
        return { page, runs: runsOfPage };
      }),
    );
    console.log(`engine: ${engineInfo.backend} (${engineInfo.device ?? ''})`);
    let lastSaved = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 5000));
      const states = await Promise.all(
        pages.map(({ page }) =>
          page.evaluate(() => {
            const s = (window as unknown as LabWindow).__modelTheftLab.reproduce.getState();
            return { status: s.status, index: s.index, total: s.queue.length, current: s.pass.length > 1 ? `${s.pass[0].key} (+${s.pass.length - 1} in the same pass)` : (s.pass[0]?.key ?? null), etaMs: s.etaMs, error: s.error, results: s.results };
          }),
        ),
      );
      for (const s of states) Object.assign(results, s.results);
      const done = Object.keys(results).filter((k) => wanted.has(k)).length;
      if (done > lastSaved) {
        writeFileSync(partialPath, JSON.stringify(results));
        lastSaved = done;
      }
      const eta = Math.max(...states.map((s) => s.etaMs ?? 0));
      console.log(
        `[${mmss(Date.now() - t0)}] ${done}/${runs.length} runs done, ETA ${mmss(eta)} · ` + states.map((s, i) => `page ${i}: ${s.index}/${s.total} ${s.current ?? s.status}`).join(' · '),
      );
      const failed = states.find((s) => s.status === 'error');
      if (failed) throw new Error(`a run failed: ${failed.error}`);
      if (states.every((s) => s.status === 'done' || s.status === 'cancelled')) break;
    }
    await Promise.all(pages.map(({ page }) => page.context().close()));

    const built: ReproductionReport = buildReport({ ...plan, experiments }, results, {
      generated: new Date().toISOString(),
      mode: plan.mode,
      backend: engineInfo.backend ?? 'unknown',
      device: engineInfo.device ?? '',
      machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Chromium headless, ${parallel} page(s) in parallel`,
      wallMs: wallOverride ?? Date.now() - t0,
    });
    // --only rebuilds those experiments; the rest of the report file is kept as it was.
    const reportPath = join(outDir, 'reproduction.json');
    const earlier = only && existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as ReproductionReport) : null;
    const report: ReproductionReport = earlier ? mergeReports(earlier, built, plan.experiments.map((e) => e.id)) : built;

    // Charts: the Reproduce view renders the report with the app's own chart components.
    const charts: Record<string, string> = {};
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    await openLab(page, '#v=1&view=reproduce&theme=light');
    await page.evaluate((r) => (window as unknown as LabWindow).__modelTheftLab.reproduce.setState({ committed: r, committedStatus: 'ready' }), report);
    for (const e of report.experiments) {
      if (!built.experiments.some((b) => b.id === e.id)) {
        if (existsSync(join(outDir, `${e.id}.png`))) charts[e.id] = `${e.id}.png`;
        continue;
      }
      const chart = page.locator(`[data-testid="repro-chart-${e.id}"]`);
      if ((await chart.count()) === 0) continue;
      await chart.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      const file = `${e.id}.png`;
      await chart.screenshot({ path: join(outDir, file) });
      charts[e.id] = file;
    }
    await context.close();

    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, 'reproduction.md'), reportMarkdown(report, charts));
    console.log(`wrote ${outDir}/reproduction.json, ${outDir}/reproduction.md and ${Object.keys(charts).length} charts in ${mmss(Date.now() - t0)}`);
    for (const e of built.experiments) {
      for (const c of e.checks) console.log(`  ${e.id}: ${c.holds === null ? '?' : c.holds ? 'holds' : 'DOES NOT HOLD'}: ${c.claim} (${c.detail})`);
    }
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
