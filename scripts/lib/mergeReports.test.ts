import { describe, expect, it } from 'vitest';
import type { ReportExperiment, ReproductionReport } from '../../src/reproduction/report';
import { legacyProvenance, mergeReports } from './mergeReports';

const exp = (id: string, wallMs = 1): ReportExperiment => ({ id, wallMs }) as unknown as ReportExperiment;
const ids = (...xs: string[]) => xs as ReportExperiment['id'][];
const report = (generated: string, machine: string, ids: string[], wallMs: number): ReproductionReport =>
  ({ schema: 1, generated, mode: 'full', backend: 'wasm', device: '', machine, wallMs, experiments: ids.map((id) => exp(id)) }) as unknown as ReproductionReport;

describe('merging a partly rebuilt reproduction report', () => {
  it('reads nested legacy provenance back per section', () => {
    const machine = 'M3 (sections c rebuilt 2026-12-03; the others as made 2026-12-02 on M2 (sections b rebuilt 2026-12-02; the others as made 2026-11-24 on M1))';
    const p = legacyProvenance(machine, '2026-12-03T10:00:00Z', ['a', 'b', 'c']);
    expect(Object.fromEntries(p)).toEqual({ a: '2026-11-24 on M1', b: '2026-12-02 on M2', c: '2026-12-03 on M3' });
    expect(Object.fromEntries(legacyProvenance('M1', '2026-11-24T00:00:00Z', ['a']))).toEqual({ a: '2026-11-24 on M1' });
  });

  it('keeps plan order, stamps each section, adds wall times and never nests the machine string', () => {
    const first = mergeReports(report('2026-11-24T00:00:00Z', 'M1', ['a', 'b', 'c'], 100), report('2026-12-02T00:00:00Z', 'M2', ['b'], 10), ids('a', 'b', 'c'));
    const second = mergeReports(first, report('2026-12-03T00:00:00Z', 'M3', ['c'], 5), ids('a', 'b', 'c'));
    expect(second.experiments.map((e) => [e.id, e.made])).toEqual([
      ['a', '2026-11-24 on M1'],
      ['b', '2026-12-02 on M2'],
      ['c', '2026-12-03 on M3'],
    ]);
    expect(second.machine).toBe('M3');
    expect(second.wallMs).toBe(115);
  });
});
