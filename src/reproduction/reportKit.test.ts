import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../params/schema';
import { curveCaption } from './reportKit';

describe('curveCaption', () => {
  it('names the thief, the attack, how it trained, the data, the seed and the defense', () => {
    expect(curveCaption(DEFAULT_PARAMS)).toBe('Thief I (Sample) against queries (mnist, seed 1): blue on honest answers, orange on reverse sigmoid answers');
    expect(curveCaption({ ...DEFAULT_PARAMS, attack: 'argmax', thiefProtocol: 'fresh', thiefSteps: 16000, substitute: 'allconv', seed: 2 })).toBe(
      'Thief allconv (ArgmaxSample; a fresh thief per budget, 16,000 steps) against queries (mnist, seed 2): blue on honest answers, orange on reverse sigmoid answers',
    );
  });
});
