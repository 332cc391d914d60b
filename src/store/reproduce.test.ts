import { describe, expect, it } from 'vitest';
import { createAppStore } from './appStore';
import { createReproduceStore } from './reproduce';
import type { ReproductionReport } from '../reproduction/report';

describe('the reproduction runner’s committed report', () => {
  it('keeps the reason when the report cannot be loaded, so the page can say it', async () => {
    const repro = createReproduceStore(createAppStore());
    await repro.getState().loadCommitted(() => Promise.reject(new Error('HTTP 404 for reproduction.json')));
    expect(repro.getState().committedStatus).toBe('error');
    expect(repro.getState().committedError).toBe('HTTP 404 for reproduction.json');
    expect(repro.getState().committed).toBeNull();
  });

  it('loads it once and clears an earlier error', async () => {
    const repro = createReproduceStore(createAppStore());
    await repro.getState().loadCommitted(() => Promise.reject(new Error('offline')));
    const report = { mode: 'full', experiments: [] } as unknown as ReproductionReport;
    await repro.getState().loadCommitted(() => Promise.resolve(report));
    expect(repro.getState()).toMatchObject({ committedStatus: 'ready', committedError: null, committed: report });
    let calls = 0;
    await repro.getState().loadCommitted(() => {
      calls++;
      return Promise.resolve(report);
    });
    expect(calls).toBe(0);
  });
});
