/**
 * The single source of truth for every user-facing parameter: default, range, step, label,
 * unit, one-sentence help, and its short key in share links. Sliders, validation and the URL
 * codec all read this table, so a range is declared exactly once.
 */
import { z } from 'zod';

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

export const DATASETS = ['mnist', 'fashion-mnist'] as const;
export type DatasetChoice = (typeof DATASETS)[number];

export const PARAMS = {
  dataset: {
    kind: 'enum',
    urlKey: 'data',
    word: 'Data set',
    options: DATASETS,
    optionLabels: { mnist: 'MNIST digits', 'fashion-mnist': 'Fashion-MNIST' },
    default: 'mnist',
    help: 'The images the defender is trained on and the thief queries with.',
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
    default: 0.8,
    help: 'Reverse-sigmoid strength: how far each probability is pushed away from the truth (0 = no defense).',
    source: 'Reverse sigmoid, eq. (3); ≈0.8 with γ = 0.5 gives the paper\'s MNIST cos ≈ 0.4',
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
    source: 'Reverse sigmoid, eq. (3)',
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
  seed: numberField(PARAMS.seed),
  beta: numberField(PARAMS.beta),
  gamma: numberField(PARAMS.gamma),
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
