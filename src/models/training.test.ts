import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../math/random';
import { buildModel } from './registry';
import { expectNoLeak } from './testing';
import {
  createOptimizer,
  drawShifts,
  lossFunction,
  mseOnProbabilities,
  predictProbabilities,
  shiftAugment,
  gatherShifted,
  softCrossEntropy,
  trainStep,
} from './training';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

afterAll(() => {
  tf.disposeVariables();
});

async function scalarValue(t: tf.Scalar): Promise<number> {
  const v = (await t.data())[0];
  t.dispose();
  return v;
}

/** A fixed tiny batch: `n` seeded-random images and one-hot labels 0, 1, …, n−1 (mod 10). */
function tinyBatch(n: number, seed: number, side = 28): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.randomUniform([n, side, side, 1], 0, 1, 'float32', seed) as tf.Tensor4D,
    y: tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 10), 'int32'), 10).toFloat() as tf.Tensor2D,
  }));
}

describe('softCrossEntropy', () => {
  it('matches a hand-computed 2×3 example', async () => {
    // logSoftmax([1,2,3]) = [1,2,3] − (3 + ln(1 + e⁻¹ + e⁻²)) = [−2.407606, −1.407606, −0.407606].
    // Row 1, target [0,0,1]:           −(−0.407606)                = 0.407606.
    // Row 2, logits [0,0,0] → logSoftmax −ln 3 = −1.098612 each; target [0.5,0.25,0.25] sums to 1
    //        → 1.098612.
    // Mean over rows: (0.407606 + 1.098612) / 2 = 0.753109.
    const loss = softCrossEntropy(
      tf.tensor2d([
        [1, 2, 3],
        [0, 0, 0],
      ]),
      tf.tensor2d([
        [0, 0, 1],
        [0.5, 0.25, 0.25],
      ]),
    );
    expect(await scalarValue(loss)).toBeCloseTo(0.753109, 5);
  });

  it('does not renormalise targets (raw ε outputs may be negative or not sum to 1)', async () => {
    // Target [−0.2, 0.1, 1.5] on logits [1,2,3]:
    // −(−0.2·−2.407606 + 0.1·−1.407606 + 1.5·−0.407606) = −(0.481521 − 0.140761 − 0.611409) = 0.270648.
    // A renormalising loss would give something else (the row sums to 1.4 and has a negative entry).
    const loss = softCrossEntropy(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[-0.2, 0.1, 1.5]]));
    expect(await scalarValue(loss)).toBeCloseTo(0.270648, 5);
  });

  it('equals tf.losses.softmaxCrossEntropy on one-hot targets, and is stable for huge logits', async () => {
    const logits = tf.randomNormal([6, 10], 0, 3, 'float32', 11) as tf.Tensor2D;
    const labels = tf.oneHot(tf.tensor1d([0, 3, 9, 2, 2, 7], 'int32'), 10).toFloat() as tf.Tensor2D;
    const ours = await scalarValue(softCrossEntropy(logits, labels));
    const theirs = await scalarValue(tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar);
    expect(ours).toBeCloseTo(theirs, 5);
    // log(softmax) would give −Infinity for the 0-probability class here; logSoftmax gives 1000.
    const big = await scalarValue(softCrossEntropy(tf.tensor2d([[1000, 0]]), tf.tensor2d([[0, 1]])));
    expect(big).toBeCloseTo(1000, 3);
    tf.dispose([logits, labels]);
  });

  it('rejects mismatched shapes', () => {
    expect(() => softCrossEntropy(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(RangeError);
    expect(() => mseOnProbabilities(tf.zeros([2, 3]), tf.zeros([3, 3]))).toThrow(RangeError);
  });
});

describe('mseOnProbabilities', () => {
  it('matches a hand-computed 2×2 example', async () => {
    // Row 1: logits [0, ln 3] → softmax [0.25, 0.75]; target [0, 1] → errors 0.25², 0.25² = 0.0625 each.
    // Row 2: logits [0, 0]    → softmax [0.5, 0.5];   target [1, 0] → errors 0.5², 0.5²  = 0.25 each.
    // Mean over the 4 entries: (0.0625 + 0.0625 + 0.25 + 0.25) / 4 = 0.15625.
    const loss = mseOnProbabilities(
      tf.tensor2d([
        [0, Math.log(3)],
        [0, 0],
      ]),
      tf.tensor2d([
        [0, 1],
        [1, 0],
      ]),
    );
    expect(await scalarValue(loss)).toBeCloseTo(0.15625, 6);
    expect(lossFunction('mse')).toBe(mseOnProbabilities);
    expect(lossFunction('cross-entropy')).toBe(softCrossEntropy);
  });
});

