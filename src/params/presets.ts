/**
 * The lab's presets: a share link and what to look for, one per teaching moment. Each has a
 * recorded replay in public/demos/<id>.json, made by the real engine (`npm run demos`), so
 * choosing one draws its curves at once and "Run it live" trains the same thing here.
 */
/** The presets' ids, in menu order: also the values of the `demo` link setting, which replays one. */
export const PRESET_IDS = ['steal', 'works', 'weak', 'strong', 'queries', 'argmax', 'eps-paper', 'eps-clean', 'aware'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface Preset {
  id: PresetId;
  title: string;
  /** The settings, as a share link (read with the link codec, like any pasted link). */
  link: string;
  /** One paragraph: what the run shows and where to look. */
  look: string;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'steal',
    title: 'Undefended theft',
    link: '#v=2&beta=0&budget=1200',
    look:
      'β = 0 switches the reverse sigmoid off, so both thieves get the same honest answers and their curves lie on top of each other. ' +
      'Watch agreement with the defender climb as the thief buys more queries: a few hundred answers are enough for a useful copy.',
  },
  {
    id: 'works',
    title: 'The defense that works (β = 1, γ = 0.5)',
    link: '#v=2&budget=1200',
    look:
      'The setting the grid search chose. The orange (defended) thief stays near chance while the blue one copies the defender. ' +
      'Under the chart, "top class unchanged" shows what honest users keep: their label, but probabilities that are nearly flat.',
  },
  {
    id: 'weak',
    title: 'Too weak (β = 0.8)',
    link: '#v=2&beta=0.8&budget=1200',
    look:
      'A little less strength and the defense barely slows the thief: the defended curve starts lower but catches up within a few budget steps. ' +
      'The answers still carry enough of the ranking for cross-entropy to learn the top class.',
  },
  {
    id: 'strong',
    title: 'Too strong (β = 1.6): honest users get wrong labels',
    link: '#v=2&beta=1.6&budget=1200',
    look:
      'Past β ≈ 1 the perturbation flips the ranking: the defended answers no longer have the defender’s top class on top. The thief learns the flipped labels, ' +
      'and so does every honest user: "top class unchanged" falls to almost nothing. A defense that breaks the service is no defense.',
  },
  {
    id: 'queries',
    title: 'Enough queries beat a weak defense',
    link: '#v=2&beta=0.8',
    look:
      'β = 0.8 up to 19,200 queries: the gap between the two thieves is widest at the first budget steps and closes as the thief keeps buying answers. ' +
      'Compare the defended thief at 150 queries and at 19,200.',
  },
  {
    id: 'argmax',
    title: 'ArgmaxSample ignores the probabilities',
    link: '#v=2&attack=argmax&budget=4800',
    look:
      'This thief keeps only the top label of each answer. The reverse sigmoid leaves the top class in place, so it has nothing to poison: ' +
      'both thieves climb together, against the defense that works.',
  },
  {
    id: 'eps-paper',
    title: 'ε at the paper’s value (ε = 0.003)',
    link: '#v=2&budget=1200&def=epsilon',
    look:
      'The ε counter-attack nudges each answer by 0.003 per class in the direction that hurts a thief’s training most. ' +
      'The top class never changes; watch how close the two curves stay at this small ε.',
  },
  {
    id: 'eps-clean',
    title: 'Raw ε = 0.1 against a cleaning thief',
    link: '#v=2&budget=1200&clean=clean&def=epsilon&eps=0.1',
    look:
      'At ε = 0.1 the raw answers leave the probability simplex (entries below 0), which wrecks a naive thief. ' +
      'This thief clips and renormalises every answer first, and learns almost as well as the honest one.',
  },
  {
    id: 'aware',
    title: 'A defense-aware thief (same defense layer)',
    link: '#v=2&attack=rs-layer&budget=4800',
    look:
      'This thief knows the defense: it puts the same reverse sigmoid (same β and γ) on its own output and trains against the answers it gets. ' +
      'It gains nothing: the orange curve stays low (the reproduction measured 0.24 agreement at 19,200 queries, against 0.55 for a plain thief), ' +
      'and the layer even holds back the blue thief, which trains on honest answers through the same layer.',
  },
];

