import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetSchedule } from '../src/math/schedule';
import { parseHash } from '../src/params/codec';
import type { EventCost } from './bench-events';

// The committed record of the per-event replay (`npm run bench` runs it last): its shape, and that
// it covers every kind of event a run streams. The figures themselves depend on the machine.
const PATH = resolve(import.meta.dirname, '../bench/events.json');

interface EventsBench {
  date: string;
  machine: { cores: number; cpu: string; memGiB: number };
  link: string;
  run: { budget: number };
  reps: number;
  readingMs: number;
  costs: EventCost[];
}

describe('bench/events.json', () => {
  it('exists and replays a lab link on WASM', () => {
    expect(existsSync(PATH)).toBe(true);
    const b = JSON.parse(readFileSync(PATH, 'utf8')) as EventsBench;
    expect(Number.isNaN(Date.parse(b.date))).toBe(false);
    expect(b.machine.cores).toBeGreaterThan(0);
    expect(parseHash(b.link).issues).toEqual([]);
    expect(parseHash(b.link).params.backend).toBe('wasm');
    expect(b.reps).toBeGreaterThanOrEqual(1);
    expect(b.readingMs).toBeGreaterThanOrEqual(0);
  });

  it('has every kind of event a run streams, each seen once per replay or more, with sane costs', () => {
    const b = JSON.parse(readFileSync(PATH, 'utf8')) as EventsBench;
    const kinds = b.costs.map((c) => c.kind);
    for (const kind of ['phase defender', 'defender', 'phase attack', 'samples', 'progress attack', 'point', 'done']) expect(kinds).toContain(kind);
    // One point per budget step (150, 300, … up to the budget), per replay.
    expect(b.costs.find((c) => c.kind === 'point')?.count).toBe(budgetSchedule(b.run.budget).length * b.reps);
    for (const c of b.costs) {
      expect(c.count % b.reps, c.kind).toBe(0);
      expect(c.minMs, c.kind).toBeLessThanOrEqual(c.medianMs);
      expect(c.medianMs, c.kind).toBeLessThanOrEqual(c.maxMs);
      // Page work of one event: more than nothing, less than a frozen page.
      expect(c.medianMs, c.kind).toBeGreaterThan(0);
      expect(c.maxMs, c.kind).toBeLessThan(1000);
    }
  });
});
