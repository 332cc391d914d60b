import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { reverseSigmoid } from '../math/defenses';
import { invertAnswers, reverseSigmoidTf, sameDefenseLayerLoss, trainInversionMlp } from './defenseAware';
import { expectNoLeak } from './testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('defense-aware thieves (reverse-sigmoid Sec. IV-D)', () => {
  it('the tfjs reverse sigmoid equals the pure implementation (to 1e-3 at exact 0 and 1)', async () => {
    const rows = [
      [0.2, 0.5, 0.3],
      [0.9, 0.09, 0.01],
      [0.9, 0.1, 0],
      [1, 0, 0],
    ];
    const out = await expectNoLeak(async () => {
      const input = tf.tensor2d(rows);
      const t = reverseSigmoidTf(input, 0.8, 0.5);
      const v = await t.data();
      tf.dispose([input, t]);
      return v;
    });
    rows.forEach((r, i) => {
      const want = reverseSigmoid(r, 0.8, 0.5);
      // Soft rows agree to float32 precision; saturated entries differ by the float32-safe clip.
      const tolerance = r.some((v) => v === 0 || v === 1) ? 1e-3 : 1e-6;
      for (let j = 0; j < 3; j++) expect(Math.abs(out[i * 3 + j] - want[j])).toBeLessThan(tolerance);
    });
  });

  it('the same-defense-layer loss has finite gradients, even for saturated logits', async () => {
    await expectNoLeak(async () => {
      const logits = tf.tensor2d([[30, -30, 0], [0.1, 0.2, 0.3]]);
      const targets = tf.tensor2d([[0.5, 0.25, 0.25], [0.2, 0.3, 0.5]]);
      const g = tf.grad((l: tf.Tensor) => sameDefenseLayerLoss(l as tf.Tensor2D, targets, 0.8, 0.5))(logits);
      const values = await g.data();
      expect(Array.from(values).every(Number.isFinite)).toBe(true);
      tf.dispose([logits, targets, g]);
    });
  });

  it('an inversion MLP learns to undo the reverse sigmoid better than taking ŷ at face value', async () => {
    const k = 3;
    const n = 600;
    const honest = new Float32Array(n * k);
    const defended = new Float32Array(n * k);
    let s = 1;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      const e = [rand() * 6, rand() * 6, rand() * 6].map(Math.exp);
      const z = e[0] + e[1] + e[2];
      const y = e.map((v) => v / z);
      honest.set(y, i * k);
      defended.set(reverseSigmoid(y, 0.8, 0.5), i * k);
    }
    const mae = (a: Float32Array) => a.reduce((acc, v, i) => acc + Math.abs(v - honest[i]), 0) / a.length;
    const recovered = await expectNoLeak(async () => {
      const mlp = await trainInversionMlp(defended, honest, k, { epochs: 40, seed: 1, batch: 64 });
      const r = await invertAnswers(mlp, defended, k);
      mlp.dispose();
      return r;
    });
    expect(mae(recovered)).toBeLessThan(mae(defended) / 2);
  });
});
