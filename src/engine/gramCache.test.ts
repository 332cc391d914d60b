import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logitGradientGram } from '../models/counterAttack';
import { createGramCache } from './gramCache';

let model: tf.Sequential;
beforeAll(async () => {
  await tf.setBackend('cpu');
  model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }));
});
afterAll(() => model.dispose());

const images = (seed: number, n: number) => tf.randomUniform([n, 6, 6, 1], 0, 1, 'float32', seed) as tf.Tensor4D;

describe('gramCache', () => {
  it('returns exactly what logitGradientGram returns, computing each image once', async () => {
    const cache = createGramCache();
    const a = images(1, 4);
    const b = images(2, 3);
    const mixed = tf.concat([b, a.slice(1, 1)]) as tf.Tensor4D; // 3 new images + 1 seen
    const before = tf.memory().numTensors;
    const direct = await logitGradientGram(model, mixed);
    const first = await cache.gram(model, 'm', a);
    expect(cache.misses).toBe(4);
    expect(cache.hits).toBe(0);
    const second = await cache.gram(model, 'm', mixed);
    expect(cache.misses).toBe(7);
    expect(cache.hits).toBe(1);
    expect(Array.from(second.gram)).toEqual(Array.from(direct.gram));
    expect(Array.from(second.logits)).toEqual(Array.from(direct.logits));
    // The repeated image's row equals its row from the first call, bit for bit.
    expect(Array.from(second.gram.subarray(3 * 9, 4 * 9))).toEqual(Array.from(first.gram.subarray(9, 18)));
    const again = await cache.gram(model, 'm', mixed);
    expect(cache.hits).toBe(5);
    expect(again.gram).toEqual(second.gram);
    expect(tf.memory().numTensors).toBe(before);
    // Another defender key does not share entries; clear() empties the cache.
    await cache.gram(model, 'other', a.slice(0, 1));
    expect(cache.size).toBe(8);
    cache.clear();
    expect(cache.size).toBe(0);
    tf.dispose([a, b, mixed]);
  });

  it('keeps at most `limit` entries, dropping the oldest', async () => {
    const cache = createGramCache(2);
    const x = images(3, 3);
    await cache.gram(model, 'm', x);
    expect(cache.size).toBe(2);
    await cache.gram(model, 'm', x.slice(2, 1));
    expect(cache.hits).toBe(1);
    x.dispose();
  });
});