describe('createOptimizer', () => {
  it('builds each kind and rejects bad learning rates', () => {
    for (const kind of ['adam', 'rmsprop', 'sgd'] as const) {
      const opt = createOptimizer(kind, 0.01);
      expect(opt).toBeInstanceOf(tf.Optimizer);
      opt.dispose();
    }
    expect(createOptimizer('adam', 0.01)).toBeInstanceOf(tf.AdamOptimizer);
    expect(() => createOptimizer('adam', 0)).toThrow(RangeError);
    expect(() => createOptimizer('sgd', Number.NaN)).toThrow(RangeError);
    expect(() => createOptimizer('nope' as 'sgd', 0.1)).toThrow(/unknown optimizer/);
  });

  it('momentum: tfjs MomentumOptimizer with the given momentum (not Nesterov); the momentum is required and in [0, 1)', async () => {
    const opt = createOptimizer('momentum', 0.01, 0.9);
    try {
      expect(opt).toBeInstanceOf(tf.MomentumOptimizer);
      expect(opt.getConfig()).toEqual({ learningRate: 0.01, momentum: 0.9, useNesterov: false });
    } finally {
      opt.dispose();
    }
    expect(() => createOptimizer('momentum', 0.01)).toThrow(/momentum must be/);
    expect(() => createOptimizer('momentum', 0.01, 1)).toThrow(RangeError);
    // Built, stepped and disposed, it leaves nothing behind (the stock tfjs one leaks its learning-rate scalar).
    await expectNoLeak(() => {
      const w = tf.tidy(() => tf.variable(tf.ones([3])));
      const o = createOptimizer('momentum', 0.01, 0.9);
      for (let i = 0; i < 2; i++) o.minimize(() => tf.sum(tf.square(w)), true, [w])?.dispose();
      expect(o.iterations).toBe(2);
      o.dispose();
      w.dispose();
    });
    expect(() => createOptimizer('momentum', 0.01, Number.NaN)).toThrow(RangeError);
  });
});

