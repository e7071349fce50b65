import type { Random } from '../core/random.js';
import type { ScoreBuffers } from '../learners/learner.js';

/**
 * Exploration turns a learner's estimates into a probability for every
 * candidate (a PMF). Only the sampler picks; the probability logged with a
 * decision is the PMF entry of the chosen candidate, so it is the true
 * propensity that off-policy evaluation needs.
 */
export type ExplorationConfig =
  /** Optimism: argmax of mean + alpha * width gets 1 - floor, the floor is spread evenly. */
  | ({ kind: 'ucb'; alpha: number } & UniformFloor)
  /**
   * Thompson sampling: the probability of each candidate being the argmax of
   * a posterior draw, estimated with `samples` draws (seeded), mixed with the floor.
   */
  | ({ kind: 'thompson'; scale: number; samples: number } & UniformFloor)
  /** Epsilon is the exploration itself here, so it stays constant. */
  | { kind: 'epsilon-greedy'; epsilon: number }
  /** Softmax over means with inverse temperature `lambda`, mixed with the floor. */
  | ({ kind: 'softmax'; lambda: number } & UniformFloor)
  /** Inverse-gap weighting (Foster & Rakhlin's SquareCB) with strength gamma. */
  | { kind: 'squarecb'; gamma: number };

/**
 * The uniform mass mixed into a PMF so every eligible candidate keeps a
 * propensity off-policy evaluation can weigh. It starts at `epsilon` and,
 * with `epsilonDecay` > 0, shrinks as the learner learns: epsilon x decay /
 * (decay + updates), i.e. halved after `epsilonDecay` updates (the 1/t
 * schedule of Auer et al. 2002), never below `epsilonMin`. A floor held at
 * 1% costs about 1% of the reward forever once the model is right; the
 * learner's own width does the exploring.
 */
export interface UniformFloor {
  readonly epsilon: number;
  /** Updates after which the floor is half of epsilon; 0 or absent keeps it constant. */
  readonly epsilonDecay?: number;
  /** The floor never shrinks below this (nor grows above epsilon). */
  readonly epsilonMin?: number;
}

/**
 * Write the PMF for the first `n` candidates into `out`; `updates` is the
 * scoring learner's update count, which sets the uniform floor.
 * Pure except for Thompson's draws, which come from `rng` (seeded per decision).
 */
export type ComputePmf = (
  config: ExplorationConfig,
  scores: ScoreBuffers,
  n: number,
  rng: Random,
  out: Float64Array,
  updates: number,
) => void;
