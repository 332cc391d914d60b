/**
 * The reproduction report as Markdown (reports/reproduction.md): per experiment the setting,
 * the table (ours ± sd, the paper's, the difference) and the claims checked, with the same
 * number formats the Reproduce view uses.
 */
import type { ReproductionReport, ValueKind } from './report';

/** One number as a table cell: fractions to 3 decimals, ratios and nats to 2, query counts whole. */
export const cell = (v: number | null, kind: ValueKind) => (v === null ? '–' : kind === 'queries' ? Math.round(v).toLocaleString('en-US') : kind === 'ratio' || kind === 'nats' ? v.toFixed(2) : v.toFixed(3));

/** "+0.137", "−0.004", "0.00": a difference with its sign, never "-0.00". */
export function signed(v: number | null, kind: ValueKind): string {
  if (v === null) return '–';
  const text = cell(Math.abs(v), kind);
  if (Number(text) === 0) return text;
  return `${v > 0 ? '+' : '−'}${text}`;
}

export function reportMarkdown(report: ReproductionReport, charts: Readonly<Record<string, string>> = {}): string {
  const lines: string[] = [];
  const mins = (ms: number) => `${(ms / 60000).toFixed(1)} min`;
  lines.push(`# Reproduction report (${report.mode})`, '');
  lines.push(
    `Generated ${report.generated} by \`npm run reproduce${report.mode === 'quick' ? ' -- --quick' : ''}\`: headless Chromium, the app's own engine worker, ` +
      `backend **${report.backend}** (${report.device || 'no device string'}), on ${report.machine}. Wall time ${mins(report.wallMs)}.` +
      (report.experiments.some((e) => e.made) ? ' The report was rebuilt in parts: each section says when and on what machine it was built.' : ''),
    '',
    'Every number is a fraction in [0, 1] unless marked. "ours ± sd" is the mean and sample standard deviation over the seeds listed. ' +
      'Each run is a share link: open the lab with it to replay it.',
    '',
  );
  for (const e of report.experiments) {
    lines.push(`## ${e.id}: ${e.title}`, '');
    lines.push(`*${e.paper === 'reverse-sigmoid' ? 'Reverse sigmoid' : 'ε counter-attack'} paper, ${e.source}.* ${e.setting}`, '');
    lines.push(`Data set ${e.dataset}, backend ${e.backend}, seeds ${e.seeds.length ? e.seeds.join(', ') : '–'}, ${e.runs.length - e.missingRuns} of ${e.runs.length} runs (${mins(e.wallMs)})${e.madeBy ? `, made in ${e.madeBy.join(' and ')}` : ''}${e.made ? `; built ${e.made}` : ''}.`, '');
    if (e.table.length) {
      lines.push('| | ours | paper | ours − paper |', '|---|---:|---:|---:|');
      for (const r of e.table) {
        const ours = r.ours === null ? '–' : `${cell(r.ours, r.kind)}${r.oursStd !== null && r.oursStd !== undefined ? ` ± ${cell(r.oursStd, r.kind)}` : ''}`;
        lines.push(`| ${r.label} | ${ours} | ${cell(r.paper, r.kind)} | ${signed(r.diff, r.kind)} |`);
      }
      lines.push('');
    }
    if (e.checks.length) {
      lines.push('Claims checked:', '');
      for (const c of e.checks) lines.push(`- ${c.holds === null ? '❔ not enough runs' : c.holds ? '✅ holds' : '❌ does not hold here'}: ${c.claim}. ${c.detail}.`);
      lines.push('');
    }
    if (charts[e.id]) lines.push(`![${e.title}](${charts[e.id]})`, '');
  }
  return `${lines.join('\n')}\n`;
}
