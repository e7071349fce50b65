import { z } from 'zod';
import { hasFeatures, type Features } from '../domain/features.js';
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
  /** Memory budget of the per-action (per-id) models, bytes; absent: bayes-linear's default. */
  readonly maxModelBytes?: number | undefined;
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
  /** Scratch: each model's candidates, their places in the call, and their scores. */
  private picked = new Int32Array(64);
  private readonly sharedSubset: ActionRef[] = [];
  private readonly linearSubset: ActionRef[] = [];
  private buffers: ScoreBuffers = { mean: new Float64Array(64), width: new Float64Array(64) };

  constructor(
    readonly config: BayesHybridConfig,
    readonly linear: BayesLinearLearner = new BayesLinearLearner({
      lambda: config.lambda,
      noise: config.noise,
      forgetting: config.forgetting,
      maxFeatures: config.maxFeatures,
      overflowSlots: config.overflowSlots,
      ...(config.maxModelBytes === undefined ? {} : { maxModelBytes: config.maxModelBytes }),
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
    const n = actions.length;
    if (this.picked.length < n) this.grow(n);
    // One pass sorts the candidates: those with features fill `picked` from the front, the rest from the back.
    const shared = this.sharedSubset;
    const linear = this.linearSubset;
    shared.length = 0;
    linear.length = 0;
    for (let k = 0; k < n; k++) {
      const action = actions[k]!;
      if (hasFeatures(action.features)) this.picked[shared.push(action) - 1] = k;
      else this.picked[n - linear.push(action)] = k;
    }
    if (shared.length > 0) {
      this.shared.score(prepared.shared, shared, this.buffers);
      for (let j = 0; j < shared.length; j++) this.place(out, this.picked[j]!, j);
    }
    if (linear.length > 0) {
      this.linear.score(prepared.linear, linear, this.buffers);
      for (let j = 0; j < linear.length; j++) this.place(out, this.picked[n - 1 - j]!, j);
    }
    shared.length = 0;
    linear.length = 0;
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
      state: { config: hybridStateSchema.shape.config.parse(this.config), linear: this.linear.snapshot(), shared: this.shared.snapshot() },
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

  /** Copy the scratch scores at j to candidate k. */
  private place(out: ScoreBuffers, k: number, j: number): void {
    out.mean[k] = this.buffers.mean[j]!;
    out.width[k] = this.buffers.width[j]!;
  }

  private grow(n: number): void {
    const size = Math.max(n, this.picked.length * 2);
    this.picked = new Int32Array(size);
    this.buffers = { mean: new Float64Array(size), width: new Float64Array(size) };
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
    maxModelBytes: z.number().int().positive().optional(),
    pairs: z.array(z.string()).readonly(),
    matches: z.array(z.object({ context: z.string(), action: z.string() })).readonly(),
  }),
  linear: snapshotSchema,
  shared: snapshotSchema,
});
