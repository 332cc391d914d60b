import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The committed record of `npm run bench` on the project's machine: its shape and sanity.
const PATH = resolve(import.meta.dirname, '../bench/results.json');

interface Row {
  requested: string;
  ran: string | null;
  device: string;
  note: string;
  results: { model: string; batch: number; firstStepMs: number; msPerStep: number; timedSteps: number; inferMsPer1000: number }[];
  numTensorsBefore?: number;
  numTensorsAfter?: number;
}

describe('bench/results.json', () => {
  it('exists and covers every backend, each either measured or with the reason it did not start', () => {
    expect(existsSync(PATH), 'run `npm run bench` to create it').toBe(true);
    const r = JSON.parse(readFileSync(PATH, 'utf8')) as { date: string; batch: number; machine: { cores: number }; backends: Row[] };
    expect(Number.isNaN(Date.parse(r.date))).toBe(false);
    expect(r.batch).toBe(64);
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(r.backends.map((b) => b.requested)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    for (const b of r.backends) {
      if (b.ran === null) {
        expect(b.note).toMatch(/did not initialise|failed/);
        continue;
      }
      expect(b.ran).toBe(b.requested);
      expect(b.results.map((x) => x.model)).toEqual(['defender', 'X', 'A', 'I']);
      for (const x of b.results) {
        for (const v of [x.firstStepMs, x.msPerStep, x.inferMsPer1000]) expect(v).toBeGreaterThan(0);
        expect(x.timedSteps).toBeGreaterThanOrEqual(2);
        expect(x.batch).toBe(64);
      }
      // The benchmark itself leaks no tensors.
      expect(b.numTensorsAfter).toBe(b.numTensorsBefore);
    }
  });
});
