import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoPath } from '../params/presets';
import { HANDOUT_QUESTIONS } from './handout';
import { parseRecording, type RecordedRun } from './recordedRun';

function demo(id: string): RecordedRun {
  const parsed = parseRecording(readFileSync(resolve(import.meta.dirname, '../../public', demoPath(id)), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.recording;
}

describe('the handout', () => {
  it('has five questions, each answered from its recorded run', () => {
    expect(HANDOUT_QUESTIONS).toHaveLength(5);
    for (const h of HANDOUT_QUESTIONS) expect(h.answer(demo(h.presetId))).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('finds the first budget step past 80% and its bill: 1,200 queries (0.863) for $1.80 in the undefended demo', () => {
    // The demo's honest curve: 0.5235, 0.6945, 0.778, 0.863 at 150 … 1,200 queries.
    const steal = demo('steal');
    expect(steal.points.map((p) => p.undefended.agreement)).toEqual([0.5235, 0.6945, 0.778, 0.863]);
    expect(HANDOUT_QUESTIONS[0].answer(steal)).toBe('At 1,200 queries (86.3%), for $1.80: stealing a model is cheap when its answers are honest.');
  });

  it('does not call a defense undone when the cleaning thief is still far behind', () => {
    const r = demo('eps-clean');
    const p = r.points.at(-1)!;
    const behind = { ...r, points: [...r.points.slice(0, -1), { ...p, defended: { ...p.defended, agreement: 0.5 } }] };
    expect(HANDOUT_QUESTIONS[4].answer(behind)).toMatch(/^Partly: the cleaning thief reaches 50\.0%/);
    expect(HANDOUT_QUESTIONS[4].answer(r)).toMatch(/^Hardly:/);
  });
});
