import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHash } from '../src/params/codec';
import { budgetSchedule } from '../src/math/schedule';

// The committed record of the playground's bench (`npm run bench` runs it after the lab's): its
// shape and its internal sums. Speed goals are reported there, never asserted (they depend on
// the machine).
const PATH = resolve(import.meta.dirname, '../bench/playground.json');

interface Window {
  fps: number;
  worstGapMs: number;
  longestTaskMs: number;
}
interface Run {
  theftMs: number;
  defender: 'trained' | 'cached';
  idle: Window;
  training: Window;
  fpsRatio: number;
  pictures: number;
}
interface Goal {
  goal: string;
  measured: number;
  met: boolean;
}
interface PlaygroundBench {
  date: string;
  machine: { cores: number; cpu: string; memGiB: number };
  link: string;
  theft: { trainedMs: number; cachedMedianMs: number | null };
  goals: { theftMs: Goal; fpsRatio: Goal; longestTaskMs: Goal };
  runs: Run[];
}

describe('bench/playground.json', () => {
  const read = () => JSON.parse(readFileSync(PATH, 'utf8')) as PlaygroundBench;

  it('exists, names a playground link that parses without a message, and one picture per budget step', () => {
    expect(existsSync(PATH), 'run `npm run bench` to create it').toBe(true);
    const b = read();
    expect(Number.isNaN(Date.parse(b.date))).toBe(false);
    expect(b.machine.cores).toBeGreaterThan(0);
    const link = parseHash(b.link);
    expect(link.issues).toEqual([]);
    expect(link.params.view).toBe('playground');
    expect(link.params.backend).toBe('wasm');
    expect(b.runs.length).toBeGreaterThanOrEqual(2);
    for (const r of b.runs) expect(r.pictures).toBe(budgetSchedule(link.params.budget).length);
  });

  it('trains the defender in the first run only; its figures add up', () => {
    const b = read();
    expect(b.runs.map((r) => r.defender)).toEqual(['trained', ...b.runs.slice(1).map(() => 'cached')]);
    expect(b.theft.trainedMs).toBe(b.runs[0].theftMs);
    const later = b.runs.slice(1).map((r) => r.theftMs).sort((x, y) => x - y);
    expect(b.theft.cachedMedianMs).toBe(later[Math.floor(later.length / 2)]);
    for (const r of b.runs) {
      expect(r.theftMs).toBeGreaterThan(0);
      expect(r.idle.fps).toBeGreaterThan(0);
      expect(r.fpsRatio).toBeCloseTo(r.training.fps / r.idle.fps, 9);
      // The longest gap between frames is at least one frame at the measured rate.
      expect(r.training.worstGapMs).toBeGreaterThanOrEqual(1000 / r.training.fps - 1);
    }
  });

  it('reports each goal with the figure it was judged on, met exactly when the figure is within it', () => {
    const { goals, runs, theft } = read();
    expect(goals.theftMs.measured).toBe(theft.trainedMs);
    expect(goals.theftMs.met).toBe(goals.theftMs.measured <= 5000);
    expect(goals.fpsRatio.measured).toBe(Math.min(...runs.map((r) => r.fpsRatio)));
    expect(goals.fpsRatio.met).toBe(goals.fpsRatio.measured >= 0.9);
    expect(goals.longestTaskMs.measured).toBe(Math.max(...runs.map((r) => r.training.longestTaskMs)));
    expect(goals.longestTaskMs.met).toBe(goals.longestTaskMs.measured < 50);
  });
});
