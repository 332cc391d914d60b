/**
 * What the ε counter-attack's Jacobian runs of one substitute architecture say, over their
 * seeds: how often the top class stayed, the substitutes' accuracy with and without the
 * defense, and the defender's accuracy on FGSM examples made from each. Table 2 / Figure 1 and
 * the ten-epoch re-run read their runs the same way.
 */
import { meanStd, type MeanStd } from '../math/stats';
import type { ArchitectureBar, RunRecord } from './report';
import { fmtMs, round } from './reportKit';

export interface EpsArchSummary {
  argmaxUnchanged: MeanStd;
  undefAcc: MeanStd;
  defAcc: MeanStd;
  undefFgsm: MeanStd;
  defFgsm: MeanStd;
  /** The report's `ours` entry for the architecture. */
  ours: Record<string, unknown>;
  bar: ArchitectureBar;
}

export function summarizeEpsRuns(arch: string, rs: readonly RunRecord[]): EpsArchSummary {
  const argmaxUnchanged = meanStd(rs.map((r) => r.summary.final.cost.argmaxUnchanged));
  const undefAcc = meanStd(rs.map((r) => r.summary.final.undefended.accuracy));
  const defAcc = meanStd(rs.map((r) => r.summary.final.defended.accuracy));
  const undefFgsm = meanStd(rs.map((r) => r.summary.fgsm.undefended));
  const defFgsm = meanStd(rs.map((r) => r.summary.fgsm.defended));
  const diverged = rs.filter((r) => r.summary.final.defended.loss === null).length;
  return {
    argmaxUnchanged,
    undefAcc,
    defAcc,
    undefFgsm,
    defFgsm,
    ours: {
      argmaxUnchanged: { mean: fmtMs(argmaxUnchanged), std: argmaxUnchanged.std },
      substituteAccuracy: { undefended: { mean: fmtMs(undefAcc), std: undefAcc.std }, defended: { mean: fmtMs(defAcc), std: defAcc.std } },
      fgsmDefenderAccuracy: { undefended: { mean: fmtMs(undefFgsm), std: undefFgsm.std }, defended: { mean: fmtMs(defFgsm), std: defFgsm.std }, clean: round(rs[0].summary.fgsm.clean) },
      defendedLossDiverged: diverged,
      seeds: rs.length,
    },
    bar: {
      arch,
      undefendedAccuracy: round(undefAcc.mean),
      defendedAccuracy: round(defAcc.mean),
      undefendedFgsm: round(undefFgsm.mean),
      defendedFgsm: round(defFgsm.mean),
      argmaxUnchanged: round(argmaxUnchanged.mean),
      seeds: rs.length,
    },
  };
}
