/**
 * The committed reproduction reports (`npm run reproduce`, full and --quick): shape and sanity.
 * Numbers are fractions in [0, 1] or query counts, never strings; every required experiment is
 * there with its backend and seeds; where the paper says "defended ≤ undefended", a report that
 * disagrees must say so in a failed check (recorded, not hidden).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReproductionReport } from '../src/reproduction/report';

const REQUIRED = ['rs-mnist-table1', 'rs-mnist-table2', 'rs-defense-aware', 'eps-mnist-table2', 'eps-mnist-figure1', 'eps-output-modes'];

function numbersIn(value: unknown, path: string, out: { path: string; v: unknown }[] = []): { path: string; v: unknown }[] {
  if (Array.isArray(value)) value.forEach((v, i) => numbersIn(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) numbersIn(v, `${path}.${k}`, out);
  else out.push({ path, v: value });
  return out;
}

for (const [name, file] of [
  ['full', 'reports/reproduction.json'],
  ['quick', 'reports/quick/reproduction.json'],
] as const) {
  describe(`committed ${name} reproduction report (${file})`, () => {
    const path = resolve(import.meta.dirname, '..', file);
    it('exists', () => expect(existsSync(path)).toBe(true));
    if (!existsSync(path)) return;
    const report = JSON.parse(readFileSync(path, 'utf8')) as ReproductionReport;

    it('names its mode, backend, machine and time', () => {
      expect(report.mode).toBe(name);
      expect(report.backend).toMatch(/^(webgpu|webgl|wasm|cpu)$/);
      expect(report.machine.length).toBeGreaterThan(5);
      expect(report.wallMs).toBeGreaterThan(0);
    });

    it('has every required experiment with id, paper, dataset, backend, seeds, ours and paper_value, all runs done', () => {
      for (const id of REQUIRED) {
        const e = report.experiments.find((x) => x.id === id);
        expect(e, id).toBeDefined();
        expect(['reverse-sigmoid', 'counter-attack-epsilon']).toContain(e!.paper);
        expect(['mnist', 'fashion-mnist']).toContain(e!.dataset);
        expect(e!.backend).toBe(report.backend);
        expect(e!.seeds.length).toBeGreaterThan(0);
        expect(Object.keys(e!.ours).length).toBeGreaterThan(0);
        expect(Object.keys(e!.paper_value).length).toBeGreaterThan(0);
        expect(e!.missingRuns, `${id} has runs missing`).toBe(0);
      }
    });

    it('holds fractions in [0, 1] and counts ≥ 0 in its tables, never strings', () => {
      for (const e of report.experiments) {
        for (const r of e.table) {
          for (const v of [r.ours, r.paper]) {
            if (v === null) continue;
            expect(typeof v).toBe('number');
            if (r.kind === 'fraction') expect(v, `${e.id} ${r.label}`).toBeGreaterThanOrEqual(0);
            if (r.kind === 'fraction') expect(v, `${e.id} ${r.label}`).toBeLessThanOrEqual(1);
            if (r.kind !== 'fraction') expect(v).toBeGreaterThanOrEqual(0);
          }
          if (r.ours !== null && r.paper !== null) expect(r.diff).toBeCloseTo(r.ours - r.paper, 3);
        }
        // ours: numbers only (or null/boolean flags and the labels of the grid), no numeric strings.
        for (const { path: p, v } of numbersIn(e.ours, e.id)) {
          if (typeof v === 'string') expect(Number.isNaN(Number(v)), `${p} = "${v}" is a number as a string`).toBe(true);
          if (typeof v === 'number') expect(Number.isFinite(v), p).toBe(true);
        }
      }
    });

    it('records, not hides, where defended > undefended (the papers say defended ≤ undefended)', () => {
      const fig = report.experiments.find((e) => e.id === 'eps-mnist-figure1')!;
      const bars = fig.charts.architectures ?? [];
      expect(bars.length).toBeGreaterThan(0);
      const check = fig.checks.find((c) => c.claim.startsWith('Defended substitutes are worse'))!;
      expect(check.holds).toBe(bars.every((b) => b.defendedAccuracy <= b.undefendedAccuracy));
      const t1 = report.experiments.find((e) => e.id === 'rs-mnist-table1')!;
      const drop = t1.checks.find((c) => c.claim.startsWith('The reverse sigmoid drops'))!;
      expect(drop.holds).toBe((t1.ours.S_M as number) - (t1.ours.S_RS as number) >= 0.2);
      // Sanity: a defense never makes the thief agree more than the undefended thief by a wide margin.
      expect(t1.ours.S_RS as number).toBeLessThanOrEqual((t1.ours.S_M as number) + 0.05);
    });

    it('keeps the ε output-modes grid with the argmax-unchanged rate in [0, 1]', () => {
      const modes = report.experiments.find((e) => e.id === 'eps-output-modes')!;
      const grid = modes.ours.grid as { argmaxUnchanged: { mean: number }; renorm: string; cleaning: string }[];
      expect(new Set(grid.map((g) => g.renorm))).toEqual(new Set(['none', 'centering', 'winner-takes-all']));
      expect(new Set(grid.map((g) => g.cleaning))).toEqual(new Set(['naive', 'clean']));
      for (const g of grid) expect(g.argmaxUnchanged.mean).toBeGreaterThanOrEqual(0);
      for (const g of grid) expect(g.argmaxUnchanged.mean).toBeLessThanOrEqual(1);
    });
  });
}
