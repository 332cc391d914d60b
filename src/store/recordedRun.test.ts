import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../params/schema';
import type { CurvePoint, RunSummary, SampleAnswer } from '../engine/protocol';
import { createAppStore } from './appStore';
import { makeRecording, parseRecording, recordingFileName, type RecordedRun } from './recordedRun';
import { replayEvents, scheduleReplay, type Timers } from './replay';
import { selectThiefChart } from './thiefChart';

const cost = { argmaxUnchanged: 0.99, cosine: 0.34, mae: 0.18, kl: 2.2, minEntry: 0.01, meanSum: 1 };
function point(queries: number, honest: number, defended: number): CurvePoint {
  return {
    queries,
    oracleQueries: queries,
    undefended: { accuracy: honest - 0.01, agreement: honest, loss: 0.5 },
    defended: { accuracy: defended - 0.01, agreement: defended, loss: 2 },
    cost,
  };
}
const points = [point(150, 0.52, 0.08), point(300, 0.7, 0.1), point(600, 0.78, 0.13)];
const summary: RunSummary = {
  defenderAccuracy: 0.9855,
  protectedAccuracy: 0.983,
  protectedAgreement: 0.9965,
  protectedEvalSize: 2000,
  defenderSource: 'shipped',
  final: points[2],
  fgsm: { undefended: 0.63, defended: 0.93, clean: 0.98, epsilon: 0.3 },
  queries: 600,
  epsilon: null,
  wallMs: 40_000,
  backend: 'wasm',
  numTensorsBefore: 10,
  numTensorsAfter: 10,
};
const sample: SampleAnswer = {
  pixels: Array.from({ length: 784 }, (_, i) => i % 256),
  label: 7,
  original: [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.91, 0.01, 0.01],
  defended: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
  defendedSum: 1,
  defendedMin: 0.1,
  centeringRounds: null,
};

function recording(): RecordedRun {
  return makeRecording({
    params: { ...DEFAULT_PARAMS, budget: 600 },
    backend: 'wasm',
    defender: { source: 'shipped', testAccuracy: 0.9855, trainSteps: 1887 },
    points,
    samples: [sample],
    summary,
    appVersion: '0.1.0',
    recordedIn: 'a test',
    now: new Date('2026-12-03T07:00:00Z'),
  });
}

/** Timers run by hand: `tick()` fires the one pending timeout. */
function manualTimers(): Timers & { tick(): void; pending(): number } {
  const queue: (() => void)[] = [];
  return {
    setTimeout: (fn) => queue.push(fn),
    clearTimeout: () => queue.splice(0),
    tick: () => queue.shift()?.(),
    pending: () => queue.length,
  };
}

describe('recorded runs', () => {
  it('round-trips through JSON text, with the settings as a share link beside them', () => {
    const r = recording();
    expect(r.link).toBe('#v=2&budget=600');
    const back = parseRecording(JSON.stringify(r));
    expect(back).toEqual({ ok: true, recording: r });
    expect(recordingFileName(r)).toBe('model-theft-run-reverse-sigmoid-600q-2026-12-03.json');
  });

  it('answers a damaged file with what is wrong', () => {
    expect(parseRecording('{"format": ').ok).toBe(false);
    const notOurs = parseRecording('{"hello": 1}');
    expect(notOurs).toMatchObject({ ok: false, message: expect.stringContaining('not a recorded run') });
    const r = recording() as unknown as { params: { beta: number }; points: { queries: number }[] };
    r.params.beta = 7; // outside 0–2
    const bad = parseRecording(JSON.stringify(r));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain('params.beta');
    const shuffled = recording();
    shuffled.points = [points[1], points[0], points[2]];
    const unordered = parseRecording(JSON.stringify(shuffled));
    expect(unordered).toMatchObject({ ok: false, message: expect.stringContaining('increasing queries') });
    const nan = JSON.stringify(recording()).replace('"cosine":0.34', '"cosine":null');
    expect(parseRecording(nan).ok).toBe(false);
  });

  it('replays as the events a live run sends: defender, strip, one point per step, then the summary', () => {
    const events = replayEvents(recording(), 4);
    expect(events.map((e) => e.type)).toEqual(['defender', 'samples', 'point', 'point', 'point', 'done']);
    expect(events.every((e) => e.runId === 4)).toBe(true);
    const timers = manualTimers();
    const seen: string[] = [];
    scheduleReplay(events, 150, (e) => seen.push(e.type), timers);
    // At once: the defender, the strip and the first point; then a point per tick, the last with the summary.
    expect(seen).toEqual(['defender', 'samples', 'point']);
    timers.tick();
    expect(seen).toHaveLength(4);
    timers.tick();
    expect(seen).toEqual(['defender', 'samples', 'point', 'point', 'point', 'done']);
    expect(timers.pending()).toBe(0);
  });

  it('plays into the store without the worker; the settings become the recording’s; Stop ends it', () => {
    const timers = manualTimers();
    const store = createAppStore(DEFAULT_PARAMS, [], timers);
    const sent: unknown[] = [];
    store.setState({ sendCommand: (c) => sent.push(c) });
    store.getState().playRecording(recording(), { from: 'a test' });
    let s = store.getState();
    expect(s.params.budget).toBe(600);
    expect(s.run.status).toBe('running');
    expect(s.run.replay).toMatchObject({ backend: 'wasm', recordedAt: '2026-12-03T07:00:00.000Z', from: 'a test' });
    expect(selectThiefChart(s.run, s.params).rows.map((r) => r.defendedAgreement)).toEqual([0.08]);
    timers.tick();
    timers.tick();
    s = store.getState();
    expect(s.run.status).toBe('done');
    expect(s.run.rows.map((r) => r.undefendedAgreement)).toEqual([0.52, 0.7, 0.78]);
    expect(s.run.summary?.protectedAgreement).toBe(0.9965);
    expect(sent).toEqual([]);

    store.getState().playRecording(recording(), { from: 'again' });
    store.getState().stopRun();
    expect(store.getState().run.status).toBe('cancelled');
    expect(store.getState().run.rows).toHaveLength(1);
    expect(timers.pending()).toBe(0);
    expect(sent).toEqual([]);
  });

  it('never throws on arbitrary input: 1,000 random JSON texts and 1,000 damaged copies of a good file', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        const r = parseRecording(text);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
    const good = JSON.parse(JSON.stringify(recording())) as Record<string, unknown>;
    const paths: string[][] = [];
    const walk = (v: unknown, path: string[]) => {
      if (path.length) paths.push(path);
      if (v && typeof v === 'object' && path.length < 4) for (const [k, x] of Object.entries(v).slice(0, 12)) walk(x, [...path, k]);
    };
    walk(good, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.double()), (path, value) => {
        const copy = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
        let at = copy as Record<string, unknown>;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
        at[path[path.length - 1]] = value;
        const r = parseRecording(JSON.stringify(copy));
        // Whatever comes back is a verdict: a recording that reads back the same, or a message.
        if (r.ok) expect(parseRecording(JSON.stringify(r.recording))).toEqual(r);
        else expect(r.message).toMatch(/^This (recorded run is damaged|JSON file is not a recorded run)/);
      }),
      { numRuns: 1000 },
    );
  });
});
