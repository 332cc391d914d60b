/**
 * A finished run as a file: its settings, where and when it ran, every curve point, the summary
 * and the thief-strip samples. A teacher saves one to replay it without waiting for training, and
 * the shipped demos (public/demos/) are such files, made by the same engine in Node. Whatever
 * comes in (a file picked by hand, a link to a demo) is checked against this schema, field by
 * field, so a damaged file is answered with what is wrong, never drawn as if it were fine.
 */
import { z } from 'zod';
import { DEFAULT_PARAMS, paramsSchema, type Params } from '../params/schema';
import { withPresentationOf } from '../params/runSettings';
import { toHash } from '../params/codec';
import type { BackendName, CurvePoint, DefenderSource, RunSummary, SampleAnswer } from '../engine/protocol';

export const RECORDING_FORMAT = 'model-theft-lab/run';
export const RECORDING_VERSION = 1;

const fraction = z.number().finite();
const score = z.object({ accuracy: fraction, agreement: fraction, loss: z.number().finite().nullable() });
const cost = z.object({
  argmaxUnchanged: fraction,
  cosine: fraction,
  mae: fraction,
  kl: z.number().finite(),
  minEntry: z.number().finite(),
  meanSum: z.number().finite(),
});
const point = z.object({
  queries: z.number().int().positive(),
  oracleQueries: z.number().int().nonnegative(),
  undefended: score,
  defended: score,
  cost,
});
const backend = z.enum(['webgpu', 'webgl', 'wasm', 'cpu']);
const source = z.enum(['trained', 'cache', 'shipped']);
const vector = z.array(z.number().finite()).min(2).max(100);
const sample = z.object({
  pixels: z.array(z.number().int().min(0).max(255)).length(784),
  label: z.number().int().nonnegative(),
  original: vector,
  defended: vector,
  defendedSum: z.number().finite(),
  defendedMin: z.number().finite(),
  centeringRounds: z.number().int().nonnegative().nullable(),
});
const summary = z.object({
  defenderAccuracy: fraction,
  protectedAccuracy: fraction,
  protectedAgreement: fraction,
  protectedEvalSize: z.number().int().nonnegative(),
  defenderSource: source,
  final: point,
  fgsm: z.object({ undefended: fraction, defended: fraction, clean: fraction, epsilon: z.number().finite() }),
  queries: z.number().int().nonnegative(),
  epsilon: z.object({ degenerate: z.number(), centeringUnconverged: z.number(), meanCenteringRounds: z.number().nullable() }).nullable(),
  wallMs: z.number().nonnegative(),
  backend,
  numTensorsBefore: z.number().int(),
  numTensorsAfter: z.number().int(),
});

export const recordingSchema = z
  .object({
    format: z.literal(RECORDING_FORMAT),
    version: z.literal(RECORDING_VERSION),
    appVersion: z.string().max(40),
    recordedAt: z.iso.datetime(),
    /** Where it ran: 'a browser' or 'Node (scripts/make-demos.ts)'. */
    recordedIn: z.string().max(120),
    backend,
    /** The share link of the settings (a convenience for people; `params` is what is read). */
    link: z.string().max(2000),
    params: paramsSchema,
    defender: z.object({ source, testAccuracy: fraction, trainSteps: z.number().int().nonnegative() }),
    points: z.array(point).min(1).max(64),
    samples: z.array(sample).max(64),
    summary,
  })
  .refine((r) => r.points.every((p, i) => i === 0 || p.queries > r.points[i - 1].queries), {
    message: 'the curve points must come in order of increasing queries',
    path: ['points'],
  });

export type RecordedRun = z.infer<typeof recordingSchema>;

export interface RecordingInput {
  params: Params;
  backend: BackendName;
  defender: { source: DefenderSource; testAccuracy: number; trainSteps: number };
  points: CurvePoint[];
  samples: SampleAnswer[];
  summary: RunSummary;
  appVersion: string;
  recordedIn: string;
  now: Date;
}

export function makeRecording(input: RecordingInput): RecordedRun {
  // What made the run, not how the page looked: theme, view, lesson step and replayed preset stay out.
  const params = withPresentationOf(input.params, DEFAULT_PARAMS);
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    appVersion: input.appVersion,
    recordedAt: input.now.toISOString(),
    recordedIn: input.recordedIn,
    backend: input.backend,
    link: toHash(params) || '#',
    params,
    defender: { ...input.defender },
    points: input.points,
    samples: input.samples,
    summary: input.summary,
  };
}

export type ParsedRecording = { ok: true; recording: RecordedRun } | { ok: false; message: string };

/** Reads a recorded run from text (a file's contents, a fetched demo); says what is wrong otherwise. */
export function parseRecording(text: string): ParsedRecording {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `This is not a JSON file (${e instanceof Error ? e.message : String(e)}).` };
  }
  if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format !== RECORDING_FORMAT) {
    return { ok: false, message: 'This JSON file is not a recorded run of the Model Theft Lab (its "format" field is missing or different).' };
  }
  const parsed = recordingSchema.safeParse(json);
  if (parsed.success) return { ok: true, recording: parsed.data };
  const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'the file'}: ${i.message}`);
  const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
  return { ok: false, message: `This recorded run is damaged: ${first.join('; ')}${more}.` };
}

/** The file name a saved run gets: its defense, budget and date, safe on every file system. */
export function recordingFileName(r: RecordedRun): string {
  const day = r.recordedAt.slice(0, 10);
  return `model-theft-run-${r.params.defense}-${r.params.budget}q-${day}.json`;
}
