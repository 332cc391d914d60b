import { describe, expect, it } from 'vitest';
import { epsilonPerturb, normGradientDirection } from './counterAttack';
import { argmax } from './metrics';
import { createRng } from './random';

/**
 * Two tiny pure-TS classifiers with analytic g_j = ∇_θ log F_θ(x)_j. For softmax outputs
 * ∂ log F_j / ∂z = e_j − F (z = logits); the rest is the chain rule.
 */
interface Model {
  /** F_θ(x) (float64) and the K rows g_j (float64, flattened over θ). */
  eval(theta: Float64Array): { probs: number[]; grads: number[][] };
  theta: Float64Array;
}

const K = 3;
const D = 4;
const X = [0.5, -1.2, 0.8, 2.0];

const softmax = (z: number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/** F = softmax(Wx + b); θ = [W (K×D row-major), b]; g_j[m,n] = (δ_jm − F_m) x_n, g_j[b_m] = δ_jm − F_m. */
function softmaxRegression(scale: number): Model {
  const theta = Float64Array.from({ length: K * D + K }, (_, i) => scale * Math.sin(1.7 * i + 0.3));
  return {
    theta,
    eval(th) {
      const z = Array.from({ length: K }, (_, m) => th[K * D + m] + X.reduce((s, x, n) => s + th[m * D + n] * x, 0));
      const probs = softmax(z);
      const grads = Array.from({ length: K }, (_, j) => {
        const g = new Array<number>(K * D + K);
        for (let m = 0; m < K; m++) {
          const dz = (j === m ? 1 : 0) - probs[m];
          for (let n = 0; n < D; n++) g[m * D + n] = dz * X[n];
          g[K * D + m] = dz;
        }
        return g;
      });
      return { probs, grads };
    },
  };
}

/** F = softmax(V tanh(Ux + c) + d) with H = 5 hidden units; θ = [U (H×D), c, V (K×H), d]. */
function mlp(): Model {
  const H = 5;
  const nU = H * D;
  const nV = K * H;
  const theta = Float64Array.from({ length: nU + H + nV + K }, (_, i) => 0.6 * Math.cos(2.3 * i + 1));
  return {
    theta,
    eval(th) {
      const h = Array.from({ length: H }, (_, a) =>
        Math.tanh(th[nU + a] + X.reduce((s, x, n) => s + th[a * D + n] * x, 0)),
      );
      const vOff = nU + H;
      const z = Array.from({ length: K }, (_, m) => th[vOff + nV + m] + h.reduce((s, ha, a) => s + th[vOff + m * H + a] * ha, 0));
      const probs = softmax(z);
      const grads = Array.from({ length: K }, (_, j) => {
        const g = new Array<number>(th.length).fill(0);
        const dz = probs.map((f, m) => (j === m ? 1 : 0) - f);
        for (let m = 0; m < K; m++) {
          for (let a = 0; a < H; a++) g[vOff + m * H + a] = dz[m] * h[a];
          g[vOff + nV + m] = dz[m];
        }
        for (let a = 0; a < H; a++) {
          let dh = 0;
          for (let m = 0; m < K; m++) dh += th[vOff + m * H + a] * dz[m];
          const da = dh * (1 - h[a] * h[a]);
          for (let n = 0; n < D; n++) g[a * D + n] = da * X[n];
          g[nU + a] = da;
        }
        return g;
      });
      return { probs, grads };
    },
  };
}

/** ‖∇_θ c(y)‖₂ with ∇_θ c = −Σ_j y_j g_j, in float64. */
function thiefGradNorm(grads: number[][], y: number[]): number {
  let s = 0;
  for (let i = 0; i < grads[0].length; i++) {
    let gi = 0;
    for (let j = 0; j < K; j++) gi -= y[j] * grads[j][i];
    s += gi * gi;
  }
  return Math.sqrt(s);
}

/** Central finite difference of y ↦ ‖∇_θ c(y)‖₂, one coordinate at a time. */
function fdDirection(grads: number[][], y: number[], h = 1e-6): number[] {
  return y.map((_, k) => {
    const up = y.slice();
    const down = y.slice();
    up[k] += h;
    down[k] -= h;
    return (thiefGradNorm(grads, up) - thiefGradNorm(grads, down)) / (2 * h);
  });
}

const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const f32Rows = (grads: number[][]): Float32Array[] => grads.map((g) => Float32Array.from(g));

describe('test models: analytic ∇_θ log F_j matches finite differences in θ', () => {
  it.each([['softmax regression', softmaxRegression(0.7)], ['MLP', mlp()]])('%s', (_name, model) => {
    const { grads } = model.eval(model.theta);
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < model.theta.length; i++) {
        const up = Float64Array.from(model.theta);
        const down = Float64Array.from(model.theta);
        up[i] += 1e-6;
        down[i] -= 1e-6;
        const fd = (Math.log(model.eval(up).probs[j]) - Math.log(model.eval(down).probs[j])) / 2e-6;
        expect(Math.abs(fd - grads[j][i])).toBeLessThan(1e-7);
      }
    }
  });
});

