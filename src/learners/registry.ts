import { z } from 'zod';
import { DEFAULT_OVERFLOW_SLOTS, DEFAULT_MAX_FEATURES } from '../features/vocabulary.js';
import { BAYES_HYBRID_KIND, BayesHybridLearner } from './bayes-hybrid.js';
import { BAYES_LINEAR_KIND, BayesLinearLearner, DEFAULT_MAX_MODEL_BYTES } from './bayes-linear.js';
import { BAYES_SHARED_KIND, BayesSharedLearner } from './bayes-shared.js';
import type { Learner, LearnerSnapshot } from './learner.js';
import { NEURAL_LINEAR_KIND, neuralLinearSchema } from './neural-linear/config.js';
import { NeuralLinearLearner } from './neural-linear/neural-linear.js';
import { SGD_KIND, SgdRegressionLearner } from './sgd-regression.js';

/**
 * Defaults tuned once on the digits stream (max-abs-scaled pixels, 10 arms)
 * together with DEFAULT_EXPLORATION and kept for every data set:
 * lambda 1 is a unit prior in scaled units; noise 0.25 is the posterior
 * width scale for rewards in [0, 1] (a Bernoulli's sd is at most 0.5), and
 * UCB alpha 1 / Thompson scale then read in the same units.
 */
const bayesLinearSchema = z.object({
  kind: z.literal(BAYES_LINEAR_KIND),
  lambda: z.number().positive().default(1),
  noise: z.number().nonnegative().default(0.25),
  forgetting: z.number().gt(0).lte(1).default(1),
  maxFeatures: z.number().int().nonnegative().max(4096).default(DEFAULT_MAX_FEATURES),
  overflowSlots: z.number().int().positive().max(4096).default(DEFAULT_OVERFLOW_SLOTS),
  /** Memory budget of the per-id models (bytes); least recently updated ids dropped first. */
  maxModelBytes: z.number().int().min(2 ** 20).default(DEFAULT_MAX_MODEL_BYTES),
});

const sgdSchema = z.object({
  kind: z.literal(SGD_KIND),
  bits: z.number().int().min(1).max(26).default(18),
  learningRate: z.number().positive().default(2),
  l2: z.number().nonnegative().lt(1).default(0),
});

/** Context/action categorical features compared for equality, one feature per match. */
const matchesSchema = z.array(z.object({ context: z.string().min(1), action: z.string().min(1) })).default([]);

/** Shared weights over context x action features: generalises across actions. */
const bayesSharedSchema = z.object({
  kind: z.literal(BAYES_SHARED_KIND),
  lambda: z.number().positive().default(1),
  noise: z.number().nonnegative().default(0.25),
  forgetting: z.number().gt(0).lte(1).default(1),
  maxFeatures: z.number().int().nonnegative().max(8192).default(1024),
  overflowSlots: z.number().int().positive().max(4096).default(DEFAULT_OVERFLOW_SLOTS),
  idInteractions: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Action features that form products with the context; unset: all of them. */
  pairs: z.array(z.string().min(1)).min(1).optional(),
  matches: matchesSchema,
});

/**
 * Measured in the simulator (mean net value over 3 seeds): at 20,000
 * decisions 1, 3 and 10 are within noise of each other (55.1k, 54.8k,
 * 56.1k); at 3,000, 10 learns markedly slower (34-35% of the oracle vs
 * 38-40% for 1). So 1, the per-action models' prior too.
 */
const SHARED_LAMBDA = 1;

/**
 * Per-action models for candidates known only by id, one shared model for
 * candidates with features. The shared model pairs the context with the
 * features that generalise across a catalog's actions: Tact's own channel,
 * slot and category, and the offer's discount.
 */
const bayesHybridSchema = z.object({
  kind: z.literal(BAYES_HYBRID_KIND),
  lambda: z.number().positive().default(1),
  sharedLambda: z.number().positive().default(SHARED_LAMBDA),
  noise: z.number().nonnegative().default(0.25),
  forgetting: z.number().gt(0).lte(1).default(1),
  maxFeatures: z.number().int().nonnegative().max(4096).default(DEFAULT_MAX_FEATURES),
  sharedMaxFeatures: z.number().int().nonnegative().max(8192).default(4096),
  overflowSlots: z.number().int().positive().max(4096).default(DEFAULT_OVERFLOW_SLOTS),
  /** Memory budget of the per-id models (bytes); least recently updated ids dropped first. */
  maxModelBytes: z.number().int().min(2 ** 20).default(DEFAULT_MAX_MODEL_BYTES),
  pairs: z.array(z.string().min(1)).default(['channel', 'slot', 'category', 'discount']),
  matches: matchesSchema,
});

export const learnerConfigSchema = z.discriminatedUnion('kind', [
  bayesHybridSchema,
  bayesLinearSchema,
  sgdSchema,
  bayesSharedSchema,
  neuralLinearSchema,
]);

export type LearnerConfig = z.output<typeof learnerConfigSchema>;
export type LearnerConfigInput = z.input<typeof learnerConfigSchema>;

export const DEFAULT_LEARNER: LearnerConfig = learnerConfigSchema.parse({ kind: BAYES_HYBRID_KIND });

/** What a learner may need to know about where it runs. */
export interface LearnerContext {
  /** The policy it serves: names where neural-linear saves its networks. */
  readonly policy?: string;
}

export function createLearner(config: LearnerConfigInput = DEFAULT_LEARNER, context: LearnerContext = {}): Learner {
  const c = learnerConfigSchema.parse(config);
  switch (c.kind) {
    case 'bayes-hybrid':
      return new BayesHybridLearner(c);
    case 'bayes-linear':
      return new BayesLinearLearner(c);
    case 'sgd':
      return new SgdRegressionLearner(c);
    case 'bayes-shared':
      return new BayesSharedLearner(c);
    case 'neural-linear':
      return new NeuralLinearLearner(c, context);
  }
}

export function restoreLearner(snapshot: LearnerSnapshot, context: LearnerContext = {}): Learner {
  switch (snapshot.kind) {
    case BAYES_HYBRID_KIND:
      return BayesHybridLearner.restore(snapshot);
    case BAYES_LINEAR_KIND:
      return BayesLinearLearner.restore(snapshot);
    case SGD_KIND:
      return SgdRegressionLearner.restore(snapshot);
    case NEURAL_LINEAR_KIND:
      return NeuralLinearLearner.restore(snapshot, context);
    case BAYES_SHARED_KIND:
      return BayesSharedLearner.restore(snapshot);
    default:
      throw new RangeError(`unknown learner kind: ${snapshot.kind}`);
  }
}
