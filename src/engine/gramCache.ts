/**
 * A cache of the ε counter-attack's expensive part, per query image: the defender's logits and
 * the K×K Gram matrix of its logit gradients (models/counterAttack.ts). Neither depends on ε,
 * the output mode, the gradient target or the thief, so runs that ask the same images of the
 * same defender (the reproduction's grid of ε × mode × thief, the honest-user evaluation of every
 * ε run) pay for each image once. Keyed by the defender's cache key and the image's bytes.
 */
import * as tf from '@tensorflow/tfjs';
import { logitGradientGram, type LogitGram } from '../models/counterAttack';

/** Entries kept at most (≈ 0.5 kB each for K = 10): older ones are dropped first. */
export const GRAM_CACHE_LIMIT = 100_000;

export interface GramCache {
  /** logitGradientGram(model, x), served from the cache where it can. */
  gram(model: tf.LayersModel, defenderKey: string, x: tf.Tensor4D): Promise<LogitGram>;
  readonly size: number;
  readonly hits: number;
  readonly misses: number;
  clear(): void;
}

/** FNV-1a over the float bits of one image: collisions would need identical 32-bit hashes AND lengths. */
function hashRow(bits: Uint32Array, from: number, to: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = from; i < to; i++) {
    h1 = Math.imul(h1 ^ bits[i], 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ bits[i], 0x5bd1e995) >>> 0;
  }
  return `${h1.toString(36)}.${h2.toString(36)}.${to - from}`;
}

export function createGramCache(limit = GRAM_CACHE_LIMIT): GramCache {
  const entries = new Map<string, { logits: Float32Array; gram: Float32Array }>();
  let hits = 0;
  let misses = 0;
  return {
    get size() {
      return entries.size;
    },
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
    clear() {
      entries.clear();
    },
    async gram(model, defenderKey, x) {
      const b = x.shape[0];
      const per = x.size / Math.max(1, b);
      const pixels = await x.data();
      const bits = new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.length);
      const keys = Array.from({ length: b }, (_, i) => `${defenderKey}|${hashRow(bits, i * per, (i + 1) * per)}`);
      const missing: number[] = [];
      for (let i = 0; i < b; i++) if (!entries.has(keys[i])) missing.push(i);
      let k = 0;
      let method: LogitGram['method'] = 'fast';
      if (missing.length) {
        const sub = missing.length === b ? x : tf.tidy(() => tf.gather(x, tf.tensor1d(missing, 'int32')) as tf.Tensor4D);
        try {
          const fresh = await logitGradientGram(model, sub);
          k = fresh.numClasses;
          method = fresh.method;
          missing.forEach((row, j) => {
            entries.set(keys[row], { logits: fresh.logits.slice(j * k, (j + 1) * k), gram: fresh.gram.slice(j * k * k, (j + 1) * k * k) });
          });
        } finally {
          if (sub !== x) sub.dispose();
        }
      }
      misses += missing.length;
      hits += b - missing.length;
      if (k === 0) k = b > 0 ? entries.get(keys[0])!.logits.length : (model.outputs[0].shape[1] as number);
      const logits = new Float32Array(b * k);
      const gram = new Float32Array(b * k * k);
      for (let i = 0; i < b; i++) {
        const e = entries.get(keys[i])!;
        logits.set(e.logits, i * k);
        gram.set(e.gram, i * k * k);
      }
      while (entries.size > limit) entries.delete(entries.keys().next().value as string);
      return { gram, logits, batchSize: b, numClasses: k, method };
    },
  };
}
