/**
 * Loads a dataset written by scripts/prepare-data.ts: manifest.json, then four raw uint8 files.
 *
 * Runs in the browser's training Web Worker and in Node tests (with an injected fetch), so it
 * uses only fetch and typed arrays. Every file is checked (HTTP status, exact length, CRC-32,
 * label range) before anything is returned: a model trained on a truncated or stale file would
 * fail silently, so any problem becomes a DataLoadError that names the file and the fix.
 */
import { z } from 'zod';
import { stratifiedSplit } from '../math/split';
import type { DatasetChoice } from '../params/schema';
import { crc32 } from './checksum';
import { manifestSchema, PIXELS_PER_IMAGE, type DatasetEntry, type DatasetId, type FileEntry, type Manifest } from './manifest';

export type { DatasetId } from './manifest';

/**
 * One split of a dataset: `count` items and their labels. Each item is `shape` bytes 0..255,
 * row-major: a 28×28 image, or a 2-D point's two coordinates on a 256-step lattice over the unit
 * square (toyDataset.ts), so both reach the models through the same code.
 */
export interface Split {
  count: number;
  /** count × (shape[0]·shape[1]·shape[2]) bytes. */
  images: Uint8Array;
  /** count bytes, each < numClasses. */
  labels: Uint8Array;
}

/** A fully downloaded and verified dataset. */
export interface Dataset {
  id: DatasetChoice;
  /** 'images': the lab's 28×28 grey images; 'points': the playground's 2-D points ([1, 2, 1]). */
  kind: 'images' | 'points';
  name: string;
  classNames: string[];
  shape: [number, number, number];
  numClasses: number;
  train: Split;
  test: Split;
}

/** Options of {@link loadDataset}. */
export interface LoadOptions {
  /**
   * URL of the data/ folder, e.g. `new URL('data/', document.baseURI).href`. A missing trailing
   * slash is added. A relative URL resolves against the *current script* (in a worker: the
   * worker's URL, which is not the page's), so pass an absolute one from the page.
   */
  baseUrl: string;
  /** Defaults to the global fetch; tests inject one that reads from disk. */
  fetch?: typeof fetch;
  /**
   * Called as bytes of the four data files arrive (and once with 0 at the start); the total is
   * the sum of their sizes from the manifest. Called per network chunk: throttle in the caller.
   */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Aborting rejects with the signal's reason (not a DataLoadError). */
  signal?: AbortSignal;
}

/** Why a dataset could not be loaded; `file` is the path relative to the data/ folder. */
export class DataLoadError extends Error {
  override name = 'DataLoadError';
  /** The file at fault, relative to the data/ folder, e.g. "mnist/train-images.u8". */
  readonly file: string;
  /** The URL that was fetched. */
  readonly url: string;

  constructor(file: string, url: string, problem: string, options?: ErrorOptions) {
    super(`Data file "${file}" (${url}): ${problem}`, options);
    this.file = file;
    this.url = url;
  }
}

const REGENERATE = 'Run `npm run prepare-data` (it writes public/data/), then reload the page.';

/**
 * Fixed seed of {@link defenderAttackerSplit}, so every session, chart and test sees the same
 * defender/attacker partition unless the user asks for another.
 */
export const DEFENDER_ATTACKER_SPLIT_SEED = 6733;

/** Share of the original training set the defender's model trains on (reverse-sigmoid paper, Sec. IV). */
export const DEFENDER_FRACTION = 0.67;

/**
 * Partitions a training split like the reverse-sigmoid paper (Sec. IV): the defender's base
 * model trains on 67% of the original training data and the attacker's unlabeled query pool
 * is the other 33%, drawn uniformly from each class (stratified). Indices are into `train`,
 * ascending; the two sets are disjoint and cover every example.
 */
export function defenderAttackerSplit(
  train: Split,
  seed: number = DEFENDER_ATTACKER_SPLIT_SEED,
): { defender: Uint32Array; attacker: Uint32Array } {
  const { first, second } = stratifiedSplit(train.labels, DEFENDER_FRACTION, seed);
  return { defender: first, attacker: second };
}

let byteToUnit: Float32Array | undefined;

