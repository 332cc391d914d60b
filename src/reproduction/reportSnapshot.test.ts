/**
 * A snapshot of the whole report: what the report builder gives, section by section, for the
 * seeded fake run records of testing.ts. It was first written by the code before the
 * reproduction moved into this layer, and proved the move changed no number. Since then it
 * changes only with an intended change of a plan or a report, regenerated with
 * `UPDATE_REPORT_SNAPSHOT=1 npx vitest run src/reproduction/reportSnapshot.test.ts`, and the commit
 * says why (so far: links became v=2, the rule got its honest-user guard, the defaults moved to
 * the grid search's choice, and the β sweep gained β = 1).
 *
 * It compares per experiment id, so an experiment added later does not break it. The run order
 * is pinned too: fakeRecords draws every run's numbers from one seeded generator in the plan's
 * run order, so moving one run earlier or later changes the numbers of the runs after it.
 * Runs no fixture experiment reads (those of an added experiment) are left out before drawing,
 * so they leave the old runs' numbers alone; their experiments then just show missing runs.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/report-snapshot.json';
import { reportMarkdown } from './markdown';
import { reproductionPlan } from './plan';
import { buildReport, type ReproductionReport } from './report';
import { REPRODUCTION_MODES } from './scale';
import { fakeRecords } from './testing';

interface Fixture {
  report: ReproductionReport;
  markdown: string;
}

/** The Markdown cut at its `## id: title` headings: the preamble under '', each experiment under its id. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.split(/^(?=## )/m);
  out.set('', parts[0].startsWith('## ') ? '' : parts[0]);
  for (const part of parts) {
    const id = /^## ([^:]+):/.exec(part)?.[1];
    if (id) out.set(id, part);
  }
  return out;
}

const META = { generated: '2026-12-02T00:00:00Z', backend: 'wasm', device: 'fixture', machine: 'fixture', wallMs: 1000 };

if (process.env.UPDATE_REPORT_SNAPSHOT) {
  const out: Record<string, Fixture> = {};
  for (const mode of REPRODUCTION_MODES) {
    const plan = reproductionPlan(mode);
    const report = buildReport(plan, fakeRecords(plan), { ...META, mode });
    out[mode] = { report: JSON.parse(JSON.stringify(report)) as ReproductionReport, markdown: reportMarkdown(report, { tradeoff: 'tradeoff.png' }) };
  }
  writeFileSync(resolve(import.meta.dirname, 'fixtures/report-snapshot.json'), `${JSON.stringify(out, null, 1)}\n`);
}

describe('the report builder gives the snapshot report', () => {
  for (const mode of REPRODUCTION_MODES) {
    describe(mode, () => {
      const before = (fixture as Record<string, Fixture>)[mode];
      const ids = before.report.experiments.map((e) => e.id);
      const keysBefore = new Set(before.report.experiments.flatMap((e) => e.runs));
      const plan = reproductionPlan(mode);
      const records = fakeRecords({ ...plan, runs: plan.runs.filter((r) => keysBefore.has(r.key)) });
      const report = buildReport(plan, records, { ...META, mode });
      // As the fixture was written: through JSON (undefined fields dropped).
      const after = JSON.parse(JSON.stringify(report)) as ReproductionReport;
      const markdown = reportMarkdown(report, { tradeoff: 'tradeoff.png' });

      it('plans every run the experiments read before, and the experiments in the same order', () => {
        const planned = new Set(plan.runs.map((r) => r.key));
        expect([...keysBefore].filter((k) => !planned.has(k))).toEqual([]);
        expect(plan.experiments.map((e) => e.id).filter((id) => ids.includes(id))).toEqual(ids);
        for (const e of before.report.experiments) expect(plan.experiments.find((x) => x.id === e.id)?.runKeys, e.id).toEqual(e.runs);
      });

      it('gives the same report header', () => {
        const { experiments: _a, ...metaAfter } = after;
        const { experiments: _b, ...metaBefore } = before.report;
        expect(metaAfter).toEqual(metaBefore);
      });

      for (const expected of before.report.experiments) {
        it(`gives the same ${expected.id} (numbers, tables, checks, charts, runs)`, () => {
          expect(after.experiments.find((e) => e.id === expected.id)).toEqual(expected);
        });
      }

      it("writes the same Markdown for those experiments", () => {
        const was = sections(before.markdown);
        const is = sections(markdown);
        for (const [id, text] of was) expect(is.get(id), id || 'preamble').toBe(text);
        if (after.experiments.length === ids.length) expect(markdown).toBe(before.markdown);
      });
    });
  }
});