describe('trainStep', () => {
  /** Trains `steps` steps on one fixed batch; returns the first and last losses. */
  async function fit(
    id: 'defender' | 'I',
    kind: 'adam' | 'rmsprop' | 'sgd' | 'momentum',
    lr: number,
    loss: 'cross-entropy' | 'mse',
    steps: number,
    momentum?: number,
  ): Promise<{ first: number; last: number; all: number[] }> {
    // The defender trains on 14×14 inputs here (14→12→6→4→2, same layers): the CPU backend's
    // Conv2DBackpropFilter is a naive loop (~1.4 s per 28×28 batch of 4 for conv2), while
    // 14×14 cuts conv2's output from 11×11 to 4×4 positions. The memory test below runs 28×28.
    const side = id === 'defender' ? 14 : 28;
    const model = buildModel(id, { seed: 3, inputShape: [side, side, 1] });
    const optimizer = createOptimizer(kind, lr, momentum);
    const { x, y } = tinyBatch(4, 9, side);
    const losses: tf.Scalar[] = [];
    try {
      for (let i = 0; i < steps; i++) losses.push(trainStep(model, optimizer, x, y, loss));
      // Read back once at the end, as the engine may: the scalars stay valid until disposed.
      const all = await Promise.all(losses.map(scalarValue));
      return { first: all[0], last: all[all.length - 1], all };
    } finally {
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
    }
  }

  it('reduces the cross-entropy of the defender (14×14 input) on a fixed tiny batch (Adam, 20 steps)', async () => {
    const { first, last } = await fit('defender', 'adam', 1e-3, 'cross-entropy', 20);
    expect(first).toBeGreaterThan(1.5); // ≈ ln 10 at initialisation
    expect(last).toBeLessThan(0.5 * first);
  });

  it('reduces the cross-entropy of substitute I (dense 200-200-200), with every optimizer', async () => {
    for (const [kind, lr] of [
      ['adam', 1e-3],
      ['rmsprop', 1e-3],
      ['sgd', 0.1],
      ['momentum', 0.01],
    ] as const) {
      const { first, last } = await fit('I', kind, lr, 'cross-entropy', 20, kind === 'momentum' ? 0.9 : undefined);
      expect(last, kind).toBeLessThan(0.5 * first);
    }
  });

  it('reduces the MSE loss too', async () => {
    const { first, last } = await fit('I', 'adam', 1e-3, 'mse', 20);
    expect(last).toBeLessThan(0.5 * first);
  });

  it('returns the loss before the update, and only touches the model passed in', async () => {
    const model = buildModel('I', { seed: 4 });
    const other = buildModel('G', { seed: 4 });
    const optimizer = createOptimizer('sgd', 0.1);
    const { x, y } = tinyBatch(3, 1);
    try {
      const before = await scalarValue(tf.tidy(() => softCrossEntropy(model.predict(x) as tf.Tensor2D, y)));
      const otherBefore = await other.getWeights()[0].data();
      const step = await scalarValue(trainStep(model, optimizer, x, y, 'cross-entropy'));
      expect(step).toBeCloseTo(before, 5);
      const after = await scalarValue(tf.tidy(() => softCrossEntropy(model.predict(x) as tf.Tensor2D, y)));
      expect(after).toBeLessThan(before);
      expect(await other.getWeights()[0].data()).toEqual(otherBefore);
      expect(() => trainStep(model, optimizer, x, tf.zeros([2, 10]), 'mse')).toThrow(RangeError);
    } finally {
      tf.dispose([x, y]);
      model.dispose();
      other.dispose();
      optimizer.dispose();
    }
  });
});

