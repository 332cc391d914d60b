import { beforeAll, describe, expect, it } from 'vitest';
import { toyDataset } from '../data/toyDataset';
import { parseHash, toHash } from '../params/codec';
import { PLAYGROUND_PRESETS, PRESETS, type PlaygroundPresetId } from '../params/presets';
import { isToyDataset } from '../params/schema';
import { useWasmBackendInNode } from '../models/testing';
import { memoryStore } from './defenderProvider';
import { runExperiment } from './experiment';
import type { CurvePoint, RunSummary } from './protocol';

// The playground's presets run live, so nothing recorded stands behind their paragraphs: each
// claim a paragraph makes is checked here against the engine's own run of the preset's link.

beforeAll(async () => {
  await useWasmBackendInNode();
});

async function run(id: PlaygroundPresetId): Promise<{ summary: RunSummary; points: CurvePoint[] }> {
  const preset = PLAYGROUND_PRESETS.find((p) => p.id === id)!;
  const { params } = parseHash(preset.link);
  if (!isToyDataset(params.dataset)) throw new Error(`${id} is not on 2-D data`);
  const data = toyDataset({ dataset: params.dataset, toyClasses: params.toyClasses, toyNoise: params.toyNoise, toySeed: params.toySeed });
  const points: CurvePoint[] = [];
  let t = 0;
  const summary = await runExperiment(params, {
    runId: 1,
    dataset: data,
    backend: 'wasm',
    store: memoryStore(),
    shippedDefender: null,
    emit: (e) => {
      if (e.type === 'point') points.push(e.point);
    },
    isCancelled: () => false,
    yieldNow: () => Promise.resolve(),
    now: () => (t += 10),
  });
  return { summary, points };
}

const final = (r: { summary: RunSummary }) => r.summary.final;
const drop = (r: { summary: RunSummary }) => final(r).undefended.agreement - final(r).defended.agreement;

describe('the playground presets', () => {
  it('are distinct playground links that read without a complaint, with ids of their own', () => {
    const ids = [...PRESETS, ...PLAYGROUND_PRESETS].map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PLAYGROUND_PRESETS) {
      const { params, issues } = parseHash(p.link);
      expect(issues, p.id).toEqual([]);
      expect(params.view, p.id).toBe('playground');
      expect(toHash(params), p.id).toBe(p.link);
    }
  });

  it('pg-copy: with β = 0 both thieves learn the same regions, and 1,200 answers copy most of the plane', async () => {
    const r = await run('pg-copy');
    for (const p of r.points) expect(Math.abs(p.undefended.agreement - p.defended.agreement)).toBeLessThanOrEqual(0.02);
    expect(final(r).undefended.agreement).toBeGreaterThan(0.9);
    expect(final(r).undefended.agreement).toBeGreaterThan(r.points[0].undefended.agreement);
  });

  it('pg-bend: the top class stays everywhere, the answers are flatter, the defended copy is far worse', async () => {
    const r = await run('pg-bend');
    expect(final(r).cost.argmaxUnchanged).toBe(1);
    expect(r.summary.protectedAgreement).toBe(1);
    expect(final(r).cost.cosine).toBeLessThan(0.8);
    expect(drop(r)).toBeGreaterThan(0.2);
  });

  it('pg-strong: the top class of the answers moves almost everywhere, and the thief learns the moved classes', async () => {
    const r = await run('pg-strong');
    expect(final(r).cost.argmaxUnchanged).toBeLessThan(0.05);
    expect(final(r).defended.agreement).toBeLessThan(0.05);
  });

  it('pg-eps: no top class changes, each probability moves by at most ε, and the defended copy is far worse', async () => {
    const r = await run('pg-eps');
    expect(final(r).cost.argmaxUnchanged).toBe(1);
    expect(final(r).cost.mae).toBeLessThanOrEqual(0.1 + 1e-6);
    expect(drop(r)).toBeGreaterThan(0.2);
  });

  it('pg-jacobian: the query set doubles every round, and against the defense the copy falls far behind', async () => {
    const r = await run('pg-jacobian');
    expect(r.points.map((p) => p.queries)).toEqual([150, 300, 600, 1200]);
    expect(drop(r)).toBeGreaterThan(0.3);
  });

  it('pg-argmax: a label-only thief learns the same from defended answers as from honest ones', async () => {
    const r = await run('pg-argmax');
    for (const p of r.points) expect(p.defended.agreement).toBe(p.undefended.agreement);
  });
});
