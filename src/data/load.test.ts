/**
 * Loader tests against the REAL files written by `npm run prepare-data`, served by a fake fetch
 * that reads public/data/ from disk (with overrides to simulate missing or damaged files).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from './checksum';
import {
  DataLoadError,
  DEFENDER_ATTACKER_SPLIT_SEED,
  defenderAttackerSplit,
  imagesToFloat,
  loadDataset,
  type Dataset,
  type LoadOptions,
} from './load';
import type { Manifest } from './manifest';

// ---------------------------------------------------------------------------------------------
// A fetch over public/data/

const DATA_DIR = fileURLToPath(new URL('../../public/data/', import.meta.url));
/** Any origin works: fetch is injected. */
const BASE_URL = 'http://data.test/data/';

const fileCache = new Map<string, Uint8Array | null>();

/** Bytes of a file under public/data/ (cached across tests), or null when absent. */
function readDataFile(rel: string): Uint8Array | null {
  if (!fileCache.has(rel)) {
    const path = DATA_DIR + rel;
    fileCache.set(rel, existsSync(path) ? new Uint8Array(readFileSync(path)) : null);
  }
  return fileCache.get(rel) ?? null;
}

function realManifest(): Manifest {
  return JSON.parse(new TextDecoder().decode(readDataFile('manifest.json') as Uint8Array)) as Manifest;
}

type Override = { status: number } | { body: Uint8Array | string; contentType?: string } | { networkError: true };

/** 1 MiB chunks, so the loader's reader loop and progress reporting are exercised. */
const CHUNK = 1 << 20;

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(at, at + CHUNK));
      at += CHUNK;
    },
  });
}

/** A fetch over public/data/ with overrides keyed by path relative to data/; 404 when missing. */
function diskFetch(overrides: Record<string, Override> = {}): typeof fetch {
  const fetchFn = async (input: RequestInfo | URL): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const rel = url.startsWith(BASE_URL) ? url.slice(BASE_URL.length) : url;
    const o = overrides[rel];
    if (o !== undefined) {
      if ('networkError' in o) throw new TypeError('fetch failed');
      if ('status' in o) return new Response('', { status: o.status });
      const bytes = typeof o.body === 'string' ? new TextEncoder().encode(o.body) : o.body;
      return new Response(streamOf(bytes), {
        status: 200,
        headers: { 'content-length': String(bytes.length), 'content-type': o.contentType ?? 'application/octet-stream' },
      });
    }
    const bytes = readDataFile(rel);
    if (bytes === null) return new Response('not found', { status: 404 });
    return new Response(streamOf(bytes), { status: 200, headers: { 'content-length': String(bytes.length) } });
  };
  return fetchFn as typeof fetch;
}

const opts = (overrides: Record<string, Override> = {}, extra: Partial<LoadOptions> = {}): LoadOptions => ({
  baseUrl: BASE_URL,
  fetch: diskFetch(overrides),
  ...extra,
});

/** Rejects with a DataLoadError for `file` whose message names the file and matches `pattern`. */
async function expectLoadError(promise: Promise<unknown>, file: string, pattern: RegExp): Promise<DataLoadError> {
  const err = await promise.then(
    () => {
      throw new Error('expected loadDataset to reject');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataLoadError);
  const dle = err as DataLoadError;
  expect(dle.file).toBe(file);
  expect(dle.message).toContain(file);
  expect(dle.message).toMatch(pattern);
  return dle;
}

function histogram(labels: Uint8Array, indices?: Uint32Array): number[] {
  const h = new Array<number>(10).fill(0);
  if (indices) for (const i of indices) h[labels[i]]++;
  else for (const l of labels) h[l]++;
  return h;
}

function meanPixel(images: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < images.length; i++) sum += images[i];
  return sum / images.length;
}

// ---------------------------------------------------------------------------------------------

