/**
 * The printable handout of the guided lesson: five questions for the class, and the teacher's
 * answers, each answer worked out from the recorded run it is about (the demos the lesson
 * replays), so the handout says what the app measured, not what it was expected to.
 */
import type { RecordedRun } from './recordedRun';

export interface HandoutQuestion {
  question: string;
  /** The preset whose recorded run answers it. */
  presetId: string;
  answer(r: RecordedRun): string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const q = (n: number) => `${n.toLocaleString('en-US')} queries`;
const last = (r: RecordedRun) => r.points[r.points.length - 1];

export const HANDOUT_QUESTIONS: readonly HandoutQuestion[] = [
  {
    question:
      'Undefended theft: after how many queries did the copy first agree with the defender on more than 80% of test images? What did those answers cost at $1.50 per 1,000?',
    presetId: 'steal',
    answer: (r) => {
      const p = r.points.find((x) => x.undefended.agreement > 0.8);
      if (!p) return `It never did within ${q(last(r).queries)} (it reached ${pct(last(r).undefended.agreement)}).`;
      return `At ${q(p.queries)} (${pct(p.undefended.agreement)}), for $${((p.oracleQueries / 1000) * 1.5).toFixed(2)}: stealing a model is cheap when its answers are honest.`;
    },
  },
  {
    question: 'With the reverse sigmoid at β = 1, γ = 0.5: how far behind is the defended thief at 1,200 queries, and what do honest users keep?',
    presetId: 'works',
    answer: (r) => {
      const p = last(r);
      return (
        `${Math.round(100 * (p.undefended.agreement - p.defended.agreement))} points: ${pct(p.defended.agreement)} against ${pct(p.undefended.agreement)}. ` +
        `Honest users keep the top class on ${pct(r.summary.protectedAgreement)} of answers, but the probabilities are flattened (cosine ${p.cost.cosine.toFixed(2)}).`
      );
    },
  },
  {
    question: 'At β = 1.6 the thief does even worse than at β = 1. Why is β = 1.6 still not a better defense?',
    presetId: 'strong',
    answer: (r) =>
      `Because it breaks the service: honest users keep the top class on only ${pct(r.summary.protectedAgreement)} of answers, so the defender looks right ${pct(r.summary.protectedAccuracy)} of the time (${pct(r.summary.defenderAccuracy)} without the defense).`,
  },
  {
    question: 'The ArgmaxSample thief keeps only the top label of each answer. Why does the reverse sigmoid not slow it down?',
    presetId: 'argmax',
    answer: (r) => {
      const p = last(r);
      return (
        `The reverse sigmoid leaves the top class in place for ${r.summary.protectedAgreement > 0.95 ? 'almost every' : 'most'} answer${r.summary.protectedAgreement > 0.95 ? '' : 's'} (${pct(r.summary.protectedAgreement)} here), and the top label is all this thief uses: ` +
        `${pct(p.defended.agreement)} against ${pct(p.undefended.agreement)} at ${q(p.queries)}. A defense that keeps labels for honest users keeps them for thieves too.`
      );
    },
  },
  {
    question: 'The ε counter-attack at ε = 0.1 sends answers with entries below 0. A thief clips them to [0, 1] and renormalises before training. Does the defense still work?',
    presetId: 'eps-clean',
    answer: (r) => {
      const p = last(r);
      const gap = p.undefended.agreement - p.defended.agreement;
      const said = `the cleaning thief reaches ${pct(p.defended.agreement)} at ${q(p.queries)}, against ${pct(p.undefended.agreement)} on honest answers.`;
      return gap < 0.05 ? `Hardly: ${said} A defense a thief can undo with two lines of code is not enough.` : `Partly: ${said}`;
    },
  },
];
