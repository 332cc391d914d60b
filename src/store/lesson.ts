/**
 * The guided lesson: nine steps from the defender to the counter-attack, each on one preset's
 * settings, each with a short explanation and a verdict in plain words read off the run on screen
 * (a replay or a live run of those settings), never a sentence written in advance. A run made
 * with other settings gets no verdict: the step says so instead.
 */
import { parseHash } from '../params/codec';
import { presetById, type Preset } from '../params/presets';
import { changedRunSettings } from '../params/runSettings';
import type { CurvePoint } from '../engine/protocol';
import type { RunState } from './appStore';

export interface LessonRun {
  points: CurvePoint[];
  summary: NonNullable<RunState['summary']>;
  defender: NonNullable<RunState['defender']>;
}

export interface LessonStep {
  title: string;
  presetId: string;
  /** What to do and what to watch, before the run. */
  text: string;
  verdict(run: LessonRun): string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const points = (x: number) => `${Math.round(100 * x)} points`;
const q = (n: number) => `${n.toLocaleString('en-US')} queries`;
const first = (r: LessonRun) => r.points[0];
const last = (r: LessonRun) => r.points[r.points.length - 1];
const SOURCE = { trained: 'trained live in this browser', cache: "loaded from this browser's cache", shipped: 'shipped pretrained with the app' } as const;

/** "the thief on defended answers agrees with the defender on 17.2%, the one on honest answers on 86.3%" */
function pair(p: CurvePoint): string {
  return `the thief on defended answers agrees with the defender on ${pct(p.defended.agreement)} of test images, the one on honest answers on ${pct(p.undefended.agreement)}`;
}

export const LESSON: readonly LessonStep[] = [
  {
    title: 'The defender',
    presetId: 'steal',
    text:
      'A company trains a classifier (the defender, a small CNN) on 67% of the MNIST training digits and sells its answers: ' +
      'for every image it returns ten probabilities. Training it takes minutes here, so the app ships it pretrained.',
    verdict: (r) =>
      `The defender labels ${pct(r.summary.defenderAccuracy)} of the test digits correctly (${SOURCE[r.defender.source]}; a live training is ${r.defender.trainSteps.toLocaleString('en-US')} steps).`,
  },
  {
    title: 'Steal it',
    presetId: 'steal',
    text:
      'A thief who never sees the training data sends images from its own pool, keeps the answers, and trains a copy on them. ' +
      'β = 0 leaves the answers honest, so both curves show the same theft.',
    verdict: (r) =>
      `After ${q(first(r).queries)} the copy already agrees with the defender on ${pct(first(r).undefended.agreement)} of test images; after ${q(last(r).queries)}, on ${pct(last(r).undefended.agreement)}.`,
  },
  {
    title: 'Turn on the reverse sigmoid',
    presetId: 'works',
    text:
      'Now the defender perturbs every answer with the reverse sigmoid (β = 1, γ = 0.5, the grid search’s choice) before sending it. ' +
      'The orange thief trains on these answers; the blue one still gets honest answers, for comparison.',
    verdict: (r) => {
      const p = first(r);
      const gap = p.undefended.agreement - p.defended.agreement;
      const lead = gap >= 0.1 ? 'From the first budget step the defense bites' : gap > 0 ? 'At the first budget step the defense shows only a little' : 'At the first budget step the defense does not show';
      return `${lead}: after ${q(p.queries)} ${pair(p)}.`;
    },
  },
  {
    title: 'The thief fails',
    presetId: 'works',
    text: 'Watch the two curves as the thief buys more answers, then the table under the chart: how well does the defender resist adversarial images (FGSM) crafted on each copy?',
    verdict: (r) => {
      const p = last(r);
      const f = r.summary.fgsm;
      return (
        `The defense cost the thief ${points(p.undefended.agreement - p.defended.agreement)} of agreement at ${q(p.queries)}: ${pair(p)}. ` +
        `Adversarial images crafted on the defended copy fool the defender ${f.defended > f.undefended ? 'less' : 'as much or more'} (its accuracy on them ${pct(f.defended)}, against ${pct(f.undefended)} for the honest copy's).`
      );
    },
  },
  {
    title: 'What it costs honest users',
    presetId: 'works',
    text:
      'Honest users get the same perturbed answers. Look at the cost table under the chart (top class unchanged, cosine): do they keep the label? Do they keep the confidence?',
    verdict: (r) =>
      `Honest users kept the top class on ${pct(r.summary.protectedAgreement)} of answers, so the defender is right ${pct(r.summary.protectedAccuracy)} of the time through the defense (${pct(r.summary.defenderAccuracy)} without it). ` +
      `${last(r).cost.cosine < 0.6 ? 'But the probabilities are nearly flat' : 'The probabilities stay close to the honest ones'}: cosine ${last(r).cost.cosine.toFixed(2)} with the honest answers (1 = unchanged).`,
  },
  {
    title: 'Too strong',
    presetId: 'strong',
    text: 'Turn β up to 1.6. The thief should fail even harder. What happens to honest users?',
    verdict: (r) => {
      const kept = r.summary.protectedAgreement;
      return kept < 0.9
        ? `The thief's copy agrees with the defender on ${pct(last(r).defended.agreement)}, but honest users now keep the top class on only ${pct(kept)} of answers ` +
            `and see the defender right ${pct(r.summary.protectedAccuracy)} of the time: the defense broke the service it protects.`
        : `The thief's copy agrees with the defender on ${pct(last(r).defended.agreement)}, and honest users still keep the top class on ${pct(kept)} of answers.`;
    },
  },
  {
    title: 'The thief adapts: labels only',
    presetId: 'argmax',
    text: 'The reverse sigmoid keeps the top class in place. A thief who keeps only the top label (ArgmaxSample) throws the poisoned probabilities away.',
    verdict: (r) => {
      const p = last(r);
      const gap = p.undefended.agreement - p.defended.agreement;
      const versus =
        Math.abs(gap) < 0.02
          ? `level with the one on honest answers (${pct(p.undefended.agreement)}): the defense does not touch it`
          : `${points(Math.abs(gap))} ${gap > 0 ? 'behind' : 'ahead of'} the one on honest answers (${pct(p.undefended.agreement)})`;
      return `With labels only, the thief on defended answers reaches ${pct(p.defended.agreement)} agreement at ${q(p.queries)}, ${versus}.`;
    },
  },
  {
    title: 'The thief adapts: more queries',
    presetId: 'queries',
    text: 'A weaker defense (β = 0.8) against a patient thief with 19,200 queries. Compare the gap between the curves at the start and at the end.',
    verdict: (r) => {
      const a = first(r);
      const b = last(r);
      const start = a.undefended.agreement - a.defended.agreement;
      const end = b.undefended.agreement - b.defended.agreement;
      return (
        `At ${q(a.queries)} the defense held the thief ${points(start)} behind (${pct(a.defended.agreement)} against ${pct(a.undefended.agreement)}); ` +
        `at ${q(b.queries)} ${end < start ? 'only' : 'still'} ${points(end)} (${pct(b.defended.agreement)} against ${pct(b.undefended.agreement)}).`
      );
    },
  },
  {
    title: 'The ε counter-attack and the cleaning thief',
    presetId: 'eps-clean',
    text:
      'A different defense: ε moves each answer by ±0.1 per class in the direction that hurts the thief’s training most. Raw answers then leave [0, 1]. ' +
      'This thief clips and renormalises them first.',
    verdict: (r) => {
      const p = last(r);
      return (
        `The cleaning thief reaches ${pct(p.defended.agreement)} agreement at ${q(p.queries)}, against ${pct(p.undefended.agreement)} on honest answers, ` +
        `while honest users kept the top class on ${pct(r.summary.protectedAgreement)} of answers. ` +
        (p.undefended.agreement - p.defended.agreement < 0.05 ? 'Cleaning undoes most of what ε does.' : `Even cleaned, the answers cost the thief ${points(p.undefended.agreement - p.defended.agreement)}.`)
      );
    },
  },
];

export function lessonPreset(step: LessonStep): Preset {
  const p = presetById(step.presetId);
  if (!p) throw new Error(`lesson step "${step.title}" names no preset "${step.presetId}"`);
  return p;
}

export type LessonVerdict =
  | { kind: 'waiting'; text: string }
  | { kind: 'other-settings'; text: string }
  | { kind: 'ready'; text: string };

/** The step's verdict on the run on screen, or why there is none yet. */
export function lessonVerdict(step: LessonStep, run: RunState): LessonVerdict {
  if (run.status === 'running') return { kind: 'waiting', text: 'The verdict comes when the run on screen ends.' };
  if (run.status !== 'done' || !run.summary || !run.defender || !run.config || run.points.length === 0) {
    return { kind: 'waiting', text: 'Replay or run this step to see its verdict.' };
  }
  const wanted = parseHash(lessonPreset(step).link).params;
  if (changedRunSettings(run.config, wanted).length > 0) {
    return { kind: 'other-settings', text: 'The run on screen was made with other settings than this step’s: replay the step to see its verdict.' };
  }
  return { kind: 'ready', text: step.verdict({ points: run.points, summary: run.summary, defender: run.defender }) };
}
