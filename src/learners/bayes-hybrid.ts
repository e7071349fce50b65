import { z } from 'zod';
import { hasFeatures, type Features } from '../domain/features.js';
import { asSavedBeforeNoiseEstimate, BayesLinearLearner, bayesLinearConfigSchema, type BayesPrepared } from './bayes-linear.js';
import { BayesSharedLearner, bayesSharedConfigSchema, type SharedPrepared } from './bayes-shared.js';
import type { ActionRef, Contribution, Learner, LearnerSnapshot, LearningExample, ScoreBuffers } from './learner.js';
import { parseLearnerConfig } from './learner-config.js';

export const BAYES_HYBRID_KIND = 'bayes-hybrid';

/**
 * Measured in the simulator (mean net value over 3 seeds): at 20,000
 * decisions 1, 3 and 10 are within noise of each other (55.1k, 54.8k,
 * 56.1k); at 3,000, 10 learns markedly slower (34-35% of the oracle vs
 * 38-40% for 1). So 1, the per-action models' prior too.
 */
const SHARED_LAMBDA = 1;

/**
 * bayes-hybrid's settings: the one schema its config type, its registry
 * entry and its snapshots use; its two models' settings are built from it.
 */
export const bayesHybridConfigSchema = z.object({
  /** Prior precision of the per-action models. */
  lambda: bayesLinearConfigSchema.shape.lambda,
  /** Prior precision of the shared model (its own setting: it has far more weights per reward). */
  sharedLambda: z.number().positive().default(SHARED_LAMBDA),
  noise: bayesLinearConfigSchema.shape.noise,
  /** The per-action models' noise: see bayes-linear (the shared model keeps `noise`). */
  noiseEstimate: bayesLinearConfigSchema.shape.noiseEstimate,
  noisePrior: bayesLinearConfigSchema.shape.noisePrior,
  noisePriorWeight: bayesLinearConfigSchema.shape.noisePriorWeight,
  noiseFloorRewards: bayesLinearConfigSchema.shape.noiseFloorRewards,
  forgetting: bayesLinearConfigSchema.shape.forgetting,
  /** Vocabulary of the per-action models (context features). */
  maxFeatures: bayesLinearConfigSchema.shape.maxFeatures,
  /** Vocabulary of the shared model (context, action features and their products). */
  sharedMaxFeatures: z.number().int().nonnegative().max(8192).default(4096),
  overflowSlots: bayesLinearConfigSchema.shape.overflowSlots,
  /** Memory budget of the per-action (per-id) models, bytes. */
  maxModelBytes: bayesLinearConfigSchema.shape.maxModelBytes,
  /**
   * Action features that form products with the context in the shared
   * model: those that generalise across a catalog's actions, Tact's own
   * channel, slot and category, and the offer's discount.
   */
  pairs: z.array(z.string().min(1)).readonly().default(['channel', 'slot', 'category', 'discount']),
  matches: bayesSharedConfigSchema.shape.matches,
});

export type BayesHybridConfig = z.output<typeof bayesHybridConfigSchema>;
/** What a caller may give: any setting left out takes its default. */
export type BayesHybridConfigInput = z.input<typeof bayesHybridConfigSchema>;

export interface HybridPrepared {
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

  readonly config: BayesHybridConfig;
  readonly linear: BayesLinearLearner;
  readonly shared: BayesSharedLearner;

  /** The two models are built from `config` unless given (a restore gives both). */
  constructor(config: BayesHybridConfigInput, linear?: BayesLinearLearner, shared?: BayesSharedLearner) {
    const c = parseLearnerConfig(BAYES_HYBRID_KIND, bayesHybridConfigSchema, config);
    this.config = c;
    this.linear =
      linear ??
      new BayesLinearLearner({
        lambda: c.lambda,
        noise: c.noise,
        noiseEstimate: c.noiseEstimate,
        noisePrior: c.noisePrior,
        noisePriorWeight: c.noisePriorWeight,
        noiseFloorRewards: c.noiseFloorRewards,
        forgetting: c.forgetting,
        maxFeatures: c.maxFeatures,
        overflowSlots: c.overflowSlots,
        maxModelBytes: c.maxModelBytes,
      });
    this.shared =
      shared ??
      new BayesSharedLearner({
        lambda: c.sharedLambda,
        noise: c.noise,
        forgetting: c.forgetting,
        maxFeatures: c.sharedMaxFeatures,
        overflowSlots: c.overflowSlots,
        idInteractions: 'never',
        idFeature: 'auto',
        pairs: c.pairs,
        matches: c.matches,
      });
  }

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
      state: { config: { ...this.config }, linear: this.linear.snapshot(), shared: this.shared.snapshot() },
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
  // Saved before noiseEstimate existed: its per-action models ran on the fixed noise (see bayes-linear).
  config: z.preprocess(asSavedBeforeNoiseEstimate, bayesHybridConfigSchema),
  linear: snapshotSchema,
  shared: snapshotSchema,
});
