/**
 * The single source of truth for every user-facing parameter: default, range, step, label,
 * unit, one-sentence help, and its short key in share links. Sliders, validation and the URL
 * codec all read this table, so a range is declared exactly once.
 */
import { z } from 'zod';
import { PLAYGROUND_PRESETS, PLAYGROUND_PRESET_IDS, PRESETS, PRESET_IDS } from './presets';

// zod compiles object schemas with `new Function` when it can; the built page's Content-Security-
// Policy forbids eval, and even zod's probe for it would be reported as a violation. Interpreted
// parsing is fast enough for share links and recorded runs.
z.config({ jitless: true });

export interface NumberParamSpec {
  kind: 'number';
  /** Short, stable key used in share links. Never rename: old links would break. */
  urlKey: string;
  symbol: string;
  /** Spoken name; with the symbol it forms the accessible name, e.g. "β (beta)". */
  word: string;
  min: number;
  max: number;
  step: number;
  default: number;
  integer?: boolean;
  unit?: string;
  help: string;
  /** Where the default comes from (paper, library), shown beside "reset". */
  source?: string;
}

export interface EnumParamSpec<T extends string = string> {
  kind: 'enum';
  urlKey: string;
  symbol?: undefined;
  word: string;
  options: readonly T[];
  optionLabels: Readonly<Record<T, string>>;
  default: T;
  help: string;
  source?: string;
}

export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKENDS)[number];

export const CALIBRATE = ['hardware', 'all'] as const;
export type CalibrateChoice = (typeof CALIBRATE)[number];
/** WASM's threads: automatic (every core but one, kept only where faster), or a fixed count. */
export const THREADS = ['auto', '1', '2', '4'] as const;
export type ThreadsChoice = (typeof THREADS)[number];

/** The image data sets of the lab. */
export const IMAGE_DATASETS = ['mnist', 'fashion-mnist'] as const;
/** The 2-D playground's data sets, generated in the browser from a seed (data/toy.ts draws them). */
export const TOY_DATASETS = ['moons', 'blobs', 'circles', 'xor', 'spiral'] as const;
export type ToyDatasetChoice = (typeof TOY_DATASETS)[number];
export const DATASETS = [...IMAGE_DATASETS, ...TOY_DATASETS] as const;
export type DatasetChoice = (typeof DATASETS)[number];

/** True for the playground's 2-D data sets (points in the unit square, not images). */
export function isToyDataset(d: DatasetChoice): d is ToyDatasetChoice {
  return (TOY_DATASETS as readonly string[]).includes(d);
}

/** Substitute architectures: Table 1 of the counter-attack paper, plus the reverse-sigmoid paper's "Simple" and its AllConv thief. */
export const SUBSTITUTES = ['X', 'Y', 'A', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'simple', 'allconv', 'mlp'] as const;
export type SubstituteChoice = (typeof SUBSTITUTES)[number];

export const ATTACKS = ['sample', 'argmax', 'random', 'jacobian', 'rs-layer', 'mse', 'inversion'] as const;
export type AttackChoice = (typeof ATTACKS)[number];

export const DEFENSES = ['reverse-sigmoid', 'epsilon', 'uniform', 'concave', 'convex', 'ranking', 'sine'] as const;
export type DefenseChoice = (typeof DEFENSES)[number];

export const RENORMS = ['none', 'centering', 'winner-takes-all'] as const;
export type RenormChoice = (typeof RENORMS)[number];

export const CLEANING = ['naive', 'clean'] as const;
export type CleaningChoice = (typeof CLEANING)[number];

export const THEMES = ['auto', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];

export const VIEWS = ['lab', 'playground', 'reproduce', 'handout'] as const;
export type ViewChoice = (typeof VIEWS)[number];

/** `demo=<preset>` in a link replays that preset's recorded run when the page opens (a playground preset runs live). */
export const DEMOS = ['none', ...PRESET_IDS, ...PLAYGROUND_PRESET_IDS] as const;
export type DemoChoice = (typeof DEMOS)[number];

export const EPS_DIRECTIONS = ['onehot', 'at-y'] as const;
export type EpsDirectionChoice = (typeof EPS_DIRECTIONS)[number];

export const THIEF_PROTOCOLS = ['continue', 'fresh'] as const;
export type ThiefProtocolChoice = (typeof THIEF_PROTOCOLS)[number];

