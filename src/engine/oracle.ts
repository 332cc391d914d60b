/**
 * The defender behind an API. Every query returns the defender's probabilities after the active
 * defense; the oracle also keeps the undefended answer, so the engine can train an undefended
 * thief on exactly the same queries and report what the defense costs honest users.
 */
import type * as tf from '@tensorflow/tfjs';
import { reverseSigmoidBatch } from '../math/defenses';
import {
  rankingPreservingUniformRandom,
  sineNoise,
  uniformRandomConcave,
  uniformRandomConvex,
  uniformRandomNoise,
} from '../math/noiseDefenses';
import { addToCost, emptyCost, type DefenseCostTotals } from '../math/defenseCost';
import { createRng, type Rng } from '../math/random';
import type { ExperimentConfig } from './protocol';
import { predictProbabilities } from '../models/training';
import { epsilonCounterAttack } from '../models/counterAttack';
import type { GramCache } from './gramCache';
import { defenderKey } from './defenderProvider';

export interface OracleAnswers {
  /** n×K softmax of the defender. */
  original: Float32Array;
  /** n×K answer after the defense (what the thief receives). */
  defended: Float32Array;
  /** ε + centering only: the centering rounds each answer needed. */
  centeringRounds?: Int32Array | null;
}

export interface OracleStats {
  queries: number;
  cost: DefenseCostTotals;
  /** ε defense only: inputs whose gradient direction was exactly zero (answered unperturbed). */
  degenerate: number;
  /** ε + centering only: answers whose centering did not reach |Σ − 1| < 10⁻³. */
  centeringUnconverged: number;
  centeringRoundsTotal: number;
}

/**
 * ε answers are computed this many queries at a time, with the run's checkpoint between chunks:
 * K gradients per query make a budget step's answers take seconds, and Stop must not wait for
 * all of them. Each answer depends on its own query only, so chunking changes no number (a test
 * checks the answers are bitwise the same).
 */
export const EPSILON_CHUNK = 64;

export class Oracle {
  private readonly rng: Rng;
  private stats: OracleStats = { queries: 0, cost: emptyCost(), degenerate: 0, centeringUnconverged: 0, centeringRoundsTotal: 0 };

  constructor(
    private readonly defender: tf.LayersModel,
    private readonly config: ExperimentConfig,
    readonly numClasses: number,
    /** ε only: a shared cache of the defender's per-image gradient Gram matrices (engine/gramCache.ts). */
    private readonly gramCache: GramCache | null = null,
    /** Awaited between ε chunks: the run's checkpoint (it yields, and throws when the run is stopped). */
    private readonly between: (() => Promise<void>) | null = null,
  ) {
    // The noise baselines draw from their own stream so they do not shift the attack's draws.
    this.rng = createRng(config.seed).fork();
  }

  get snapshot(): OracleStats {
    return this.stats;
  }

  /** Answers a batch of queries; `x` stays owned by the caller. */
  async answer(x: tf.Tensor4D): Promise<OracleAnswers> {
    const k = this.numClasses;
    let original: Float32Array;
    let defended: Float32Array;
    let centeringRounds: Int32Array | null = null;
    if (this.config.defense === 'epsilon') {
      const b = x.shape[0];
      original = new Float32Array(b * k);
      defended = new Float32Array(b * k);
      const rounds = this.config.renorm === 'centering' ? new Int32Array(b) : null;
      for (let start = 0; start < b; start += EPSILON_CHUNK) {
        const size = Math.min(EPSILON_CHUNK, b - start);
        const part = size === b ? x : x.slice(start, size);
        try {
          const r = await epsilonCounterAttack(this.defender, part, {
            epsilon: this.config.epsilon,
            direction: this.config.epsDirection,
            renorm: this.config.renorm,
            gramSource: this.gramCache ? (model, xs) => this.gramCache!.gram(model, defenderKey(this.config), xs) : undefined,
          });
          original.set(r.original, start * k);
          defended.set(r.defended, start * k);
          this.stats.degenerate += r.degenerate;
          this.stats.centeringUnconverged += r.centeringUnconverged;
          if (r.centeringRounds && rounds) {
            rounds.set(r.centeringRounds, start);
            for (const n of r.centeringRounds) this.stats.centeringRoundsTotal += n;
          }
        } finally {
          if (part !== x) part.dispose();
        }
        if (start + size < b) await this.between?.();
      }
      centeringRounds = rounds;
    } else {
      original = await predictProbabilities(this.defender, x);
      defended = this.applyPointwise(original, k);
    }
    const n = original.length / k;
    this.stats = { ...this.stats, queries: this.stats.queries + n, cost: addToCost(this.stats.cost, original, defended, k) };
    return { original, defended, centeringRounds };
  }

  /**
   * The answers to queries another oracle of the same defender has already asked (`original`, the
   * defender's softmax on them), under this oracle's defense: what answer() would return for those
   * queries, counted alike, without running the defender again. Point-wise defenses only: the ε
   * counter-attack needs the queries' gradients.
   */
  answerFrom(original: Float32Array): OracleAnswers {
    if (this.config.defense === 'epsilon') throw new Error('Oracle.answerFrom: the ε counter-attack needs the queries themselves');
    const k = this.numClasses;
    const defended = this.applyPointwise(original, k);
    this.stats = { ...this.stats, queries: this.stats.queries + original.length / k, cost: addToCost(this.stats.cost, original, defended, k) };
    return { original, defended, centeringRounds: null };
  }

  /**
   * The honest answers only, for a thief the defense does not apply to (the undefended Jacobian
   * thief asks its own queries): counted as queries, not in the defense's cost, and never paying
   * for the ε counter-attack's K gradients per query.
   */
  async answerHonest(x: tf.Tensor4D): Promise<Float32Array> {
    const original = await predictProbabilities(this.defender, x);
    this.stats = { ...this.stats, queries: this.stats.queries + original.length / this.numClasses };
    return original;
  }

  /** Defenses that depend on the answer alone (not on the defender's gradients). */
  private applyPointwise(original: Float32Array, k: number): Float32Array {
    const c = this.config;
    if (c.defense === 'reverse-sigmoid') return reverseSigmoidBatch(original, k, c.beta, c.gamma);
    const out = new Float32Array(original.length);
    for (let r = 0; r < original.length / k; r++) {
      const y = original.subarray(r * k, (r + 1) * k);
      let row: Float32Array;
      switch (c.defense) {
        case 'uniform':
          row = uniformRandomNoise(y, c.noise, this.rng);
          break;
        case 'concave':
          row = uniformRandomConcave(y, c.noise, c.rho, this.rng);
          break;
        case 'convex':
          row = uniformRandomConvex(y, c.noise, c.rho, this.rng);
          break;
        case 'ranking':
          row = rankingPreservingUniformRandom(y, c.noise, this.rng);
          break;
        case 'sine':
          row = sineNoise(y, c.noise, c.frequency);
          break;
        default:
          throw new Error(`defense ${c.defense} is not point-wise`);
      }
      out.set(row, r * k);
    }
    return out;
  }
}
