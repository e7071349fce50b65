import { z } from 'zod';
import { tactError } from '../core/errors.js';
import { BAYES_HYBRID_KIND, BayesHybridLearner, bayesHybridConfigSchema } from './bayes-hybrid.js';
import { BAYES_LINEAR_KIND, BayesLinearLearner, bayesLinearConfigSchema } from './bayes-linear.js';
import { BAYES_SHARED_KIND, BayesSharedLearner, bayesSharedConfigSchema } from './bayes-shared.js';
import { FUNNEL_KIND, FunnelLearner, funnelConfigSchema } from './funnel.js';
import type { Learner, LearnerSnapshot } from './learner.js';
import { NEURAL_LINEAR_KIND, neuralLinearSchema } from './neural-linear/config.js';
import { NeuralLinearLearner } from './neural-linear/neural-linear.js';
import { SGD_KIND, SgdRegressionLearner, sgdConfigSchema } from './sgd-regression.js';

/**
 * Each learner's registry entry is its one config schema (in the learner's
 * own module, where its config type and snapshot schema derive from it too),
 * told its kind.
 */
export const learnerConfigSchema = z.discriminatedUnion('kind', [
  bayesHybridConfigSchema.extend({ kind: z.literal(BAYES_HYBRID_KIND) }),
  bayesLinearConfigSchema.extend({ kind: z.literal(BAYES_LINEAR_KIND) }),
  sgdConfigSchema.extend({ kind: z.literal(SGD_KIND) }),
  bayesSharedConfigSchema.extend({ kind: z.literal(BAYES_SHARED_KIND) }),
  neuralLinearSchema,
  funnelConfigSchema.extend({ kind: z.literal(FUNNEL_KIND) }),
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
    case 'funnel':
      return new FunnelLearner(c);
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
    case FUNNEL_KIND:
      return FunnelLearner.restore(snapshot);
    default:
      throw tactError('SNAPSHOT_INVALID', `unknown learner kind: ${snapshot.kind}`);
  }
}
