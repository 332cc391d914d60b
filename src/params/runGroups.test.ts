import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PARAMS, type Params } from './schema';
import { cutIntoPasses, groupProblem, settingsBesidesBetaGamma } from './runGroups';

const rs: Params = { ...DEFAULT_PARAMS, defense: 'reverse-sigmoid', attack: 'sample' };

describe('which runs may share a pass', () => {
  it('refuses what cannot share one: another defense, Jacobian queries, the inversion and same-layer attacks, other differences', () => {
    expect(groupProblem([rs])).toBeNull();
    expect(groupProblem([rs, { ...rs, beta: 1.1, gamma: 2 }])).toBeNull();
    expect(groupProblem([])).toBe('no configs');
    expect(groupProblem([{ ...rs, defense: 'epsilon' }, { ...rs, defense: 'epsilon', beta: 1 }])).toMatch(/defense is epsilon/);
    for (const attack of ['jacobian', 'inversion', 'rs-layer'] as const) {
      expect(groupProblem([{ ...rs, attack }, { ...rs, attack, beta: 1 }])).toMatch(new RegExp(`the ${attack} attack`));
    }
    expect(groupProblem([rs, { ...rs, beta: 1, seed: 8 }])).toMatch(/more than β and γ/);
  });

  it('does not depend on the order of a config’s keys (a parsed link and a spread object list them differently)', () => {
    const reordered = Object.fromEntries(Object.entries({ ...rs, beta: 0.3 }).reverse()) as Params;
    expect(settingsBesidesBetaGamma(reordered)).toBe(settingsBesidesBetaGamma(rs));
    expect(groupProblem([rs, reordered])).toBeNull();
  });

  it('cuts a list into passes of up to `size` settings, each where its first run stood', () => {
    const a = (beta: number) => ({ id: `a${beta}`, config: { ...rs, beta } });
    const b = (beta: number) => ({ id: `b${beta}`, config: { ...rs, budget: 600, beta } });
    const eps = { id: 'eps', config: { ...rs, defense: 'epsilon' as const } };
    const eps2 = { id: 'eps2', config: { ...rs, defense: 'epsilon' as const, beta: 0.5 } };
    const list = [a(1), b(1), eps, a(2), a(3), b(2), eps2, a(4)];
    const ids = (size: number) => cutIntoPasses(list, (r) => r.config, size).map((p) => p.map((r) => r.id));
    expect(ids(3)).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2'], ['eps'], ['eps2'], ['a4']]);
    expect(ids(8)).toEqual([['a1', 'a2', 'a3', 'a4'], ['b1', 'b2'], ['eps'], ['eps2']]);
    expect(ids(1)).toEqual(list.map((r) => [r.id]));
  });

  it('puts every run in exactly one pass, no pass over its size, every pass one that may share', () => {
    const config = fc.record({
      beta: fc.constantFrom(0.5, 1, 2),
      gamma: fc.constantFrom(0.1, 0.5),
      budget: fc.constantFrom(300, 600),
      defense: fc.constantFrom('reverse-sigmoid' as const, 'epsilon' as const),
      attack: fc.constantFrom('sample' as const, 'jacobian' as const),
    });
    fc.assert(
      fc.property(fc.array(config, { maxLength: 30 }), fc.integer({ min: 1, max: 9 }), (overrides, size) => {
        const items = overrides.map((o, id) => ({ id, config: { ...rs, ...o } }));
        const passes = cutIntoPasses(items, (r) => r.config, size);
        expect(passes.flat().map((r) => r.id).sort((x, y) => x - y)).toEqual(items.map((r) => r.id));
        for (const pass of passes) {
          expect(pass.length).toBeGreaterThan(0);
          expect(pass.length).toBeLessThanOrEqual(size);
          expect(groupProblem(pass.map((r) => r.config))).toBeNull();
          // List order within a pass, and passes in the order of their first runs.
          expect(pass.map((r) => r.id)).toEqual([...pass.map((r) => r.id)].sort((x, y) => x - y));
        }
        const firsts = passes.map((p) => p[0].id);
        expect(firsts).toEqual([...firsts].sort((x, y) => x - y));
      }),
    );
  });
});