// Known counts of the official MNIST split (e.g. from the dataset's documentation / Keras).
const MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
// round(n_c × 0.67) of the counts above, by hand: 5923 × 0.67 = 3968.41 → 3968, 6742 × 0.67 =
// 4517.14 → 4517, 3991.86 → 3992, 4107.77 → 4108, 3914.14 → 3914, 3632.07 → 3632, 3965.06 →
// 3965, 4197.55 → 4198, 3920.17 → 3920, 3985.83 → 3986 (sum 40200; none is near a .5 tie).
const MNIST_DEFENDER_COUNTS = [3968, 4517, 3992, 4108, 3914, 3632, 3965, 4198, 3920, 3986];

let mnist: Dataset;
let fashion: Dataset;
const progress: [number, number][] = [];

beforeAll(async () => {
  if (readDataFile('manifest.json') === null) {
    throw new Error(`${DATA_DIR}manifest.json not found: these tests read the real generated files. Run \`npm run prepare-data\` first.`);
  }
  mnist = await loadDataset('mnist', opts({}, { onProgress: (l, t) => progress.push([l, t]) }));
  fashion = await loadDataset('fashion-mnist', opts());
});

describe('loadDataset(mnist) on the real files', () => {
  it('has the official 60000/10000 split', () => {
    expect(mnist.id).toBe('mnist');
    expect(mnist.shape).toEqual([28, 28, 1]);
    expect(mnist.numClasses).toBe(10);
    expect(mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(mnist.train.count).toBe(60000);
    expect(mnist.test.count).toBe(10000);
    expect(mnist.train.images.length).toBe(60000 * 784);
    expect(mnist.train.labels.length).toBe(60000);
    expect(mnist.test.images.length).toBe(10000 * 784);
  });

  it('keeps the official order (first train label 5, first test label 7)', () => {
    expect(mnist.train.labels[0]).toBe(5);
    expect(mnist.test.labels[0]).toBe(7);
  });

  it('has the known class counts', () => {
    expect(histogram(mnist.test.labels)).toEqual(MNIST_TEST_COUNTS);
    expect(histogram(mnist.train.labels)).toEqual(MNIST_TRAIN_COUNTS);
  });

  it('has the known pixel statistics (train mean ≈ 33.32 of 255, i.e. 0.1307)', () => {
    const mean = meanPixel(mnist.train.images);
    expect(mean).toBeGreaterThan(33.2);
    expect(mean).toBeLessThan(33.45);
    expect(Math.max(...mnist.train.images.subarray(0, 784))).toBe(255);
    expect(Math.min(...mnist.train.images.subarray(0, 784))).toBe(0);
  });

  it('reports monotone progress ending at the total of the four files', () => {
    const total = 60000 * 784 + 60000 + 10000 * 784 + 10000;
    expect(progress[0]).toEqual([0, total]);
    expect(progress.at(-1)).toEqual([total, total]);
    expect(progress.length).toBeGreaterThan(50); // streamed in chunks, not one jump
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
  });
});

describe('loadDataset(fashion-mnist) on the real files', () => {
  it('has exactly 6000 train / 1000 test per class', () => {
    expect(fashion.name).toBe('Fashion-MNIST');
    expect(fashion.classNames[0]).toBe('T-shirt/top');
    expect(fashion.classNames[9]).toBe('Ankle boot');
    expect(fashion.train.count).toBe(60000);
    expect(fashion.test.count).toBe(10000);
    expect(histogram(fashion.train.labels)).toEqual(new Array(10).fill(6000));
    expect(histogram(fashion.test.labels)).toEqual(new Array(10).fill(1000));
  });

  it('stores a class-mixed order (the first 100 train images span ≥ 8 classes)', () => {
    const classes = new Set(fashion.train.labels.subarray(0, 100));
    expect(classes.size).toBeGreaterThanOrEqual(8);
  });

  it('contains no blank images (the empty source rows were dropped, not zero-filled)', () => {
    for (const split of [fashion.train, fashion.test]) {
      for (let i = 0; i < split.count; i++) {
        const img = split.images.subarray(i * 784, (i + 1) * 784);
        if (!img.some((v) => v > 0)) throw new Error(`blank image at ${i}`);
      }
    }
  });

  it('has a sensible pixel mean (Fashion-MNIST ≈ 72.9 of 255)', () => {
    const mean = meanPixel(fashion.train.images);
    expect(mean).toBeGreaterThan(71.5);
    expect(mean).toBeLessThan(74.5);
  });
});

describe('defenderAttackerSplit', () => {
  it('is 67/33 stratified on MNIST train (hand-derived per-class counts)', () => {
    const { defender, attacker } = defenderAttackerSplit(mnist.train);
    expect(histogram(mnist.train.labels, defender)).toEqual(MNIST_DEFENDER_COUNTS);
    expect(histogram(mnist.train.labels, attacker)).toEqual(MNIST_TRAIN_COUNTS.map((n, c) => n - MNIST_DEFENDER_COUNTS[c]));
    expect(defender.length).toBe(40200);
    expect(attacker.length).toBe(19800);
    const seen = new Uint8Array(60000);
    for (const i of defender) seen[i]++;
    for (const i of attacker) seen[i]++;
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('is 4020/1980 per class on Fashion-MNIST train', () => {
    const { defender, attacker } = defenderAttackerSplit(fashion.train);
    expect(histogram(fashion.train.labels, defender)).toEqual(new Array(10).fill(4020));
    expect(histogram(fashion.train.labels, attacker)).toEqual(new Array(10).fill(1980));
  });

  it('uses the fixed default seed, and another seed gives another partition', () => {
    const a = defenderAttackerSplit(mnist.train);
    expect(defenderAttackerSplit(mnist.train, DEFENDER_ATTACKER_SPLIT_SEED).defender).toEqual(a.defender);
    expect(defenderAttackerSplit(mnist.train, DEFENDER_ATTACKER_SPLIT_SEED + 1).defender).not.toEqual(a.defender);
  });
});

describe('imagesToFloat', () => {
  it('scales to [0, 1] with the known MNIST mean 0.1307', () => {
    const f = imagesToFloat(mnist.test.images);
    expect(f.length).toBe(10000 * 784);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of f) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(sum / f.length).toBeCloseTo(0.1325, 2); // test-set mean (train: 0.1307)
    expect(imagesToFloat(mnist.train.images.subarray(0, 784 * 1000)).reduce((a, b) => a + b, 0) / 784000).toBeCloseTo(0.13, 1);
  });

  it('gathers the given indices in order', () => {
    const f = imagesToFloat(mnist.test.images, Uint32Array.of(3, 0));
    expect(f.length).toBe(2 * 784);
    for (let p = 0; p < 784; p++) {
      expect(f[p]).toBeCloseTo(mnist.test.images[3 * 784 + p] / 255, 6);
      expect(f[784 + p]).toBeCloseTo(mnist.test.images[p] / 255, 6);
    }
  });

  it('rejects ragged input and out-of-range indices', () => {
    expect(() => imagesToFloat(new Uint8Array(783))).toThrow(RangeError);
    expect(() => imagesToFloat(new Uint8Array(784 * 2), Uint32Array.of(2))).toThrow(/out of range/);
  });
});

describe('loadDataset failures → DataLoadError naming the file', () => {
  const FIX = /npm run prepare-data/;

  it('missing manifest (404)', async () => {
    await expectLoadError(loadDataset('mnist', opts({ 'manifest.json': { status: 404 } })), 'manifest.json', FIX);
  });

  it('missing data file (404)', async () => {
    const e = await expectLoadError(loadDataset('mnist', opts({ 'mnist/test-labels.u8': { status: 404 } })), 'mnist/test-labels.u8', /missing/);
    expect(e.message).toMatch(FIX);
    expect(e.url).toBe(`${BASE_URL}mnist/test-labels.u8`);
  });

  it('an HTML page served for a missing file (dev-server SPA fallback)', async () => {
    await expectLoadError(
      loadDataset('mnist', opts({ 'mnist/train-labels.u8': { body: '<!doctype html><html></html>', contentType: 'text/html' } })),
      'mnist/train-labels.u8',
      /HTML/,
    );
  });

  it('truncated file', async () => {
    const bytes = readDataFile('mnist/test-images.u8') as Uint8Array;
    await expectLoadError(
      loadDataset('mnist', opts({ 'mnist/test-images.u8': { body: bytes.subarray(0, bytes.length - 100) } })),
      'mnist/test-images.u8',
      /truncated: got 7839900 bytes/,
    );
  });

  it('file longer than recorded', async () => {
    const bytes = readDataFile('mnist/test-labels.u8') as Uint8Array;
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    await expectLoadError(loadDataset('mnist', opts({ 'mnist/test-labels.u8': { body: longer } })), 'mnist/test-labels.u8', /larger/);
  });

  it('one flipped byte (CRC mismatch)', async () => {
    const bytes = (readDataFile('fashion-mnist/train-images.u8') as Uint8Array).slice();
    bytes[123456] ^= 0x01;
    const e = await expectLoadError(
      loadDataset('fashion-mnist', opts({ 'fashion-mnist/train-images.u8': { body: bytes } })),
      'fashion-mnist/train-images.u8',
      /CRC-32/,
    );
    expect(e.message).toMatch(FIX);
  });

  it('manifest that is not JSON', async () => {
    await expectLoadError(loadDataset('mnist', opts({ 'manifest.json': { body: '{"version": 1, ' } })), 'manifest.json', /not valid JSON/);
  });

  it('manifest with inconsistent sizes', async () => {
    const m = realManifest();
    m.datasets.mnist.splits.test.images.bytes = 784;
    await expectLoadError(
      loadDataset('mnist', opts({ 'manifest.json': { body: JSON.stringify(m) } })),
      'manifest.json',
      /expected format[\s\S]*splits\.test\.images\.bytes/,
    );
  });

  it('manifest pointing outside the data folder', async () => {
    const m = realManifest();
    m.datasets.mnist.splits.train.labels.file = '../secret.u8';
    await expectLoadError(loadDataset('mnist', opts({ 'manifest.json': { body: JSON.stringify(m) } })), 'manifest.json', /relative path/);
  });

  it('label ≥ numClasses (with a matching CRC, so only the range check can catch it)', async () => {
    const labels = (readDataFile('mnist/test-labels.u8') as Uint8Array).slice();
    labels[5] = 10;
    const m = realManifest();
    m.datasets.mnist.splits.test.labels.crc32 = crc32(labels);
    await expectLoadError(
      loadDataset('mnist', opts({ 'manifest.json': { body: JSON.stringify(m) }, 'mnist/test-labels.u8': { body: labels } })),
      'mnist/test-labels.u8',
      /label 10 at index 5/,
    );
  });

  it('network failure', async () => {
    await expectLoadError(
      loadDataset('mnist', opts({ 'mnist/train-images.u8': { networkError: true } })),
      'mnist/train-images.u8',
      /could not be fetched/,
    );
  });

  it('other HTTP errors', async () => {
    await expectLoadError(loadDataset('mnist', opts({ 'manifest.json': { status: 500 } })), 'manifest.json', /HTTP 500/);
  });
});

describe('loadDataset abort', () => {
  it('rejects with the abort reason, not a DataLoadError', async () => {
    const pre = new AbortController();
    pre.abort(new Error('stop-before'));
    await expect(loadDataset('mnist', opts({}, { signal: pre.signal }))).rejects.toThrow('stop-before');

    const mid = new AbortController();
    const p = loadDataset('mnist', {
      ...opts(),
      signal: mid.signal,
      onProgress: (loaded) => {
        if (loaded > 0) mid.abort(new Error('stop-during'));
      },
    });
    await expect(p).rejects.toThrow('stop-during');
  });
});
