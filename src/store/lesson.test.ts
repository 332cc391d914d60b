import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARAMS } from '../params/schema';
import { demoPath } from '../params/presets';
import { IDLE_RUN, type RunState } from './appStore';
import { LESSON, lessonPreset, lessonVerdict } from './lesson';
import { parseRecording, type RecordedRun } from './recordedRun';

function demo(id: string): RecordedRun {
  const parsed = parseRecording(readFileSync(resolve(import.meta.dirname, '../../public', demoPath(id)), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.recording;
}

function finished(r: RecordedRun): RunState {
  return { ...IDLE_RUN, status: 'done', config: r.params, points: r.points, summary: r.summary, defender: { ...r.defender, notes: [] } };
}

const step = (title: string) => {
  const s = LESSON.find((x) => x.title === title);
  if (!s) throw new Error(title);
  return s;
};

describe('the guided lesson', () => {
  it('has as many steps as the link allows, each on an existing preset', () => {
    expect(PARAMS.lesson.max).toBe(LESSON.length);
    for (const s of LESSON) expect(lessonPreset(s).id).toBe(s.presetId);
  });

  it('reads each verdict off its run: the defended thief 69 points behind at 1,200 queries (0.863 vs 0.1725)', () => {
    const works = demo('works');
    // The demo's last point: honest 0.863, defended 0.1725 (the report's rs-thief-protocol row, 0.863 / 0.172, rounded).
    expect(works.points.at(-1)?.undefended.agreement).toBe(0.863);
    expect(works.points.at(-1)?.defended.agreement).toBe(0.1725);
    const v = lessonVerdict(step('The thief fails'), finished(works));
    expect(v.kind).toBe('ready');
    expect(v.text).toContain('cost the thief 69 points of agreement at 1,200 queries');
    expect(v.text).toContain('agrees with the defender on 17.3% of test images, the one on honest answers on 86.3%');
  });

  it('says what the too-strong setting does to honest users from that run’s numbers', () => {
    const strong = demo('strong');
    const v = lessonVerdict(step('Too strong'), finished(strong));
    expect(v.text).toContain(`keep the top class on only ${(100 * strong.summary.protectedAgreement).toFixed(1)}% of answers`);
    expect(strong.summary.protectedAgreement).toBeLessThan(0.01);
  });

  it('gives no verdict for a run of other settings, or before a run ends', () => {
    const weak = demo('weak');
    expect(lessonVerdict(step('The thief fails'), finished(weak)).kind).toBe('other-settings');
    expect(lessonVerdict(step('The thief fails'), { ...finished(demo('works')), status: 'running' }).kind).toBe('waiting');
    expect(lessonVerdict(step('The thief fails'), IDLE_RUN).kind).toBe('waiting');
    // A presentation setting (the lesson step itself, the theme) does not make it another run.
    const works = finished(demo('works'));
    expect(lessonVerdict(step('The thief fails'), { ...works, config: { ...works.config!, lesson: 4, theme: 'dark' } }).kind).toBe('ready');
  });

  it('every step has a verdict on its own demo, with no NaN or undefined in it', () => {
    for (const s of LESSON) {
      const v = lessonVerdict(s, finished(demo(s.presetId)));
      expect(v.kind, s.title).toBe('ready');
      expect(v.text, s.title).not.toMatch(/NaN|undefined|Infinity/);
    }
  });

  it('words follow the numbers: a labels-only thief held 50 points behind is not called level', () => {
    const argmax = demo('argmax');
    const level = lessonVerdict(step('The thief adapts: labels only'), finished(argmax));
    expect(level.text).toContain('level with the one on honest answers (92.5%)');
    const p = argmax.points.at(-1)!;
    const behind = { ...argmax, points: [...argmax.points.slice(0, -1), { ...p, defended: { ...p.defended, agreement: 0.425 } }] };
    const v = lessonVerdict(step('The thief adapts: labels only'), finished(behind));
    expect(v.text).toContain('reaches 42.5% agreement at 4,800 queries, 50 points behind the one on honest answers (92.5%)');
  });
});
