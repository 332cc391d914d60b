/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { wasmThreadsFromFiles } from './scripts/lib/viteWasmThreads.ts';

/**
 * The built page's Content-Security-Policy, as a <meta> tag (a static host may not let us set
 * headers). Only the build gets it: the dev server injects inline scripts of its own. Each
 * allowance beyond 'self' is there for one reason:
 * - script-src 'wasm-unsafe-eval': compiling the WASM backend's module (no JavaScript eval is allowed);
 * - img-src data: blob:: the favicon and the 28×28 digits (small BMP files) are data: URLs; blob: is kept for images the page makes itself;
 * - style-src 'unsafe-inline': React and recharts set style attributes on SVG and HTML elements;
 * - worker-src 'self': the engine worker is a module file from this site.
 * The worker's own requests (data sets, weights, wasm) are same-origin too: connect-src 'self'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

/**
 * Cross-origin isolation, which the threaded WASM build needs (SharedArrayBuffer): the dev and
 * preview servers send the headers; a static host that cannot gets them from the page's service
 * worker (src/app/isolation.ts). Every file the page loads is from its own origin.
 */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // Relative base: the built site works from any sub-path of any static host.
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  // The engine worker is bundled apart from the page: the WASM backend it imports is rewritten there.
  worker: { format: 'es', plugins: () => [wasmThreadsFromFiles()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
