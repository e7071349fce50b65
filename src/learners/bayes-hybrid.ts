import { z } from 'zod';
import { hasFeatures, type Features } from '../features/features.js';
import { BayesLinearLearner, type BayesPrepared } from './bayes-linear.js';
import { BayesSharedLearner, type SharedMatch, type SharedPrepared } from './bayes-shared.js';
import type { ActionRef, Contribution, Learner, LearnerSnapshot, LearningExample, ScoreBuffers } from './learner.js';

export const BAYES_HYBRID_KIND = 'bayes-hybrid';

export interface BayesHybridConfig {
  /** Prior precision of the per-action models. */
  readonly lambda: number;
  /** Prior precision of the shared model (its own setting: it has far more weights per reward). */
  readonly sharedLambda: number;
  readonly noise: number;
  readonly forgetting: number;
  /** Vocabulary of the per-action models (context features). */
  readonly maxFeatures: number;
  /** Vocabulary of the shared model (context, action features and their products). */
  readonly sharedMaxFeatures: number;
  readonly overflowSlots: number;
  /** Action features that form products with the context in the shared model. */
  readonly pairs: readonly string[];
  readonly matches: readonly SharedMatch[];
}

interface HybridPrepared {
  readonly linear: BayesPrepared;
  readonly shared: SharedPrepared;
}

/**
 * Each candidate scored by the model that can say most about it. A
 * candidate known only by its id (a client's digit class) has nothing to
 * share with others: it gets its own disjoint model
 * (bayes-linear), which scales to any number of such actions. A candidate
 * described by features (a catalog message x channel x slot, and the
 * catalog's no-send, described as channel "none") is scored by
 * one shared model (bayes-shared) that generalises across actions through
 * those features, so what one message teaches about "sms for customers who
 * prefer sms" holds for every message: on a catalog of a hundred actions
 * per trigger it learns from far fewer rewards.
 *
 * Both estimate the same thing (expected reward net of cost), so their
 * scores compete directly; each example goes to the model of its action,
 * and both stay exact (unlearning, replay order).
 */
export class BayesHybridLearner implements Learner<HybridPrepared> {
  readonly kind = BAYES_HYBRID_KIND;
  /** Scratch for scoring one model's subset of the candidates. */
  private picked = new Int32Array(64);
  private subset: ActionRef[] = [];
  private mean = new Float64Array(64);
  private width = new Float64Array(64);

  constructor(
    readonly config: BayesHybridConfig,
    readonly linear: BayesLinearLearner = new BayesLinearLearner({
      lambda: config.lambda,
      noise: config.noise,
      forgetting: config.forgetting,
      maxFeatures: config.maxFeatures,
      overflowSlots: config.overflowSlots,
    }),
    readonly shared: BayesSharedLearner = new BayesSharedLearner({
      lambda: config.sharedLambda,
      noise: config.noise,
      forgetting: config.forgetting,
      maxFeatures: config.sharedMaxFeatures,
      overflowSlots: config.overflowSlots,
      idInteractions: 'never',
      idFeature: 'auto',
      pairs: config.pairs,
      matches: config.matches,
    }),
  ) {}

  get updates(): number {
    return this.linear.updates + this.shared.updates;
  }

  prepare(context: Features): HybridPrepared {
    return { linear: this.linear.prepare(context), shared: this.shared.prepare(context) };
  }

  score(prepared: HybridPrepared, actions: readonly ActionRef[], out: ScoreBuffers): void {
    this.scoreSubset(actions, out, false, (subset, buffers) => this.linear.score(prepared.linear, subset, buffers));
    this.scoreSubset(actions, out, true, (subset, buffers) => this.shared.score(prepared.shared, subset, buffers));
  }

  learn(example: LearningExample): void {
    this.modelFor(example.action).learn(example);
  }

  unlearn(example: LearningExample): boolean {
    return this.modelFor(example.action).unlearn(example);
  }

  explain(prepared: HybridPrepared, action: ActionRef, top: number): Contribution[] {
    return hasFeatures(action.features)
      ? this.shared.explain(prepared.shared, action, top)
      : this.linear.explain(prepared.linear, action, top);
  }

  snapshot(): LearnerSnapshot {
    return {
      kind: this.kind,
      updates: this.updates,
      state: { config: this.config, linear: this.linear.snapshot(), shared: this.shared.snapshot() },
    };
  }

  static restore(snapshot: LearnerSnapshot): BayesHybridLearner {
    const s = hybridStateSchema.parse(snapshot.state);
    return new BayesHybridLearner(
      s.config,
      BayesLinearLearner.restore(s.linear),
      BayesSharedLearner.restore(s.shared),
    );
  }

  private modelFor(action: ActionRef): Learner {
    return hasFeatures(action.features) ? this.shared : this.linear;
  }

  /** Score the candidates with (or without) features through one model, writing into `out` at their places. */
  private scoreSubset(
    actions: readonly ActionRef[],
    out: ScoreBuffers,
    withFeatures: boolean,
    scoreWith: (subset: readonly ActionRef[], buffers: ScoreBuffers) => void,
  ): void {
    if (this.picked.length < actions.length) this.grow(actions.length);
    const subset = this.subset;
    subset.length = 0;
    for (let k = 0; k < actions.length; k++) {
      if (hasFeatures(actions[k]!.features) !== withFeatures) continue;
      this.picked[subset.length] = k;
      subset.push(actions[k]!);
    }
    if (subset.length === 0) return;
    scoreWith(subset, { mean: this.mean, width: this.width });
    for (let j = 0; j < subset.length; j++) {
      const k = this.picked[j]!;
      out.mean[k] = this.mean[j]!;
      out.width[k] = this.width[j]!;
    }
    subset.length = 0;
  }

  private grow(n: number): void {
    const size = Math.max(n, this.picked.length * 2);
    this.picked = new Int32Array(size);
    this.mean = new Float64Array(size);
    this.width = new Float64Array(size);
  }
}

const snapshotSchema = z.object({ kind: z.string(), updates: z.number().int().nonnegative(), state: z.unknown() });

const hybridStateSchema = z.object({
  config: z.object({
    lambda: z.number().positive(),
    sharedLambda: z.number().positive(),
    noise: z.number().nonnegative(),
    forgetting: z.number().gt(0).lte(1),
    maxFeatures: z.number().int().nonnegative(),
    sharedMaxFeatures: z.number().int().nonnegative(),
    overflowSlots: z.number().int().positive(),
    pairs: z.array(z.string()).readonly(),
    matches: z.array(z.object({ context: z.string(), action: z.string() })).readonly(),
  }),
  linear: snapshotSchema,
  shared: snapshotSchema,
});