export function presetById(id: string): Preset | undefined {
  // Menu values and link values are strings: anything else is simply no preset.
  return PRESETS.find((p) => p.id === id);
}

/**
 * The 2-D playground's moments. A whole theft on 2-D points takes seconds, so these run live
 * instead of replaying a recording: choosing one (or opening a link that names it) sets the
 * controls and starts the run. What each paragraph says is checked against the engine's own run
 * of its link (playgroundPresets.test.ts).
 */
export const PLAYGROUND_PRESET_IDS = ['pg-copy', 'pg-bend', 'pg-strong', 'pg-eps', 'pg-jacobian', 'pg-argmax'] as const;
export type PlaygroundPresetId = (typeof PLAYGROUND_PRESET_IDS)[number];

export interface PlaygroundPreset {
  id: PlaygroundPresetId;
  title: string;
  link: string;
  look: string;
}

export const PLAYGROUND_PRESETS: readonly PlaygroundPreset[] = [
  {
    id: 'pg-copy',
    title: 'Watch the thief copy the boundary',
    link: '#v=2&beta=0&data=moons&view=playground',
    look:
      'Three moons, no defense (β = 0): both thieves get honest answers. Step through the pictures: at 150 queries the copy has the rough shape, ' +
      'by 1,200 its regions sit where the defender’s do, except far from any query, where nobody asked.',
  },
  {
    id: 'pg-bend',
    title: 'The reverse sigmoid bends the copy',
    link: '#v=2&data=spiral&view=playground',
    look:
      'A three-arm spiral with the defense that works (β = 1, γ = 0.5). The fourth picture shows what the defense hands out: the same top class everywhere, ' +
      'but nearly flat probabilities. The thief trained on them copies far less of the plane than the honest one, and its regions are pale: it learned to be unsure.',
  },
  {
    id: 'pg-strong',
    title: 'Too strong: the answers change colour',
    link: '#v=2&beta=1.6&data=moons&view=playground',
    look:
      'β = 1.6 flips the ranking: in the fourth picture the top class of the defended answers is another colour than the defender’s almost everywhere. ' +
      'The thief copies the wrong colours faithfully, and so would every honest user.',
  },
  {
    id: 'pg-eps',
    title: 'The ε counter-attack: tiny nudges, a worse copy',
    link: '#v=2&data=spiral&def=epsilon&eps=0.1&view=playground',
    look:
      'ε = 0.1 moves each probability by at most 0.1, in the direction that hurts a thief’s training most; the top class never changes, so the fourth picture ' +
      'looks like the defender’s. Yet the thief trained on these answers copies much less of the spiral than the honest one.',
  },
  {
    id: 'pg-jacobian',
    title: 'Jacobian augmentation walks to the boundary',
    link: '#v=2&attack=jacobian&data=moons&view=playground',
    look:
      'This thief starts from 150 points and makes new ones by stepping each point along the defender’s gradient. Step through the pictures: ' +
      'the dots double every round and crowd the boundaries. Against the defense its steps follow flattened answers, and its copy falls far behind.',
  },
  {
    id: 'pg-argmax',
    title: 'A label-only thief ignores the defense',
    link: '#v=2&attack=argmax&data=moons&view=playground',
    look:
      'This thief keeps only the top class of each answer. The reverse sigmoid never moves the top class, so both thieves learn the same thing ' +
      'and their pictures match.',
  },
];

export function playgroundPresetById(id: string): PlaygroundPreset | undefined {
  return PLAYGROUND_PRESETS.find((p) => p.id === id);
}

/** Where a preset's recorded replay is served from, relative to the site's root. */
export function demoPath(id: string): string {
  return `demos/${id}.json`;
}
