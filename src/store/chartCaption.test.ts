import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../params/schema';
import { chartCaption } from './chartCaption';

describe('chartCaption', () => {
  it('names the run and where it comes from', () => {
    expect(chartCaption({ config: null, replay: null, status: 'idle' })).toContain('press Run');
    const config = { ...DEFAULT_PARAMS, beta: 0.8 };
    expect(chartCaption({ config, replay: null, status: 'running' })).toBe(
      'Thief I (Sample (real images, probabilities)) on MNIST digits: blue trains on honest answers, orange on answers defended by the reverse sigmoid, β = 0.8, γ = 0.5. Training in this browser now.',
    );
    const replay = { backend: 'wasm' as const, recordedAt: '2026-12-03T07:00:00.000Z', recordedIn: 'Node', appVersion: '0.1.0', from: 'x' };
    expect(chartCaption({ config, replay, status: 'done' })).toMatch(/Replay of a run recorded on WASM, 3 Dec 2026\.$/);
  });
});
