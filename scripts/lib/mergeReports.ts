/**
 * `npm run reproduce -- --only A,B` rebuilds some sections of the committed report and keeps
 * the others. Each section then says when and where its own numbers were made (`made`), and the
 * report's `machine` names only the machine of the latest rebuild, so a report rebuilt many
 * times stays readable instead of nesting one provenance inside the next.
 */
import type { ReportExperiment, ReproductionReport } from '../../src/reproduction/report';

const day = (iso: string) => iso.slice(0, 10);

/**
 * Reports merged before sections carried `made` said it all in `machine`:
 * "M (sections a, b rebuilt D; the others as made D' on M')", possibly nested in M'.
 * Reads that back into a section → provenance map.
 */
export function legacyProvenance(machine: string, generated: string, ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const m = /^(.*?) \(sections (.*?) rebuilt (\d{4}-\d\d-\d\d); the others as made (\d{4}-\d\d-\d\d) on (.*)\)$/s.exec(machine);
  if (!m) {
    for (const id of ids) out.set(id, `${day(generated)} on ${machine}`);
    return out;
  }
  const [, own, sections, rebuiltOn, othersOn, othersMachine] = m;
  const rebuilt = new Set(sections.split(', '));
  for (const id of ids) if (rebuilt.has(id)) out.set(id, `${rebuiltOn} on ${own}`);
  const inner = legacyProvenance(othersMachine, othersOn, ids.filter((id) => !rebuilt.has(id)));
  for (const [id, p] of inner) out.set(id, p);
  return out;
}

/** The earlier report with the rebuilt experiments put in (in plan order); its wall time grows by theirs. */
export function mergeReports(earlier: ReproductionReport, rebuilt: ReproductionReport, order: readonly ReportExperiment['id'][]): ReproductionReport {
  const legacy = legacyProvenance(earlier.machine, earlier.generated, earlier.experiments.map((e) => e.id));
  const byId = new Map<string, ReportExperiment>(earlier.experiments.map((e) => [e.id, { ...e, made: e.made ?? legacy.get(e.id) }]));
  for (const e of rebuilt.experiments) byId.set(e.id, { ...e, made: `${day(rebuilt.generated)} on ${rebuilt.machine}` });
  const experiments = order.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  return { ...rebuilt, wallMs: earlier.wallMs + rebuilt.wallMs, machine: rebuilt.machine, experiments };
}