export const THIEF_OPTIMIZERS = ['adam', 'sgdm'] as const;
export type ThiefOptimizerChoice = (typeof THIEF_OPTIMIZERS)[number];

export const PARAMS = {
  dataset: {
    kind: 'enum',
    urlKey: 'data',
    word: 'Data set',
    options: DATASETS,
    optionLabels: {
      mnist: 'MNIST digits',
      'fashion-mnist': 'Fashion-MNIST',
      moons: 'Two moons',
      blobs: 'Blobs',
      circles: 'Circles',
      xor: 'XOR checkerboard',
      spiral: 'Spiral',
    },
    default: 'mnist',
    help: 'The data the defender is trained on and the thief queries with: images in the lab, 2-D points in the playground.',
  } satisfies EnumParamSpec<DatasetChoice>,
  backend: {
    kind: 'enum',
    urlKey: 'backend',
    word: 'Backend',
    options: BACKENDS,
    optionLabels: { auto: 'Automatic', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' },
    default: 'auto',
    help: 'Which TensorFlow.js backend trains the models; automatic picks the fastest that works.',
  } satisfies EnumParamSpec<BackendPreference>,
  theme: {
    kind: 'enum',
    urlKey: 'theme',
    word: 'Theme',
    options: THEMES,
    optionLabels: { auto: 'Theme: as the system', light: 'Theme: light', dark: 'Theme: dark' },
    default: 'auto',
    help: 'Light for projectors in bright rooms, dark for dim ones; "as the system" follows the computer.',
  } satisfies EnumParamSpec<ThemeChoice>,
  view: {
    kind: 'enum',
    urlKey: 'view',
    word: 'View',
    options: VIEWS,
    optionLabels: { lab: 'The lab', playground: '2-D playground', reproduce: "Reproduce the papers' tables", handout: 'Lesson handout' },
    default: 'lab',
    help: "The lab (run one theft), the 2-D playground (see the decision regions), the reproduction of the papers' tables with our numbers beside theirs, or the printable lesson handout.",
  } satisfies EnumParamSpec<ViewChoice>,
  demo: {
    kind: 'enum',
    urlKey: 'demo',
    word: 'Replayed preset',
    options: DEMOS,
    optionLabels: Object.fromEntries([['none', 'None'], ...[...PRESETS, ...PLAYGROUND_PRESETS].map((p) => [p.id, p.title])]) as Record<DemoChoice, string>,
    default: 'none',
    help: 'A preset whose recorded run the page replays when it opens (a shared demo link).',
  } satisfies EnumParamSpec<DemoChoice>,
  substitute: {
    kind: 'enum',
    urlKey: 'sub',
    word: 'Thief model',
    options: SUBSTITUTES,
    optionLabels: {
      X: 'X: 2 conv', Y: 'Y: 3 conv', A: 'A: 2 conv + 2 FC', F: 'F: 2 conv + FC', G: 'G: 2 conv',
      H: 'H: conv + 2 FC', I: 'I: 3 FC (MLP)', J: 'J: 2 wide FC', K: 'K: 3 wide FC', L: 'L: conv + 2 wide FC',
      simple: 'Simple (reverse-sigmoid paper)',
      allconv: 'AllConv (reverse-sigmoid paper, narrowed)',
      mlp: 'MLP (width × depth below)',
    },
    // I (an MLP) is the default because the whole lesson then runs in ~2 min on a CPU-only
    // machine (WASM: 22 ms/step vs 243 for A; npm run bench); the CNN thieves are one click away.
    default: 'I',
    help: "The thief's own network (counter-attack paper, Table 1), trained only on the defender's answers.",
  } satisfies EnumParamSpec<SubstituteChoice>,
  attack: {
    kind: 'enum',
    urlKey: 'attack',
    word: 'Attack',
    options: ATTACKS,
    optionLabels: {
      sample: 'Sample (real images, probabilities)',
      argmax: 'ArgmaxSample (real images, top label only)',
      random: 'Random (noise images)',
      jacobian: 'Jacobian augmentation (Papernot)',
      'rs-layer': 'Defense-aware: same defense layer',
      mse: 'Defense-aware: MSE loss',
      inversion: 'Defense-aware: inversion MLP',
    },
    default: 'sample',
    help: 'How the thief chooses its queries and what it learns from the answers.',
  } satisfies EnumParamSpec<AttackChoice>,
  defense: {
    kind: 'enum',
    urlKey: 'def',
    word: 'Defense',
    options: DEFENSES,
    optionLabels: {
      'reverse-sigmoid': 'Reverse sigmoid (β, γ)',
      epsilon: 'ε counter-attack',
      uniform: 'Uniform random noise',
      concave: 'Uniform noise × concave',
      convex: 'Uniform noise × convex',
      ranking: 'Ranking-preserving noise',
      sine: 'Sine noise',
    },
    default: 'reverse-sigmoid',
    help: 'What the defender does to its answers; the run trains one thief with it and one without.',
  } satisfies EnumParamSpec<DefenseChoice>,
  renorm: {
    kind: 'enum',
    urlKey: 'renorm',
    word: 'Renormalization',
    options: RENORMS,
    optionLabels: { none: 'None (raw y*, as in the paper)', centering: 'Centering', 'winner-takes-all': 'Winner takes all' },
    default: 'none',
    help: 'How the ε answer is turned back into probabilities (counter-attack paper, Appendix A).',
  } satisfies EnumParamSpec<RenormChoice>,
  epsDirection: {
    kind: 'enum',
    urlKey: 'edir',
    word: 'Gradient taken at',
    options: EPS_DIRECTIONS,
    optionLabels: { onehot: 'one-hot of the top class (CleverHans)', 'at-y': 'the answer y itself' },
    default: 'onehot',
    help: 'Where the ε direction is evaluated; at y itself the gradient is exactly zero, so the top class is used.',
  } satisfies EnumParamSpec<EpsDirectionChoice>,
  cleaning: {
    kind: 'enum',
    urlKey: 'clean',
    word: 'Thief cleans answers',
    options: CLEANING,
    optionLabels: { naive: 'No: trains on answers as received', clean: 'Yes: clip to [0, 1] and renormalise first' },
    default: 'naive',
    help: 'A careful thief repairs answers that are not probabilities (raw ε answers can be negative) before training on them.',
  } satisfies EnumParamSpec<CleaningChoice>,
  calibrate: {
    kind: 'enum',
    urlKey: 'calibrate',
    word: 'Calibrate',
    options: CALIBRATE,
    optionLabels: { hardware: 'hardware GPUs, WASM (fast)', all: 'also software GPU emulation (slow, to compare)' },
    default: 'hardware',
    help: 'Which backends the automatic choice times before picking the fastest.',
  } satisfies EnumParamSpec<CalibrateChoice>,
  threads: {
    kind: 'enum',
    urlKey: 'threads',
    word: 'WASM threads',
    options: THREADS,
    optionLabels: { auto: 'automatic (cores − 1, if faster)', '1': '1 thread', '2': '2 threads', '4': '4 threads' },
    default: 'auto',
    help: 'How many CPU threads WASM trains with. Needs a cross-origin isolated page; threads never change a number, only the speed.',
  } satisfies EnumParamSpec<ThreadsChoice>,
  seed: {
    kind: 'number',
    urlKey: 'seed',
    symbol: 'seed',
    word: 'random seed',
    min: 0,
    max: 2 ** 32 - 1,
    step: 1,
    integer: true,
    default: 1,
    help: 'Fixes every random choice, so the same link replays the same run.',
  } satisfies NumberParamSpec,
  beta: {
    kind: 'number',
    urlKey: 'beta',
    symbol: 'β',
    word: 'beta',
    min: 0,
    max: 2,
    step: 0.01,
    // The grid search's choice (reports/reproduction.md, rs-mnist-grid): of the 35 cells that keep
    // honest users' top class, the paper's rule picks β = 1, γ = 0.5. The old 0.8 only slowed a thief.
    default: 1,
    help: 'Reverse-sigmoid strength: how far each probability is pushed away from the truth (0 = no defense).',
    source: 'Reverse sigmoid, Sec. IV-B: the grid search\'s choice (our report, rs-mnist-grid: thief agreement 0.97 → 0.54 at 19,200 queries, top class kept for 99.7%)',
  } satisfies NumberParamSpec,
  gamma: {
    kind: 'number',
    urlKey: 'gamma',
    symbol: 'γ',
    word: 'gamma',
    min: 0.05,
    max: 5,
    step: 0.01,
    default: 0.5,
    help: 'Reverse-sigmoid steepness: larger values make the perturbation a sharper step around ½.',
    source: 'Reverse sigmoid, Sec. IV-B: the grid search\'s choice, with β = 1 (our report, rs-mnist-grid)',
  } satisfies NumberParamSpec,
  epsilon: {
    kind: 'number',
    urlKey: 'eps',
    symbol: 'ε',
    word: 'epsilon',
    min: 0,
    max: 0.2,
    step: 0.001,
    default: 0.003,
    help: "Counter-attack size: each probability moves by ±ε in the direction that most upsets a thief's training.",
    source: 'Counter-attack paper, Sec. 2.2: ε = 0.003 is already enough',
  } satisfies NumberParamSpec,
  noise: {
    kind: 'number',
    urlKey: 'noise',
    symbol: 'β',
    word: 'noise scale',
    min: 0,
    max: 1,
    step: 0.01,
    default: 0.2,
    help: 'Size of the random or sine noise the baseline defenses add to each probability.',
    source: 'Reverse sigmoid, Sec. IV-B baselines',
  } satisfies NumberParamSpec,
  rho: {
    kind: 'number',
    urlKey: 'rho',
    symbol: 'ρ',
    word: 'rho',
    min: 0.01,
    max: 1,
    step: 0.01,
    default: 0.3,
    help: 'Width of the Gaussian weight in the concave and convex noise baselines.',
  } satisfies NumberParamSpec,
  frequency: {
    kind: 'number',
    urlKey: 'freq',
    symbol: 'f',
    word: 'frequency',
    min: 0.5,
    max: 100,
    step: 0.5,
    default: 10,
    help: 'Frequency of the sine-noise baseline.',
  } satisfies NumberParamSpec,
  budget: {
    kind: 'number',
    urlKey: 'budget',
    symbol: 'Q',
    word: 'query budget',
    min: 150,
    max: 19200,
    step: 150,
    integer: true,
    default: 19200,
    unit: 'queries',
    help: 'How many questions the thief may ask; the thief is evaluated at 150, 300, 600 … up to this.',
    source: 'Reverse sigmoid, Table I: 19,200 queries',
  } satisfies NumberParamSpec,
  thiefEpochs: {
    kind: 'number',
    urlKey: 'tep',
    symbol: 'E',
    word: 'thief epochs per step',
    min: 1,
    max: 20,
    step: 1,
    integer: true,
    default: 3,
    help: 'Passes over all answers collected so far after each budget step, for a thief that keeps training (more = stronger thief, slower).',
  } satisfies NumberParamSpec,
  thiefProtocol: {
    kind: 'enum',
    urlKey: 'tproto',
    word: 'Thief training',
    options: THIEF_PROTOCOLS,
    optionLabels: { continue: 'Continue training after each budget step', fresh: 'Fresh thief per budget, N steps (the paper)' },
    default: 'continue',
    help: 'Whether each thief keeps training the same network as its answers grow, or starts a new one at every budget and trains it N steps.',
    source: "The reverse-sigmoid paper's protocol: a new thief for each query budget",
  } satisfies EnumParamSpec<ThiefProtocolChoice>,
  thiefSteps: {
    kind: 'number',
    urlKey: 'tsteps',
    symbol: 'N',
    word: 'training steps per budget',
    min: 100,
    max: 16000,
    step: 100,
    integer: true,
    default: 1000,
    help: 'Batches of 64 each fresh thief trains on after each budget step (used only with a fresh thief per budget).',
  } satisfies NumberParamSpec,
  thiefOptimizer: {
    kind: 'enum',
    urlKey: 'topt',
    word: 'Thief optimizer',
    options: THIEF_OPTIMIZERS,
    optionLabels: { adam: 'Adam (learning rate 0.001; 0.01 on 2-D points)', sgdm: 'SGD with momentum 0.9 (learning rate 0.01)' },
    default: 'adam',
    help: 'How each thief updates its weights from a batch of answers.',
  } satisfies EnumParamSpec<ThiefOptimizerChoice>,
  shift: {
    kind: 'number',
    urlKey: 'shift',
    symbol: 'Δ',
    word: 'shift augmentation',
    min: 0,
    max: 4,
    step: 1,
    integer: true,
    default: 2,
    unit: 'px',
    help: "Randomly shifts the thief's training images by up to this many pixels each epoch (0 = off).",
    source: 'Reverse sigmoid, Sec. IV-A: augmentation helps the thief',
  } satisfies NumberParamSpec,
  fgsmEps: {
    kind: 'number',
    urlKey: 'fgsm',
    symbol: 'ε_adv',
    word: 'FGSM epsilon',
    min: 0,
    max: 0.5,
    step: 0.01,
    default: 0.3,
    help: "Size of the adversarial examples crafted on the thief's copy and sent back to the defender.",
    source: 'Counter-attack paper, Fig. 1 (FGSM, ε = 0.3 on MNIST)',
  } satisfies NumberParamSpec,
  price: {
    kind: 'number',
    urlKey: 'price',
    symbol: '$',
    word: 'price per 1,000 queries',
    min: 0,
    max: 10,
    step: 0.5,
    default: 1.5,
    unit: 'USD',
    help: "What the defender's API charges; the thief's bill is shown as the queries add up.",
    source: 'Reverse sigmoid, Sec. I: cloud APIs charge $1–$10 per 1,000 queries',
  } satisfies NumberParamSpec,
  evalSize: {
    kind: 'number',
    urlKey: 'eval',
    symbol: 'n',
    word: 'test images per evaluation',
    min: 100,
    max: 10000,
    step: 100,
    integer: true,
    default: 2000,
    unit: 'images',
    help: 'How many test images (the first n of the 10,000) score each thief at every budget step, the final one included, and give the accuracy honest users see through the defense.',
  } satisfies NumberParamSpec,
  defenderEpochs: {
    kind: 'number',
    urlKey: 'dep',
    symbol: 'E_d',
    word: 'defender epochs',
    min: 1,
    max: 20,
    step: 1,
    integer: true,
    default: 3,
    help: "Passes over the defender's 67% of the training set when it is trained live.",
  } satisfies NumberParamSpec,
  // The 2-D playground's data and thieves.
  toyClasses: {
    kind: 'number',
    urlKey: 'cls',
    symbol: 'K',
    word: 'classes',
    min: 2,
    max: 5,
    step: 1,
    integer: true,
    default: 3,
    help: 'How many classes the 2-D data set has.',
  } satisfies NumberParamSpec,
  toyNoise: {
    kind: 'number',
    urlKey: 'tnoise',
    symbol: 'σ',
    word: 'data noise',
    min: 0,
    max: 0.5,
    step: 0.01,
    default: 0.1,
    help: 'How far the 2-D points scatter from their shapes (0: exactly on them; 0.5: the classes overlap).',
  } satisfies NumberParamSpec,
  toySeed: {
    kind: 'number',
    urlKey: 'tseed',
    symbol: 'seed_data',
    word: 'data seed',
    min: 0,
    max: 4294967295,
    step: 1,
    integer: true,
    default: 1,
    help: 'Draws the 2-D points: the same seed gives the same data set, whatever the run seed.',
  } satisfies NumberParamSpec,
  mlpWidth: {
    kind: 'number',
    urlKey: 'mw',
    symbol: 'width',
    word: 'MLP width',
    min: 4,
    max: 128,
    step: 4,
    integer: true,
    default: 32,
    unit: 'units',
    help: 'Units in each hidden layer of the MLP thief.',
  } satisfies NumberParamSpec,
  mlpDepth: {
    kind: 'number',
    urlKey: 'md',
    symbol: 'depth',
    word: 'MLP depth',
    min: 1,
    max: 4,
    step: 1,
    integer: true,
    default: 2,
    unit: 'layers',
    help: 'Hidden layers of the MLP thief.',
  } satisfies NumberParamSpec,
  // How the page is shown, not what runs: the guided lesson's step, presenter mode, embed mode.
  lesson: {
    kind: 'number',
    urlKey: 'lesson',
    symbol: 'lesson',
    word: 'lesson step',
    min: 0,
    max: 9,
    step: 1,
    integer: true,
    default: 0,
    help: 'The step of the guided lesson on screen (0: the lab without the lesson).',
  } satisfies NumberParamSpec,
  present: {
    kind: 'number',
    urlKey: 'present',
    symbol: 'present',
    word: 'presenter mode',
    min: 0,
    max: 1,
    step: 1,
    integer: true,
    default: 0,
    help: '1: larger type and thicker lines, with Run, the chart and the headline numbers on one screen for a projector.',
  } satisfies NumberParamSpec,
  embed: {
    kind: 'number',
    urlKey: 'embed',
    symbol: 'embed',
    word: 'embed mode',
    min: 0,
    max: 1,
    step: 1,
    integer: true,
    default: 0,
    help: '1: only the chart and its caption, for slides and iframes.',
  } satisfies NumberParamSpec,
} as const;

export type ParamKey = keyof typeof PARAMS;
export type NumberParamKey = {
  [K in ParamKey]: (typeof PARAMS)[K] extends NumberParamSpec ? K : never;
}[ParamKey];

function numberField(spec: NumberParamSpec) {
  let n = z.number().finite().min(spec.min).max(spec.max);
  if (spec.integer) n = n.int();
  return n;
}

/** Strict schema: rejects anything out of range (used to validate what the UI sends). */
export const paramsSchema = z.object({
  dataset: z.enum(DATASETS),
  backend: z.enum(BACKENDS),
  calibrate: z.enum(CALIBRATE),
  // Optional on input: runs saved before it existed are still read.
  threads: z.enum(THREADS).default('auto'),
  theme: z.enum(THEMES),
  view: z.enum(VIEWS),
  // Optional on input, like the page settings below: runs saved before it existed are still read.
  demo: z.enum(DEMOS).default('none'),
  substitute: z.enum(SUBSTITUTES),
  attack: z.enum(ATTACKS),
  defense: z.enum(DEFENSES),
  renorm: z.enum(RENORMS),
  epsDirection: z.enum(EPS_DIRECTIONS),
  cleaning: z.enum(CLEANING),
  seed: numberField(PARAMS.seed),
  beta: numberField(PARAMS.beta),
  gamma: numberField(PARAMS.gamma),
  epsilon: numberField(PARAMS.epsilon),
  noise: numberField(PARAMS.noise),
  rho: numberField(PARAMS.rho),
  frequency: numberField(PARAMS.frequency),
  budget: numberField(PARAMS.budget),
  thiefEpochs: numberField(PARAMS.thiefEpochs),
  thiefProtocol: z.enum(THIEF_PROTOCOLS),
  thiefSteps: numberField(PARAMS.thiefSteps),
  thiefOptimizer: z.enum(THIEF_OPTIMIZERS),
  shift: numberField(PARAMS.shift),
  fgsmEps: numberField(PARAMS.fgsmEps),
  price: numberField(PARAMS.price),
  evalSize: numberField(PARAMS.evalSize),
  defenderEpochs: numberField(PARAMS.defenderEpochs),
  // Optional on input: runs and recordings saved before the playground existed are still read.
  toyClasses: numberField(PARAMS.toyClasses).default(PARAMS.toyClasses.default),
  toyNoise: numberField(PARAMS.toyNoise).default(PARAMS.toyNoise.default),
  toySeed: numberField(PARAMS.toySeed).default(PARAMS.toySeed.default),
  mlpWidth: numberField(PARAMS.mlpWidth).default(PARAMS.mlpWidth.default),
  mlpDepth: numberField(PARAMS.mlpDepth).default(PARAMS.mlpDepth.default),
  // Optional on input: runs and recordings saved before these existed are still read.
  lesson: numberField(PARAMS.lesson).default(0),
  present: numberField(PARAMS.present).default(0),
  embed: numberField(PARAMS.embed).default(0),
});

export type Params = z.infer<typeof paramsSchema>;

export const DEFAULT_PARAMS: Params = Object.freeze(
  Object.fromEntries(Object.entries(PARAMS).map(([k, spec]) => [k, spec.default])) as Params,
);

/**
 * Snap a number to a parameter's range and step. Returns null for NaN/±∞ so the caller can
 * keep the previous value and say why, instead of storing a wrong number.
 */
export function coerceNumberParam(key: NumberParamKey, value: number): number | null {
  const spec: NumberParamSpec = PARAMS[key];
  if (!Number.isFinite(value)) return null;
  const clamped = Math.min(spec.max, Math.max(spec.min, value));
  if (spec.integer) return Math.round(clamped);
  // Round to the step's decimals so 0.1 + 0.2 style noise never reaches a share link.
  const decimals = Math.max(0, -Math.floor(Math.log10(spec.step)));
  return Number(clamped.toFixed(decimals));
}

/** "β (beta)": the accessible name carries both the symbol and the word. */
export function accessibleName(key: ParamKey): string {
  const spec = PARAMS[key];
  return spec.kind === 'number' && spec.symbol !== spec.word ? `${spec.symbol} (${spec.word})` : spec.word;
}

/** Queries shown in "what the thief sees": the engine sends this many, the page keeps this many cards in place. */
export const SAMPLE_STRIP_SIZE = 8;
