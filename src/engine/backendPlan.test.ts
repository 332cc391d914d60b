import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer, planBackends, type Probes } from './backendPlan';

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
