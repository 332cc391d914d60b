/**
 * Test-only: loads the REAL generated data files from public/data through the real loader
 * (validation included), with a fetch that reads the disk. Not imported by app code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDataset, type Dataset, type Split } from './load';
import type { DatasetId } from './manifest';

const DATA_DIR = resolve(import.meta.dirname, '../../public/data');
const BASE_URL = 'http://data.test/data/';

function diskFetch(): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = join(DATA_DIR, url.slice(BASE_URL.length));
    if (!existsSync(path)) return new Response('not found', { status: 404 });
    const bytes = readFileSync(path);
    return new Response(bytes, { status: 200, headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
}

export async function loadRealDataset(id: DatasetId): Promise<Dataset> {
  if (!existsSync(join(DATA_DIR, 'manifest.json'))) {
    throw new Error('public/data is missing: run `npm run prepare-data` first');
  }
  return loadDataset(id, { baseUrl: BASE_URL, fetch: diskFetch() });
}

/** The first `trainN` training and `testN` test images: a small slice for fast tests. */
export function sliceDataset(ds: Dataset, trainN: number, testN: number): Dataset {
  const px = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const cut = (s: Split, n: number): Split => ({
    count: n,
    images: s.images.subarray(0, n * px),
    labels: s.labels.subarray(0, n),
  });
  return { ...ds, train: cut(ds.train, trainN), test: cut(ds.test, testN) };
}
