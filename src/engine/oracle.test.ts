import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { reverseSigmoidBatch, sineNoise } from '../math/defenses';
import { argmaxRows } from '../math/metrics';
import { DEFAULT_PARAMS } from '../params/schema';
import { epsilonCounterAttack } from '../models/counterAttack';
import { EPSILON_CHUNK, Oracle } from './oracle';
import type { ExperimentConfig } from './protocol';

// A tiny logits model on 4×4 images: the oracle logic, not the defender, is under test.
function tinyModel(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 10, kernelInitializer: init(2) }),
    ],
  });
}

const x = () => tf.tensor4d(Float32Array.from({ length: 6 * 16 }, (_, i) => ((i * 37) % 17) / 17), [6, 4, 4, 1]);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Oracle: the defender behind an API', () => {
  const answer = async (config: Partial<ExperimentConfig>) => {
    const model = tinyModel();
    const input = x();
    const oracle = new Oracle(model, { ...DEFAULT_PARAMS, ...config }, 10);
    const out = await oracle.answer(input);
    const probs = tf.tidy(() => tf.softmax(model.predict(input) as tf.Tensor2D));
    const expectedOriginal = (await probs.data()) as Float32Array;
    tf.dispose([probs, input]);
    model.dispose();
    return { out, expectedOriginal, stats: oracle.snapshot };
  };

  it('reverse sigmoid: original = softmax(defender), defended = the pure reverseSigmoid of it', async () => {
    const before = tf.memory().numTensors;
    const { out, expectedOriginal, stats } = await answer({ defense: 'reverse-sigmoid', beta: 0.7, gamma: 0.4 });
    out.original.forEach((v, i) => expect(v).toBeCloseTo(expectedOriginal[i], 6));
    expect(Array.from(out.defended)).toEqual(Array.from(reverseSigmoidBatch(out.original, 10, 0.7, 0.4)));
    expect(stats.queries).toBe(6);
    expect(stats.cost.count).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('answerFrom: the answers and counts answer() gives for the same queries, without the defender; refused under ε', async () => {
    for (const config of [{ defense: 'reverse-sigmoid', beta: 1.1, gamma: 2 }, { defense: 'uniform', noise: 0.3 }] as Partial<ExperimentConfig>[]) {
      const model = tinyModel();
      const input = x();
      const asked = new Oracle(model, { ...DEFAULT_PARAMS, ...config }, 10);
      const told = new Oracle(model, { ...DEFAULT_PARAMS, ...config }, 10);
      const a = await asked.answer(input);
      const b = told.answerFrom(a.original);
      expect(Array.from(b.defended)).toEqual(Array.from(a.defended));
      expect(told.snapshot).toEqual(asked.snapshot);
      tf.dispose(input);
      model.dispose();
    }
    const model = tinyModel();
    const eps = new Oracle(model, { ...DEFAULT_PARAMS, defense: 'epsilon' }, 10);
    expect(() => eps.answerFrom(new Float32Array(10))).toThrow(/needs the queries themselves/);
    model.dispose();
  });

  it('sine noise: row by row the pure function; ranking noise keeps every argmax', async () => {
    const sine = await answer({ defense: 'sine', noise: 0.2, frequency: 10 });
    for (let r = 0; r < 6; r++) {
      const want = sineNoise(sine.out.original.subarray(r * 10, r * 10 + 10), 0.2, 10);
      expect(Array.from(sine.out.defended.subarray(r * 10, r * 10 + 10))).toEqual(Array.from(want));
    }
    const ranking = await answer({ defense: 'ranking', noise: 0.5 });
    expect(Array.from(argmaxRows(ranking.out.defended, 10))).toEqual(Array.from(argmaxRows(ranking.out.original, 10)));
    expect(ranking.stats.cost.argmaxUnchanged).toBe(1);
  });

  it('ε counter-attack: the same answers as models/counterAttack, degenerate inputs counted', async () => {
    const config = { defense: 'epsilon' as const, epsilon: 0.01, renorm: 'centering' as const, epsDirection: 'at-y' as const };
    const { out, stats } = await answer(config);
    const model = tinyModel();
    const input = x();
    const direct = await epsilonCounterAttack(model, input, { epsilon: 0.01, direction: 'at-y', renorm: 'centering' });
    tf.dispose([input]);
    model.dispose();
    expect(Array.from(out.defended)).toEqual(Array.from(direct.defended));
    // At y = F(x) the gradient is exactly zero: every input is degenerate and answered unperturbed.
    expect(stats.degenerate).toBe(6);
    out.defended.forEach((v, i) => expect(v).toBeCloseTo(out.original[i], 6));
  });

  it('ε answers in chunks, with the checkpoint between them, are bitwise the answers of one batch', async () => {
    const model = tinyModel();
    const n = 300;
    const input = tf.tensor4d(Float32Array.from({ length: n * 16 }, (_, i) => ((i * 53) % 29) / 29), [n, 4, 4, 1]);
    const before = tf.memory().numTensors;
    let checkpoints = 0;
    const config = { ...DEFAULT_PARAMS, defense: 'epsilon' as const, epsilon: 0.05, renorm: 'centering' as const };
    const chunked = await new Oracle(model, config, 10, null, async () => void checkpoints++).answer(input);
    const whole = await epsilonCounterAttack(model, input, { epsilon: 0.05, direction: 'onehot', renorm: 'centering' });
    expect(EPSILON_CHUNK).toBeLessThan(n);
    // 300 queries in chunks of 64: four of 64 and one of 44, with a checkpoint after each of the first four.
    expect(EPSILON_CHUNK).toBe(64);
    expect(checkpoints).toBe(4);
    expect(Array.from(chunked.defended)).toEqual(Array.from(whole.defended));
    expect(Array.from(chunked.original)).toEqual(Array.from(whole.original));
    expect(Array.from(chunked.centeringRounds ?? [])).toEqual(Array.from(whole.centeringRounds ?? []));
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });

  it('a stop at a checkpoint between ε chunks ends the answer there', async () => {
    const model = tinyModel();
    const input = tf.tensor4d(new Float32Array(300 * 16).fill(0.5), [300, 4, 4, 1]);
    const config = { ...DEFAULT_PARAMS, defense: 'epsilon' as const };
    await expect(new Oracle(model, config, 10, null, () => Promise.reject(new Error('stopped'))).answer(input)).rejects.toThrow('stopped');
    input.dispose();
    model.dispose();
  });
});
