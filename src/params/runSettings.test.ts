import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, DEFENSES, PARAMS, type Params } from './schema';
import { changedRunSettings, DEFENSE_SETTINGS, runSettingKeys } from './runSettings';

const base: Params = { ...DEFAULT_PARAMS };

describe('which settings make a run', () => {
  it('every defense lists only real parameters, and every defense is listed', () => {
    expect(Object.keys(DEFENSE_SETTINGS).sort()).toEqual([...DEFENSES].sort());
    for (const keys of Object.values(DEFENSE_SETTINGS)) for (const k of keys) expect(PARAMS).toHaveProperty(k);
  });

  it('the reverse sigmoid’s run has β and γ, not ε or the noise, and not the page’s look or price', () => {
    const keys = runSettingKeys(base);
    expect(keys).toEqual(expect.arrayContaining(['beta', 'gamma', 'budget', 'seed', 'substitute', 'attack', 'defense']));
    for (const k of ['epsilon', 'renorm', 'noise', 'rho', 'frequency', 'theme', 'view', 'price', 'backend', 'thiefSteps'] as const) {
      expect(keys).not.toContain(k);
    }
  });

  it('a fresh thief is defined by its steps, a continuing one by its epochs', () => {
    expect(runSettingKeys({ ...base, thiefProtocol: 'fresh' })).toContain('thiefSteps');
    expect(runSettingKeys({ ...base, thiefProtocol: 'fresh' })).not.toContain('thiefEpochs');
  });

  it('changes that do not touch the run leave it current; a change of β or of the defense does not', () => {
    expect(changedRunSettings(base, { ...base, epsilon: 0.1, price: 5, theme: 'dark', view: 'reproduce' })).toEqual([]);
    expect(changedRunSettings(base, { ...base, beta: 0.8, budget: 4800 })).toEqual(['beta', 'budget']);
    // Switching to ε: the defense changed, and ε's own settings now count too (they are the live run's).
    expect(changedRunSettings(base, { ...base, defense: 'epsilon', epsilon: 0.1 })).toEqual(['defense', 'epsilon']);
  });
});
