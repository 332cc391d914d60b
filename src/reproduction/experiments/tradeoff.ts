/**
 * Our own chart of the reverse-sigmoid paper's goal (Sec. IV-B: high P(M, defense), low
 * S(M, defense)): every defense setting at one fixed budget, utility against security, and the
 * paper's rule applied to the β sweep.
 */
import { BASELINES, baselineConfig, baselineConfigs, baselineLabel, baselineSettings, betaSweepConfig, modesConfig, runKey } from '../configs';
import type { Experiment } from '../experiment';
import { STEALING_DROP_RULE, chooseByPaperRule } from '../paperRule';
import type { RunRecord, TradeoffPoint } from '../report';
import { MODE_LABEL, fmt, pointAt, round, row } from '../reportKit';

export const tradeoff: Experiment<'tradeoff'> = {
  ids: ['tradeoff'],

  plan(scale, add) {
    const sweepRuns = scale.betaSweep.map((beta) => add(betaSweepConfig(scale, beta)));
    const baselineRuns = baselineConfigs(scale).map((c) => add(c));
    // The ε points of the trade-off: the naive Sample thief on raw and centered answers (runs
    // the output-modes grid already plans, so they are only read here).
    const epsTradeoff = scale.modesAttacks.includes('sample')
      ? scale.modesEpsilons.flatMap((eps) => (['none', 'centering'] as const).map((r) => runKey(modesConfig(scale, eps, r, 'naive', 'sample', scale.modesSeeds[0]))))
      : [];
    return [
      {
        id: 'tradeoff',
        paper: 'reverse-sigmoid',
        source: 'Sec. IV-B (the goal: high P(M, defense), low S(M, defense)); our own chart',
        title: 'Utility against security: protected-model agreement vs stolen-model agreement',
        dataset: 'mnist',
        runKeys: [...sweepRuns, ...baselineRuns, ...epsTradeoff],
        setting: `Every defense setting at a fixed budget of ${scale.tradeoffBudget.toLocaleString('en-US')} queries (Sample attack, thief I): β swept over {${scale.betaSweep.join(', ')}} (γ = 0.5), each baseline's noise grid, and ε ∈ {${scale.modesEpsilons.join(', ')}} (raw and centered). Runs with a smaller budget than that are left out.`,
      },
    ];
  },

  report(_spec, ctx) {
    const { scale, get, base } = ctx;
    const budget = scale.tradeoffBudget;
    const points: TradeoffPoint[] = [];
    const push = (label: string, group: string, rec: RunRecord | null) => {
      const p = rec ? pointAt(rec, budget) : null;
      if (rec && p) points.push({ label, group, protectedAgreement: round(rec.summary.protectedAgreement), stolenAgreement: round(p.defended.agreement) });
    };
    const first = get(betaSweepConfig(scale, scale.betaSweep[0]));
    const firstPoint = first ? pointAt(first, budget) : null;
    if (first && firstPoint) points.push({ label: 'no defense', group: 'none', protectedAgreement: 1, stolenAgreement: round(firstPoint.undefended.agreement) });
    for (const beta of scale.betaSweep) push(`RS β=${beta}`, 'reverse-sigmoid', get(betaSweepConfig(scale, beta)));
    for (const d of BASELINES) for (const setting of baselineSettings(scale, d)) push(`${d} ${baselineLabel(setting)}`, d, get(baselineConfig(scale, d, setting)));
    if (scale.modesAttacks.includes('sample'))
      for (const eps of scale.modesEpsilons)
        for (const renorm of ['none', 'centering'] as const) push(`ε=${eps} ${MODE_LABEL[renorm]}`, 'epsilon', get(modesConfig(scale, eps, renorm, 'naive', 'sample', scale.modesSeeds[0])));
    // The paper's rule applied to the β sweep (at the sweep's budget).
    const betaGrid = scale.betaSweep
      .map((beta) => ({ beta, rec: get(betaSweepConfig(scale, beta)) }))
      .filter((g): g is { beta: number; rec: RunRecord } => g.rec !== null)
      .map(({ beta, rec }) => ({
        noise: beta,
        P: rec.summary.protectedAgreement,
        S: rec.summary.final.defended.agreement,
        drop: rec.summary.final.undefended.agreement - rec.summary.final.defended.agreement,
        cosine: rec.summary.final.cost.cosine,
      }));
    const pick = chooseByPaperRule(betaGrid);
    const table = points.map((p) => row(`${p.label}: S(M) at ${budget} (P(M) ${fmt(p.protectedAgreement, 3)})`, p.stolenAgreement, null));
    return {
      ...base,
      ours: { budget, points, betaChosenByPaperRule: pick ? pick.noise : null, betaGrid: betaGrid.map((g) => ({ beta: g.noise, P: round(g.P), S: round(g.S), drop: round(g.drop), cosine: round(g.cosine) })) },
      paper_value: { rule: `highest cosine with a stealing drop ≥ ${STEALING_DROP_RULE} at 19,200 queries` },
      table,
      checks: [],
      charts: { tradeoff: { budget, points } },
    };
  },
};
