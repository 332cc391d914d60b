import { describe, expect, it } from 'vitest';
import { calibrationCandidates, decideBackend, decideThreads, isSoftwareRenderer, MAX_THREADS, planBackends, planThreads, THREAD_GAIN, type Probes, type ThreadTiming } from './backendPlan';

const hw = { available: true, software: false, description: 'NVIDIA' };
const sw = { available: true, software: true, description: 'SwiftShader' };
const none = { available: false, software: false, description: 'no adapter' };

const tried = (p: Probes, pref: Parameters<typeof planBackends>[0] = 'auto') =>
  planBackends(pref, p).filter((s) => s.action === 'try').map((s) => s.backend);

describe('planBackends', () => {
  it('prefers hardware WebGPU, then WebGL, WASM, CPU', () => {
    expect(tried({ webgpu: hw, webgl: hw })).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('skips software adapters in auto mode and says why (CI: SwiftShader)', () => {
    const plan = planBackends('auto', { webgpu: sw, webgl: sw });
    expect(plan.filter((s) => s.action === 'try').map((s) => s.backend)).toEqual(['wasm', 'cpu']);
    expect(plan[0]).toMatchObject({ backend: 'webgpu', action: 'skip' });
    expect(plan[0].reason).toMatch(/SwiftShader.*slower than WASM/);
  });

  it('a forced software backend is tried first, others remain as fall-backs', () => {
    expect(tried({ webgpu: sw, webgl: sw }, 'webgpu')).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(tried({ webgpu: hw, webgl: hw }, 'cpu')).toEqual(['cpu', 'webgpu', 'webgl', 'wasm']);
  });

  it('calibrate=all also tries software adapters (to time them)', () => {
    expect(tried({ webgpu: sw, webgl: sw }, 'auto')).toEqual(['wasm', 'cpu']);
    expect(planBackends('auto', { webgpu: sw, webgl: sw }, true).filter((s) => s.action === 'try').map((s) => s.backend)).toEqual([
      'webgpu',
      'webgl',
      'wasm',
      'cpu',
    ]);
  });

  it('never tries a missing API, even when forced', () => {
    const plan = planBackends('webgpu', { webgpu: none, webgl: hw });
    expect(plan[0]).toEqual({ backend: 'webgpu', action: 'skip', reason: 'no adapter' });
  });

  it('recognises software renderer strings', () => {
    expect(isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)')).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)')).toBe(false);
  });
});

describe('calibration', () => {
  const timesOf = (t: Record<string, number>) => async (b: string) => {
    if (!(b in t)) throw new Error(`${b} cannot train`);
    return t[b];
  };

  it('never times plain-JS CPU when WASM works', () => {
    expect(calibrationCandidates(['webgpu', 'wasm', 'cpu'])).toEqual(['webgpu', 'wasm']);
    expect(calibrationCandidates(['webgl', 'cpu'])).toEqual(['webgl', 'cpu']);
  });

  it('one candidate: no timing at all (CI: WASM only)', async () => {
    let calls = 0;
    const d = await decideBackend(['wasm'], 'k', null, async () => (calls++, 1));
    expect(d).toEqual({ backend: 'wasm', timings: [], how: 'only' });
    expect(calls).toBe(0);
  });

  it('times every candidate and picks the fastest; a failing one is dropped', async () => {
    const d = await decideBackend(['webgpu', 'webgl', 'wasm'], 'k', null, timesOf({ webgpu: 12, wasm: 230 }));
    expect(d.backend).toBe('webgpu');
    expect(d.how).toBe('measured');
    expect(d.timings.map((t) => t.backend)).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(d.timings[1].msPerStep).toBeNaN();
    // "Has WebGPU" is not "fast": a slow adapter loses to WASM.
    expect((await decideBackend(['webgpu', 'wasm'], 'k', null, timesOf({ webgpu: 4900, wasm: 230 }))).backend).toBe('wasm');
  });

  it('reuses a cached result for the same browser, recalibrates for another', async () => {
    const cached = { key: 'chrome+nvidia', backend: 'webgl' as const, timings: [], measuredAt: '2026-11-24' };
    let calls = 0;
    const measure = async () => (calls++, 5);
    expect((await decideBackend(['webgpu', 'webgl'], 'chrome+nvidia', cached, measure)).how).toBe('cached');
    expect(calls).toBe(0);
    expect((await decideBackend(['webgpu', 'webgl'], 'chrome+amd', cached, measure)).how).toBe('measured');
    expect(calls).toBe(2);
    // A cached winner that no longer initialises is not used.
    expect((await decideBackend(['webgpu', 'wasm'], 'chrome+nvidia', cached, measure)).how).toBe('measured');
  });
});

describe('decideThreads', () => {
  const t = (model: string, threads: number, msPerStep: number): ThreadTiming => ({ model, threads, msPerStep });

  it('keeps the threads only when every model timed gains at least 5 %', () => {
    // Measured on 2 cores: the defender gains (91 → 74 ms), thief I loses (9 → 10 ms): one thread.
    expect(decideThreads(2, [t('defender', 1, 91), t('defender', 2, 74), t('I', 1, 9), t('I', 2, 10)])).toBe(1);
    expect(decideThreads(4, [t('I', 1, 9), t('I', 4, 5)])).toBe(4);
    // A gain inside the noise margin is no gain: 0.95 × 10 = 9.5.
    expect(decideThreads(2, [t('I', 1, 10), t('I', 2, 9.6)])).toBe(1);
    expect(decideThreads(2, [t('I', 1, 10), t('I', 2, 9.4)])).toBe(2);
    expect(THREAD_GAIN).toBe(0.95);
  });

  it('one thread when none are offered, nothing was timed, or a timing is missing or failed', () => {
    expect(decideThreads(1, [t('I', 1, 9), t('I', 1, 5)])).toBe(1);
    expect(decideThreads(4, [])).toBe(1);
    expect(decideThreads(4, [t('I', 4, 5)])).toBe(1);
    expect(decideThreads(4, [t('I', 1, 9), t('I', 4, Number.NaN)])).toBe(1);
  });
});

describe('planThreads', () => {
  it('automatic: every core but one, up to 5, only in an isolated page', () => {
    expect(planThreads('auto', true, 8)).toEqual({ threaded: true, offered: 5, forced: null, note: null });
    expect(planThreads('auto', true, 4)).toEqual({ threaded: true, offered: 3, forced: null, note: null });
    expect(planThreads('auto', true, 2)).toEqual({ threaded: false, offered: 1, forced: null, note: 'one thread: the page keeps the second core' });
    expect(planThreads('auto', true, 1)).toMatchObject({ threaded: false, offered: 1 });
    expect(planThreads('auto', false, 16)).toEqual({ threaded: false, offered: 1, forced: null, note: 'one thread: the page is not cross-origin isolated' });
    expect(MAX_THREADS).toBe(5);
  });

  it("a link's count is taken as it is where isolation allows, and said when it does not", () => {
    expect(planThreads('2', true, 2)).toEqual({ threaded: true, offered: 2, forced: 2, note: null });
    expect(planThreads('4', true, 2)).toEqual({ threaded: true, offered: 4, forced: 4, note: null });
    expect(planThreads('1', true, 8)).toEqual({ threaded: false, offered: 1, forced: 1, note: null });
    expect(planThreads('4', false, 8)).toMatchObject({ threaded: false, forced: null, note: '4 threads need a cross-origin isolated page (this one is not), so WASM runs on one' });
  });
});