describe('predictProbabilities', () => {
  it('gives rows summing to 1, identical whatever the batch size', async () => {
    const model = buildModel('defender', { seed: 2 });
    const { x, y } = tinyBatch(5, 4);
    try {
      const whole = await predictProbabilities(model, x);
      const split = await predictProbabilities(model, x, 2); // batches of 2, 2, 1
      expect(whole.length).toBe(5 * 10);
      for (let r = 0; r < 5; r++) {
        const row = whole.subarray(r * 10, r * 10 + 10);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        expect(row.every((v) => v >= 0 && v <= 1)).toBe(true);
      }
      for (let i = 0; i < whole.length; i++) expect(split[i]).toBeCloseTo(whole[i], 6);
      await expect(predictProbabilities(model, x, 0)).rejects.toThrow(RangeError);
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});

describe('shiftAugment', () => {
  it('is the identity for maxShift 0, and returns a new tensor', async () => {
    const x = tf.randomUniform([3, 5, 5, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = shiftAugment(x, 0, 123);
    expect(y).not.toBe(x);
    expect(await y.data()).toEqual(await x.data());
    y.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('shifts a hand-made 4×4 image by the seeded offset, filling with zeros', async () => {
    // Seed 8 with maxShift 1 draws (createRng(3): dy = int(3) − 1, then dx = int(3) − 1) the
    // offset dy = +1 (down), dx = −1 (left): out[r][c] = in[r − 1][c + 1], 0 outside.
    expect(drawShifts(1, 1, 8)).toEqual([[1, -1]]);
    const image = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
      [13, 14, 15, 16],
    ];
    const expected = [
      [0, 0, 0, 0],
      [2, 3, 4, 0],
      [6, 7, 8, 0],
      [10, 11, 12, 0],
    ];
    const x = tf.tensor4d(image.flat(), [1, 4, 4, 1]);
    const y = shiftAugment(x, 1, 8);
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(await y.data())).toEqual(expected.flat());
    tf.dispose([x, y]);
  });

  it('shifts each image of a multi-channel batch by its own drawn offset', async () => {
    const n = 6;
    const [h, w, c] = [5, 4, 2];
    const x = tf.randomUniform([n, h, w, c], 1, 2, 'float32', 8) as tf.Tensor4D; // no zeros inside
    const src = await x.data();
    const seed = 77;
    const shifts = drawShifts(n, 2, seed);
    const y = shiftAugment(x, 2, seed);
    const out = await y.data();
    for (let b = 0; b < n; b++) {
      const [dy, dx] = shifts[b];
      for (let r = 0; r < h; r++) {
        for (let col = 0; col < w; col++) {
          for (let ch = 0; ch < c; ch++) {
            const sr = r - dy;
            const sc = col - dx;
            const want = sr >= 0 && sr < h && sc >= 0 && sc < w ? src[((b * h + sr) * w + sc) * c + ch] : 0;
            expect(out[((b * h + r) * w + col) * c + ch]).toBe(want);
          }
        }
      }
    }
    // Same seed, same result; the caller's tensor is untouched.
    const again = shiftAugment(x, 2, seed);
    expect(await again.data()).toEqual(out);
    expect(await x.data()).toEqual(src);
    tf.dispose([x, y, again]);
  });

  it('draws every offset in [−maxShift, maxShift], deterministically', () => {
    const shifts = drawShifts(500, 2, 5);
    const seen = new Set(shifts.flat());
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    expect(drawShifts(500, 2, 5)).toEqual(shifts);
    expect(drawShifts(500, 2, 6)).not.toEqual(shifts);
    // The documented draw order: dy then dx from createRng(seed).
    const rng = createRng(5);
    expect(shifts[0]).toEqual([rng.int(5) - 2, rng.int(5) - 2]);
    expect(() => drawShifts(1, -1, 0)).toThrow(RangeError);
    expect(() => drawShifts(1, 0.5, 0)).toThrow(RangeError);
  });
});

describe('gatherShifted', () => {
  it('picks the rows and shifts them like the hand-made 4×4 case of shiftAugment', async () => {
    // Row 1 is the image; seed 8, maxShift 1 gives dy = +1, dx = −1 (see above).
    const image = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    const x = tf.tensor4d([...image.map((v) => -v), ...image], [2, 4, 4, 1]);
    const y = gatherShifted(x, Int32Array.of(1), 1, 8);
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(await y.data())).toEqual([0, 0, 0, 0, 2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12, 0]);
    tf.dispose([x, y]);
  });

  it('equals shiftAugment(gather(x, rows)), rows repeated and out of order, several channels', async () => {
    // Equal in value: a negative pixel masked out is −0 here, +0 there (`v + 0` maps −0 to +0).
    const values = async (t: tf.Tensor) => Array.from(await t.data(), (v) => v + 0);
    const x = tf.randomUniform([9, 6, 5, 3], -1, 2, 'float32', 4) as tf.Tensor4D;
    const rows = Int32Array.of(8, 0, 3, 3, 7, 1, 8);
    for (const [maxShift, seed] of [
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 99],
    ]) {
      const want = tf.tidy(() => shiftAugment(tf.gather(x, tf.tensor1d(rows, 'int32')) as tf.Tensor4D, maxShift, seed));
      const got = gatherShifted(x, rows, maxShift, seed);
      expect(got.shape).toEqual(want.shape);
      expect(await values(got)).toEqual(await values(want));
      tf.dispose([want, got]);
    }
    x.dispose();
  });

  it('rejects a row outside the tensor and leaks nothing', async () => {
    const x = tf.zeros([2, 3, 3, 1]) as tf.Tensor4D;
    await expectNoLeak(async () => {
      expect(() => gatherShifted(x, Int32Array.of(2), 1, 1)).toThrow(RangeError);
      const y = gatherShifted(x, Int32Array.of(0, 1), 1, 1);
      y.dispose();
    });
    x.dispose();
  });
});

describe('memory', () => {
  it('build + train + augment + predict + dispose returns to the tensor baseline', async () => {
    await expectNoLeak(async () => {
      const model = buildModel('defender', { seed: 1 });
      const optimizer = createOptimizer('adam', 1e-3); // Adam adds two slot variables per weight
      const { x, y } = tinyBatch(2, 2);
      const shifted = shiftAugment(x, 2, 1);
      const lossCe = trainStep(model, optimizer, shifted, y, 'cross-entropy');
      const lossMse = trainStep(model, optimizer, shifted, y, 'mse');
      await lossCe.data();
      tf.dispose([shifted, lossCe, lossMse]);
      await predictProbabilities(model, x, 1);
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
    });
  });
});
