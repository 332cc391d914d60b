import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadRealDataset, sliceDataset } from '../data/testing';
import { imagesToFloat } from '../data/load';
import { epsilonPerturb } from '../math/counterAttack';
import { epsilonCounterAttack } from '../models/counterAttack';
import { loadLayersModelFromDisk, useWasmBackendInNode } from '../models/testing';
import { DEFAULT_PARAMS } from '../params/schema';
import { defenderKey } from './defenderProvider';
import { probeQuery } from './probe';

const MODEL = resolve(import.meta.dirname, '../../public/models', defenderKey(DEFAULT_PARAMS), 'model.json');

describe('probeQuery: one real ε query for the explainer', () => {
  beforeAll(useWasmBackendInNode);

  it('its direction gives exactly the oracle path’s ε answer; at y it is degenerate', async () => {
    const before = tf.memory().numTensors;
    const data = sliceDataset(await loadRealDataset('mnist'), 10, 10);
    const defender = await loadLayersModelFromDisk(join(MODEL));
    const probe = await probeQuery(defender, data, 3, 7);
    expect(probe.probeId).toBe(7);
    expect(probe.label).toBe(data.test.labels[3]);
    expect(probe.pixels).toHaveLength(784);
    expect(probe.degenerateAtY).toBe(true);
    const x = tf.tensor4d(imagesToFloat(data.test.images, Uint32Array.of(3)), [1, 28, 28, 1]);
    const direct = await epsilonCounterAttack(defender, x, { epsilon: 0.01, direction: 'onehot', renorm: 'none' });
    const fromProbe = epsilonPerturb(probe.original, probe.directionOneHot, 0.01);
    fromProbe.forEach((v, j) => expect(v).toBeCloseTo(direct.defended[j], 6));
    tf.dispose(x);
    defender.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
