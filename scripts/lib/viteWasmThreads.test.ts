import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { rewriteWasmInit, THREADED_FACTORY_FILE, THREADED_WORKER_FILE } from './viteWasmThreads';

const installed = () => readFileSync(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js'), 'utf8');

describe('rewriteWasmInit', () => {
  it('points the installed tfjs-backend-wasm at the two files instead of blobs of its own source', () => {
    const code = installed();
    expect(code).toContain('wasmFactoryThreadedSimd.toString()');
    const out = rewriteWasmInit(code);
    expect(out).not.toContain('wasmFactoryThreadedSimd.toString()');
    expect(out).not.toContain('wasmWorkerContents.replace');
    expect(out).toContain(`(wasmPathPrefix != null ? wasmPathPrefix : '') + "${THREADED_FACTORY_FILE}"`);
    expect(out).toContain(`return (wasmPathPrefix != null ? wasmPathPrefix : prefix) + "${THREADED_WORKER_FILE}";`);
    // Only those two places change.
    expect(code.length - out.length).toBeGreaterThan(0);
    expect(out.split('\n').length).toBeLessThan(code.split('\n').length);
  });

  it('fails loudly when tfjs changed the code it rewrites', () => {
    const code = installed();
    expect(() => rewriteWasmInit(code.replace('wasmFactoryThreadedSimd.toString()', 'wasmFactoryThreadedSimd.source'))).toThrow(/tfjs-backend-wasm changed/);
    expect(() => rewriteWasmInit(code.replace('wasmWorkerContents.replace', 'wasmWorkerContents.replaceAll'))).toThrow(/tfjs-backend-wasm changed/);
  });
});
