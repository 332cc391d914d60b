/**
 * The 2-D playground and the lab share one parameter set, so a few combinations cannot run: a
 * convnet thief on 2-D points, pixel shifts of a 2-D point, more queries than the 2-D attacker's
 * pool can answer, or the image lab on a 2-D data set. Entering or leaving the playground sets
 * them for the mode; a link or a recording that mixes them is repaired here, and every repair is
 * said in words (the page shows them as notices).
 */
import { DEFAULT_PARAMS, isToyDataset, PARAMS, type Params } from './schema';

/**
 * The most queries per thief on a 2-D data set: the attacker's pool holds a third of the 6,000
 * training points (1,980), and the budget schedule doubles 150 → 300 → 600 → 1,200.
 */
export const PLAYGROUND_BUDGET_MAX = 1200;

/** The data set the playground opens on. */
export const PLAYGROUND_DATASET = 'moons' as const;

/**
 * Epochs per budget step for the playground's thieves. 1,200 answers make about 19 batches, so the
 * lab's 3 epochs give the MLP too few steps to copy the regions; 20 are still milliseconds per step.
 */
export const PLAYGROUND_THIEF_EPOCHS = 20;

/**
 * Where the playground's defaults differ from the lab's. A link leaves a setting out when it is
 * the default of its own mode, so `#view=playground` alone trains the playground's thieves.
 */
export const PLAYGROUND_DEFAULTS = {
  substitute: 'mlp',
  shift: 0,
  budget: PLAYGROUND_BUDGET_MAX,
  thiefEpochs: PLAYGROUND_THIEF_EPOCHS,
} as const satisfies Partial<Params>;

/** `p` made fit for the playground: a 2-D data set, the MLP thief, no shifts, a budget it can answer. */
export function enterPlayground(p: Params): Params {
  const thiefEpochs = p.thiefEpochs === DEFAULT_PARAMS.thiefEpochs ? PLAYGROUND_THIEF_EPOCHS : p.thiefEpochs;
  return coherentParams({ ...p, view: 'playground', thiefEpochs, dataset: isToyDataset(p.dataset) ? p.dataset : PLAYGROUND_DATASET }).params;
}

/** `p` made fit for the image lab: leaving a 2-D data set restores the lab's data, thief, shifts and budget. */
export function enterLab(p: Params): Params {
  if (!isToyDataset(p.dataset)) return { ...p, view: 'lab' };
  return {
    ...p,
    view: 'lab',
    dataset: DEFAULT_PARAMS.dataset,
    substitute: DEFAULT_PARAMS.substitute,
    shift: DEFAULT_PARAMS.shift,
    budget: DEFAULT_PARAMS.budget,
    thiefEpochs: p.thiefEpochs === PLAYGROUND_THIEF_EPOCHS ? DEFAULT_PARAMS.thiefEpochs : p.thiefEpochs,
  };
}

/** `p` with every combination that cannot run repaired, and one sentence per repair. */
export function coherentParams(p: Params): { params: Params; repairs: string[] } {
  const out: Params = { ...p };
  const repairs: string[] = [];
  const data = PARAMS.dataset.optionLabels;
  if (out.view === 'playground' && !isToyDataset(out.dataset)) {
    // `#view=playground` alone names no data set: the lab's default is nobody's choice, so no word.
    if (p.dataset !== DEFAULT_PARAMS.dataset) repairs.push(`The 2-D playground draws 2-D data, not ${data[out.dataset]}: it opened on ${data[PLAYGROUND_DATASET]}.`);
    out.dataset = PLAYGROUND_DATASET;
  }
  if (!isToyDataset(out.dataset)) return { params: out, repairs };
  if (out.view === 'lab') {
    // A 2-D data set is the playground's: the link's data set wins over its view.
    out.view = 'playground';
  }
  // Values the link or record left at the lab's defaults are changed without a word: nobody chose them.
  if (out.substitute !== 'mlp') {
    if (p.substitute !== DEFAULT_PARAMS.substitute) repairs.push(`${PARAMS.substitute.optionLabels[out.substitute]} is a network for images; on 2-D points the thief is the MLP.`);
    out.substitute = 'mlp';
  }
  if (out.shift !== 0) {
    if (p.shift !== DEFAULT_PARAMS.shift) repairs.push('Pixel shifts mean nothing for a 2-D point: the thief trains without them.');
    out.shift = 0;
  }
  if (out.budget > PLAYGROUND_BUDGET_MAX) {
    if (p.budget !== DEFAULT_PARAMS.budget) repairs.push(`The 2-D attacker's pool answers at most ${PLAYGROUND_BUDGET_MAX.toLocaleString('en-US')} queries per thief; the budget is ${PLAYGROUND_BUDGET_MAX.toLocaleString('en-US')}.`);
    out.budget = PLAYGROUND_BUDGET_MAX;
  }
  return { params: out, repairs };
}
