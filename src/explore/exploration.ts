import type { Random } from '../core/random.js';
import type { ScoreBuffers } from '../learners/learner.js';

/**
 * Exploration turns a learner's estimates into a probability for every
 * candidate (a PMF). Only the sampler picks; the probability logged with a
 * decision is the PMF entry of the chosen candidate, so it is the true
 * propensity that off-policy evaluation needs.
 */
export type ExplorationConfig =
  /** Optimism: argmax of mean + alpha * width gets 1 - epsilon, the rest is spread evenly. */
  | { kind: 'ucb'; alpha: number; epsilon: number }
  /**
   * Thompson sampling: the probability of each candidate being the argmax of
   * a posterior draw, estimated with `samples` draws (seeded), mixed with epsilon.
   */
  | { kind: 'thompson'; scale: number; samples: number; epsilon: number }
  | { kind: 'epsilon-greedy'; epsilon: number }
  /** Softmax over means with inverse temperature `lambda`. */
  | { kind: 'softmax'; lambda: number; epsilon: number }
  /** Inverse-gap weighting (Foster & Rakhlin's SquareCB) with strength gamma. */
  | { kind: 'squarecb'; gamma: number };

/**
 * Write the PMF for the first `n` candidates into `out`.
 * Pure except for Thompson's draws, which come from `rng` (seeded per decision).
 */
export type ComputePmf = (
  config: ExplorationConfig,
  scores: ScoreBuffers,
  n: number,
  rng: Random,
  out: Float64Array,
) => void;
