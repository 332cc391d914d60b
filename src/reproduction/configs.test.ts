import { describe, expect, it } from 'vitest';
import { baselineConfig, baselineConfigs, baselineLabel, baselineSettings } from './configs';
import { SCALES } from './scale';

describe("the baselines' grid", () => {
  const full = SCALES.full;

  it('tries every noise scale up to 1, and ρ or f only where the defense has it', () => {
    expect(baselineSettings(full, 'uniform').map((s) => s.noise)).toEqual([0.05, 0.2, 0.5, 1]);
    expect(baselineSettings(full, 'ranking')).toHaveLength(4);
    expect(baselineSettings(full, 'concave').slice(4)).toEqual([{ noise: 0.5, rho: 0.1 }, { noise: 0.5, rho: 1 }]);
    expect(baselineSettings(full, 'sine').slice(4)).toEqual([{ noise: 0.5, frequency: 3 }, { noise: 0.5, frequency: 30 }]);
    // 5 baselines × 4 noise scales + 2 ρ × 2 (concave, convex) + 2 f (sine).
    expect(baselineConfigs(full)).toHaveLength(26);
    expect(new Set(baselineConfigs(full).map((c) => JSON.stringify(c))).size).toBe(26);
  });

  it('puts the shape into the run and its label', () => {
    const c = baselineConfig(full, 'convex', { noise: 0.5, rho: 0.1 });
    expect([c.defense, c.noise, c.rho, c.budget]).toEqual(['convex', 0.5, 0.1, 19200]);
    expect(baselineLabel({ noise: 0.5, rho: 0.1 })).toBe('β=0.5, ρ=0.1');
    expect(baselineLabel({ noise: 1 })).toBe('β=1');
    expect(baselineSettings(SCALES.quick, 'sine')).toEqual([{ noise: 0.2 }]);
  });
});
