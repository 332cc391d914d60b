import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../params/schema';
import { selectStaleRun } from './staleRun';

const made: Params = { ...DEFAULT_PARAMS, beta: 0.8, budget: 4800 };

describe('selectStaleRun', () => {
  it('nothing to say before a run, or when the run was made with the settings on screen', () => {
    expect(selectStaleRun({ status: 'idle', config: null }, DEFAULT_PARAMS)).toBeNull();
    expect(selectStaleRun({ status: 'done', config: made }, { ...made, price: 9, theme: 'dark' })).toBeNull();
  });

  it('names each changed setting as it was and as it is, and can put them back', () => {
    const live: Params = { ...made, beta: 1, budget: 19200, price: 9 };
    const view = selectStaleRun({ status: 'done', config: made }, live);
    expect(view?.running).toBe(false);
    expect(view?.changes).toEqual([
      { key: 'beta', made: 'β = 0.8', now: 'β = 1' },
      { key: 'budget', made: 'Q = 4,800', now: 'Q = 19,200' },
    ]);
    // Only the run's settings go back; the price the user set stays.
    expect(view?.restored).toEqual({ ...live, beta: 0.8, budget: 4800 });
  });

  it('an enum change reads as its label; a run still going says so', () => {
    const view = selectStaleRun({ status: 'running', config: made }, { ...made, defense: 'epsilon' });
    expect(view?.running).toBe(true);
    expect(view?.changes[0]).toEqual({ key: 'defense', made: 'Defense: Reverse sigmoid (β, γ)', now: 'Defense: ε counter-attack' });
  });
});
