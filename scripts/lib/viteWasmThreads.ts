/**
 * Lets tfjs-backend-wasm's threaded build (SIMD + pthreads) start from a minified bundle.
 *
 * tfjs 4.22 hands each pthread worker two blobs: the worker's own script (a string it ships) and
 * its module factory's *source text*, `factory.toString()`. After minification that text refers to
 * names outside the function, so every pthread worker throws `ReferenceError` and the backend never
 * starts. This transform points both at files instead, copied next to the .wasm binaries by
 * `npm run prepare-data` (the factory's original, unminified file and the worker script): the
 * workers then load them with importScripts, from our own origin, so the page's
 * Content-Security-Policy needs no blob: workers or scripts either.
 *
 * The two replacements must both apply: a tfjs upgrade that changes the code fails the build here
 * instead of shipping a backend that silently falls back to one thread.
 */
import type { Plugin } from 'vite';

/** The file names the transform points at, under the WASM path the engine gives setWasmPaths. */
export const THREADED_FACTORY_FILE = 'tfjs-backend-wasm-threaded-simd.js';
export const THREADED_WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.js';

const TARGET = /@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/;
/** `new Blob([`var WasmBackendModuleThreadedSimd = ` + wasmFactoryThreadedSimd.toString()], {...})` */
const FACTORY_BLOB = /new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\)/;
/** The `.worker.js` branch of locateFile: a blob made from the shipped worker string. */
const WORKER_BLOB = /const response = wasmWorkerContents\.replace\([^;]*;\s*const blob = new Blob\(\[response\], \{ type: 'application\/javascript' \}\);\s*return URL\.createObjectURL\(blob\);/;

const PREFIX = `(wasmPathPrefix != null ? wasmPathPrefix : prefix)`;

/** Rewrites the code of tfjs-backend-wasm's backend_wasm.js; throws when it no longer matches. */
export function rewriteWasmInit(code: string): string {
  if (!FACTORY_BLOB.test(code) || !WORKER_BLOB.test(code)) {
    throw new Error('tfjs-backend-wasm changed: its threaded build no longer makes its pthread scripts the way scripts/lib/viteWasmThreads.ts rewrites');
  }
  return code
    .replace(FACTORY_BLOB, `(wasmPathPrefix != null ? wasmPathPrefix : '') + ${JSON.stringify(THREADED_FACTORY_FILE)}`)
    .replace(WORKER_BLOB, `return ${PREFIX} + ${JSON.stringify(THREADED_WORKER_FILE)};`);
}

export function wasmThreadsFromFiles(): Plugin {
  return {
    name: 'wasm-threads-from-files',
    enforce: 'pre',
    transform(code, id) {
      if (!TARGET.test(id.split('?')[0])) return null;
      return { code: rewriteWasmInit(code), map: null };
    },
  };
}