/** Bytes per item of `dataset` (784 for an image, 2 for a 2-D point). */
export function valuesPerItem(dataset: Pick<Dataset, 'shape'>): number {
  const [h, w, c] = dataset.shape;
  return h * w * c;
}

/**
 * Converts uint8 items (n × `perItem`, 784 for images) to floats in [0, 1] (value / 255), for
 * the models layer. With `indices`, only those items, in that order; without, all of them.
 *
 * @throws RangeError if `images` is not a whole number of items or an index is out of range.
 */
export function imagesToFloat(images: Uint8Array, indices?: Uint32Array, perItem: number = PIXELS_PER_IMAGE): Float32Array {
  if (images.length % perItem !== 0) {
    throw new RangeError(`images has ${images.length} bytes, not a multiple of ${perItem}`);
  }
  // A 256-entry table avoids one division per pixel (~47M of them for MNIST train).
  if (byteToUnit === undefined) byteToUnit = Float32Array.from({ length: 256 }, (_, v) => v / 255);
  const lut = byteToUnit;
  if (indices === undefined) {
    const out = new Float32Array(images.length);
    for (let i = 0; i < images.length; i++) out[i] = lut[images[i]];
    return out;
  }
  const n = images.length / perItem;
  const out = new Float32Array(indices.length * perItem);
  for (let k = 0; k < indices.length; k++) {
    const src = indices[k];
    if (src >= n) throw new RangeError(`index ${src} (at position ${k}) is out of range for ${n} images`);
    const from = src * perItem;
    const to = k * perItem;
    for (let p = 0; p < perItem; p++) out[to + p] = lut[images[from + p]];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface Ctx {
  base: string;
  fetch: typeof fetch;
  /** Aborted by the caller's signal, or by the first failing file so the others stop too. */
  signal: AbortSignal;
}

/** Fetches one file and checks the response, turning every failure into a DataLoadError. */
async function request(ctx: Ctx, file: string): Promise<Response> {
  const url = ctx.base + file;
  let res: Response;
  try {
    // no-cache = revalidate: a copy cached before the data was regenerated would fail its CRC.
    res = await ctx.fetch(url, { signal: ctx.signal, cache: 'no-cache' });
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw new DataLoadError(file, url, `could not be fetched (${errorText(e)}). Check that the server (npm run dev / the static host) is running.`, { cause: e });
  }
  if (res.status === 404 || res.status === 410) {
    throw new DataLoadError(file, url, `is missing (HTTP ${res.status}). ${REGENERATE}`);
  }
  if (!res.ok) {
    throw new DataLoadError(file, url, `the server answered HTTP ${res.status} ${res.statusText}. Check the server, then reload.`);
  }
  // Dev servers and SPA hosts answer unknown paths with index.html and status 200.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    throw new DataLoadError(file, url, `the server sent an HTML page instead, so the file is most likely missing. ${REGENERATE}`);
  }
  return res;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function loadManifest(ctx: Ctx): Promise<Manifest> {
  const file = 'manifest.json';
  const res = await request(ctx, file);
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw new DataLoadError(file, ctx.base + file, `download was interrupted (${errorText(e)}). Reload to retry.`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataLoadError(file, ctx.base + file, `is not valid JSON (${errorText(e)}). ${REGENERATE}`, { cause: e });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new DataLoadError(file, ctx.base + file, `does not match the expected format:\n${z.prettifyError(parsed.error)}\n${REGENERATE}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * Downloads one data file into a buffer of exactly `entry.bytes`, streaming so progress can be
 * reported and CRC'd on the fly, and verifies its length and CRC-32.
 *
 * Sizes come from the manifest, not Content-Length: with gzip on the wire, Content-Length is the
 * compressed size (and cross-origin the Content-Encoding header may be hidden), so it cannot be
 * trusted to be the byte count of the body we read.
 */
async function loadFile(ctx: Ctx, entry: FileEntry, onBytes: (n: number) => void): Promise<Uint8Array> {
  const url = ctx.base + entry.file;
  const res = await request(ctx, entry.file);
  const out = new Uint8Array(entry.bytes);
  let received = 0;
  let crc = 0;
  let tooLong = false;
  const take = (chunk: Uint8Array) => {
    if (received + chunk.length > entry.bytes) {
      tooLong = true;
      return false;
    }
    out.set(chunk, received);
    received += chunk.length;
    crc = crc32(chunk, crc);
    onBytes(chunk.length);
    return true;
  };
  try {
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Real fetch errors the body on abort; an injected fetch may not, so check too.
        ctx.signal.throwIfAborted();
        if (!take(value)) {
          await reader.cancel();
          break;
        }
      }
    } else {
      take(new Uint8Array(await res.arrayBuffer()));
    }
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw new DataLoadError(entry.file, url, `download was interrupted after ${received} of ${entry.bytes} bytes (${errorText(e)}). Reload to retry.`, {
      cause: e,
    });
  }
  if (tooLong) {
    throw new DataLoadError(entry.file, url, `is larger than the ${entry.bytes} bytes the manifest records, so it is stale or not a data file. ${REGENERATE}`);
  }
  if (received !== entry.bytes) {
    throw new DataLoadError(entry.file, url, `is truncated: got ${received} bytes, the manifest records ${entry.bytes}. ${REGENERATE}`);
  }
  if (crc !== entry.crc32) {
    throw new DataLoadError(
      entry.file,
      url,
      `is corrupt or stale: CRC-32 ${hex(crc)} does not match the manifest's ${hex(entry.crc32)}. ${REGENERATE} (Hard-refresh if a cached copy is suspected.)`,
    );
  }
  return out;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Downloads and verifies one dataset. Fetches manifest.json (validated with zod), then the
 * train/test image and label files in parallel. Resolves only with complete, verified data;
 * otherwise rejects with a {@link DataLoadError} naming the file and the fix (or with the abort
 * reason when `opts.signal` aborts). The manifest is re-read on every call rather than cached,
 * so data regenerated while the app is open is picked up.
 */
export async function loadDataset(id: DatasetId, opts: LoadOptions): Promise<Dataset> {
  const base = opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`;
  const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const inner = new AbortController();
  const forward = () => inner.abort(opts.signal?.reason);
  if (opts.signal?.aborted) throw opts.signal.reason;
  opts.signal?.addEventListener('abort', forward, { once: true });
  const ctx: Ctx = { base, fetch: fetchFn, signal: inner.signal };
  try {
    const manifest = await loadManifest(ctx);
    const entry: DatasetEntry | undefined = manifest.datasets[id];
    if (entry === undefined) {
      throw new DataLoadError('manifest.json', base + 'manifest.json', `has no dataset "${String(id)}". ${REGENERATE}`);
    }
    const files = [entry.splits.train.images, entry.splits.train.labels, entry.splits.test.images, entry.splits.test.labels];
    const total = files.reduce((a, f) => a + f.bytes, 0);
    let loaded = 0;
    opts.onProgress?.(0, total);
    const onBytes = (n: number) => {
      loaded += n;
      opts.onProgress?.(loaded, total);
    };
    const pending = files.map((f) =>
      loadFile(ctx, f, onBytes).catch((e: unknown) => {
        // Stop the other downloads: one bad file already makes the dataset unusable.
        if (!inner.signal.aborted) inner.abort(e);
        throw e;
      }),
    );
    const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(pending);
    inner.signal.throwIfAborted();
    checkLabels(ctx, entry.splits.train.labels, trainLabels, entry.numClasses);
    checkLabels(ctx, entry.splits.test.labels, testLabels, entry.numClasses);
    return {
      id: entry.id,
      kind: 'images',
      name: entry.name,
      classNames: [...entry.classNames],
      shape: [28, 28, 1],
      numClasses: entry.numClasses,
      train: { count: entry.splits.train.count, images: trainImages, labels: trainLabels },
      test: { count: entry.splits.test.count, images: testImages, labels: testLabels },
    };
  } finally {
    opts.signal?.removeEventListener('abort', forward);
  }
}

/** A label ≥ numClasses would become an out-of-range one-hot index (silently all-zero in tf). */
function checkLabels(ctx: Ctx, entry: FileEntry, labels: Uint8Array, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new DataLoadError(
        entry.file,
        ctx.base + entry.file,
        `label ${labels[i]} at index ${i} is not a class index (numClasses = ${numClasses}), so the file is corrupt. ${REGENERATE}`,
      );
    }
  }
}
