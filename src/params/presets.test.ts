import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHash, toHash } from './codec';
import { PRESETS, demoPath } from './presets';
import { parseRecording } from '../store/recordedRun';

const PUBLIC = resolve(import.meta.dirname, '../../public');

describe('presets', () => {
  it('are distinct share links that read without a complaint', () => {
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    for (const p of PRESETS) {
      const { params, issues } = parseHash(p.link);
      expect(issues, p.id).toEqual([]);
      expect(toHash(params), p.id).toBe(p.link);
    }
  });

  it('each ships a recorded replay of exactly its settings, made to its budget', () => {
    for (const p of PRESETS) {
      const parsed = parseRecording(readFileSync(resolve(PUBLIC, demoPath(p.id)), 'utf8'));
      if (!parsed.ok) throw new Error(`${p.id}: ${parsed.message}`);
      const r = parsed.recording;
      expect(toHash(r.params), p.id).toBe(p.link);
      expect(r.points.at(-1)?.queries, p.id).toBe(r.params.budget);
      expect(r.summary.final, p.id).toEqual(r.points.at(-1));
      expect(r.samples.length, p.id).toBeGreaterThan(0);
    }
  });
});
