/**
 * The ε query view: one probed answer y, its ε-perturbed y* and the chosen renormalization,
 * computed on the page so the ε slider redraws without asking the worker.
 */
import { epsilonPerturb } from '../math/counterAttack';
import { argmax } from '../math/metrics';
import { centering, winnerTakesAll } from '../math/renormalize';
import { PARAMS, type EpsDirectionChoice, type RenormChoice } from '../params/schema';
import type { ProbeResult } from '../engine/protocol';

export interface EpsilonQueryRow {
  label: string;
  y: number;
  yStar: number;
  /** +1, −1 or 0: the sign of the ε direction for this class. */
  sign: number;
}

export interface EpsilonQueryView {
  rows: EpsilonQueryRow[];
  sum: number;
  minEntry: number;
  argmaxUnchanged: boolean;
  /** Centering only: rounds used to reach |Σ − 1| < 10⁻³. */
  rounds: number | null;
  degenerate: boolean;
  domain: [number, number];
}

/**
 * y* = y + ε·sign(d) for the probed query, then the chosen renormalization, computed here on
 * the page with the same math the oracle uses: the direction does not depend on ε, so moving
 * the ε slider needs no worker round-trip.
 */
export function selectEpsilonQuery(
  probe: ProbeResult,
  epsilon: number,
  renorm: RenormChoice,
  direction: EpsDirectionChoice,
): EpsilonQueryView {
  const y = probe.original;
  const degenerate = direction === 'at-y' && probe.degenerateAtY;
  const d = degenerate ? y.map(() => 0) : direction === 'at-y' ? probe.directionAtY : probe.directionOneHot;
  const raw = epsilonPerturb(y, d, epsilon);
  let out: ArrayLike<number> = raw;
  let rounds: number | null = null;
  if (renorm === 'centering') {
    const c = centering(y, raw);
    out = c.output;
    rounds = c.rounds;
  } else if (renorm === 'winner-takes-all') {
    out = winnerTakesAll(raw);
  }
  const rows = y.map((v, j) => ({ label: String(j), y: v, yStar: out[j], sign: Math.sign(d[j]) }));
  const values = Array.from(out);
  const minEntry = Math.min(...values);
  return {
    rows,
    sum: values.reduce((a, b) => a + b, 0),
    minEntry,
    argmaxUnchanged: argmax(out) === argmax(y),
    rounds,
    degenerate,
    // Fixed by the ε slider's range (y* ∈ [−ε_max, 1 + ε_max]), so the axis never jumps while ε moves.
    domain: [-PARAMS.epsilon.max, 1 + PARAMS.epsilon.max],
  };
}