describe('normGradientDirection', () => {
  const rng = createRng(99);
  const w = [rng.next(), rng.next(), rng.next()];
  const soft = w.map((v) => v / (w[0] + w[1] + w[2]));
  const cases: [string, Model, 'onehot' | 'soft'][] = [
    ['softmax regression, y = one-hot(argmax F)', softmaxRegression(0.7), 'onehot'],
    ['softmax regression, random soft y', softmaxRegression(0.7), 'soft'],
    ['MLP, y = one-hot(argmax F)', mlp(), 'onehot'],
    ['MLP, random soft y', mlp(), 'soft'],
  ];

  it.each(cases)('%s: matches a central finite difference to 1e-4, same signs', (_name, model, kind) => {
    const { probs, grads } = model.eval(model.theta);
    const y = kind === 'onehot' ? probs.map((_, j) => (j === argmax(probs) ? 1 : 0)) : soft;
    const fd = fdDirection(grads, y);
    const res = normGradientDirection(f32Rows(grads), y);
    expect(res.degenerate).toBe(false);
    expect(Math.abs(res.gradNorm - thiefGradNorm(grads, y)) / res.gradNorm).toBeLessThan(1e-6);
    const diff = Array.from(res.direction, (d, k) => d - fd[k]);
    expect(norm(diff) / norm(fd)).toBeLessThan(1e-4);
    fd.forEach((f, k) => {
      if (Math.abs(f) > 1e-6 * norm(fd)) expect(Math.sign(res.direction[k])).toBe(Math.sign(f));
    });
  });

  it('softmax regression closed form: ‖Gᵀy‖ = ‖y − F‖‖x̃‖, direction = ‖x̃‖((y − F) − Fᵀ(y − F))/‖y − F‖', () => {
    const { probs: F, grads } = softmaxRegression(0.7).eval(softmaxRegression(0.7).theta);
    const xt = norm([...X, 1]);
    const r = soft.map((v, j) => v - F[j]);
    const fr = F.reduce((s, f, j) => s + f * r[j], 0);
    const res = normGradientDirection(f32Rows(grads), soft);
    expect(res.gradNorm).toBeCloseTo(norm(r) * xt, 6);
    r.forEach((rj, j) => expect(res.direction[j]).toBeCloseTo((xt * (rj - fr)) / norm(r), 6));
  });

  it('confident softmax regression, y = one-hot: raises the top class, lowers the others', () => {
    const { probs, grads } = softmaxRegression(3).eval(softmaxRegression(3).theta);
    const top = argmax(probs);
    expect(probs[top]).toBeGreaterThan(0.9);
    const res = normGradientDirection(f32Rows(grads), probs.map((_, j) => (j === top ? 1 : 0)));
    res.direction.forEach((d, j) => expect(Math.sign(d)).toBe(j === top ? 1 : -1));
  });

  it.each([['softmax regression', softmaxRegression(0.7)], ['MLP', mlp()]])(
    '%s: degenerate (zero direction, no NaN) at y = F_θ(x), where ∇_θ c = 0',
    (_name, model) => {
      const { probs, grads } = model.eval(model.theta);
      const res = normGradientDirection(f32Rows(grads), probs);
      expect(res.degenerate).toBe(true);
      expect(Array.from(res.direction)).toEqual([0, 0, 0]);
      expect(res.gradNorm).toBeLessThan(1e-6);
      expect(Array.from(epsilonPerturb(probs, res.direction, 0.01))).toEqual(Array.from(Float32Array.from(probs)));
    },
  );

  it('exactly zero gradients are degenerate too, and bad shapes are rejected', () => {
    const zero = [new Float32Array(4), new Float32Array(4)];
    expect(normGradientDirection(zero, [1, 0])).toMatchObject({ degenerate: true, gradNorm: 0 });
    expect(() => normGradientDirection([], [])).toThrow(/classGrads is empty/);
    expect(() => normGradientDirection(zero, [1])).toThrow(/y has length 1, but classGrads has 2 rows/);
    expect(() => normGradientDirection([new Float32Array(4), new Float32Array(3)], [1, 0])).toThrow(
      /classGrads\[1\] has length 3, expected 4/,
    );
    expect(() => normGradientDirection(zero, [Number.NaN, 0])).toThrow(/y: entry \[0\] is NaN/);
  });
});

describe('epsilonPerturb', () => {
  it('adds ε·sign(direction), sign(0) = 0', () => {
    const out = epsilonPerturb([0.5, 0.3, 0.2], [2, -0.1, 0], 0.01);
    [0.51, 0.29, 0.2].forEach((e, i) => expect(out[i]).toBeCloseTo(e, 7));
  });

  it('validates ε and lengths', () => {
    expect(() => epsilonPerturb([1], [1], -0.1)).toThrow(/epsilon must be a finite number >= 0, got -0.1/);
    expect(() => epsilonPerturb([1], [1], Number.NaN)).toThrow(/epsilon/);
    expect(() => epsilonPerturb([1], [1], Infinity)).toThrow(/epsilon/);
    expect(() => epsilonPerturb([1, 0], [1], 0.1)).toThrow(/direction has length 1, but y has length 2/);
  });
});
