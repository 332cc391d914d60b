/**
 * Test helpers for tfjs code. Not imported by app code.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Runs `fn` and throws if the engine holds a different number of tensors (or bytes) afterwards,
 * so that a leak shows up in the test that caused it instead of as a slow tab much later.
 *
 * The counts are read right after `fn` settles, so `fn` must dispose every tensor it creates —
 * including what it would return: the caller must not get tensors back from `fn`. Read values out
 * first (`await t.data()`, then `t.dispose()`) and return plain numbers/arrays. Models, optimizers
 * and variables made inside `fn` must be disposed inside it too.
 *
 * Errors thrown by `fn` propagate unchanged (no leak check then: a failed run may legitimately
 * leave tensors behind, and its own error is the more useful one).
 */
export async function expectNoLeak<T>(fn: () => Promise<T> | T): Promise<T> {
  const before = tf.memory();
  const result = await fn();
  const after = tf.memory();
  if (after.numTensors !== before.numTensors || after.numBytes !== before.numBytes) {
    throw new Error(
      `tensor leak: numTensors ${before.numTensors} → ${after.numTensors}, numBytes ${before.numBytes} → ${after.numBytes}`,
    );
  }
  return result;
}

/**
 * Switches tfjs to the WASM backend in Node with our Conv2DBackpropFilter registered: the
 * pure-JS 'cpu' backend takes ~40 s per batch-64 CNN training step (its filter-gradient kernel),
 * WASM ~0.3 s — the difference between a test suite of seconds and one of hours.
 */
export async function useWasmBackendInNode(): Promise<void> {
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const { createRequire } = await import('node:module');
  const { dirname, sep } = await import('node:path');
  const { registerWasmConv2DBackpropFilter } = await import('./wasmKernels');
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  // In Node, setWasmPaths takes a directory path ending in the path separator, not a URL.
  setWasmPaths(`${dirname(entry)}${sep}`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  registerWasmConv2DBackpropFilter();
  if (!(await tf.setBackend('wasm'))) throw new Error('the WASM backend did not start in Node');
  await tf.ready();
}

/**
 * Loads a tfjs layers model saved as model.json + weight files from the local disk (Node only:
 * the shipped defenders in tests and the command-line runner). Caller disposes the model.
 */
export async function loadLayersModelFromDisk(modelJsonPath: string): Promise<tf.LayersModel> {
  const { readFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights);
  const buffers = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))));
  const weightData = new Uint8Array(Buffer.concat(buffers)).buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}
