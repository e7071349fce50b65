import { z } from 'zod';
import type { Features } from '../domain/features.js';
import { BIAS_INDEX, DEFAULT_OVERFLOW_SLOTS } from '../features/vocabulary.js';
import { BlockScorer } from './block-scorer.js';
import { JointEncoding, jointEncodingStateSchema, type BaseEntries, type SharedMatch } from './joint-encoding.js';
import type { ActionRef, Contribution, Learner, LearnerSnapshot, LearningExample, ScoreBuffers } from './learner.js';
import { parseLearnerConfig } from './learner-config.js';
import { Arm, armStateSchema, changeUnits, learnExample, unlearnExample } from './linear-posterior.js';
import { RewardScale, rewardScaleStateSchema } from './reward-scale.js';

export const BAYES_SHARED_KIND = 'bayes-shared';

/** Context/action categorical features compared for equality, one feature per match. */
const matchesSchema = z.array(z.object({ context: z.string().min(1), action: z.string().min(1) }).readonly()).readonly().default([]);

/**
 * bayes-shared's settings: the one schema its config type, its registry
 * entry and its snapshots use (bayes-hybrid builds its shared model from it
 * too).
 */
export const bayesSharedConfigSchema = z.object({
  /** Prior precision on every weight, in scaled units. */
  lambda: z.number().positive().default(1),
  /** Noise sd in units of the typical non-zero reward (see RewardScale). */
  noise: z.number().nonnegative().default(0.25),
  /** Forgetting factor per update in (0, 1]; 1 keeps every example. */
  forgetting: z.number().gt(0).lte(1).default(1),
  /** Features of the joint vector (context, action, and their products) given own weights. */
  maxFeatures: z.number().int().nonnegative().max(8192).default(1024),
  overflowSlots: z.number().int().positive().max(4096).default(DEFAULT_OVERFLOW_SLOTS),
  /**
   * Whether the action id forms products with the context. "auto": only for
   * actions without features, whose id is all that describes them (one model
   * per action, as in disjoint LinUCB); actions with features generalise
   * through them, and per-id products would multiply the dimension by the
   * number of actions.
   */
  idInteractions: z.enum(['auto', 'always', 'never']).default('auto'),
  /**
   * Names of the action features that form products with the context
   * (categorical or numeric); the others are main effects only. Unset: all;
   * empty: none. Products are what personalise ("sms for customers who
   * prefer sms"), and each costs one weight per context feature: pairing only
   * the features that generalise across actions (channel, slot, category,
   * discount) keeps the model small enough to learn from few rewards.
   */
  pairs: z.array(z.string().min(1)).readonly().optional(),
  /**
   * Whether the action id is a feature of its own. "always"; "auto": only
   * for actions without other features. An action described by features is
   * scored through them; an id weight per action would add as many weights
   * as there are actions (hundreds in a catalog, thousands of client
   * candidates), each learned from that action's rewards alone.
   */
  idFeature: z.enum(['always', 'auto']).default('always'),
  /**
   * Match features: for each {context, action} pair of categorical feature
   * names, a candidate whose action value equals the context's value gets
   * one more feature (paired with the context like `pairs`). One weight says
   * "a message about the category the customer just put in the cart"
   * for every category at once, where products need one weight per
   * (context value, action value) and learn it category by category.
   */
  matches: matchesSchema,
});

export type BayesSharedConfig = z.output<typeof bayesSharedConfigSchema>;
/** What a caller may give: any setting left out takes its default. */
export type BayesSharedConfigInput = z.input<typeof bayesSharedConfigSchema>;

export type { SharedMatch };

/** A decision's context, encoded once. */
export interface SharedPrepared {
  readonly context: BaseEntries;
  /** The context's categorical values, for match features. */
  readonly categorical: Readonly<Record<string, string>>;
}

const GROW_BLOCK = 64;

/**
 * Bayesian linear regression with weights shared across actions, over the
 * joint vector [bias, context, action features, context x action features]
 * (VW's -q between the context and every action feature, the action id
 * included). Because actions share weights through their features, what is
 * learned about "sms for customers who prefer sms" or "shoes for loyal
 * customers" carries over to every message with those features: on a catalog
 * of a hundred message x channel x slot actions this learns from far fewer
 * rewards than one model per action. With no action features but the id,
 * it reduces to one model per action plus a shared baseline.
 *
 * Three parts, one job each: the joint vector's encoding (joint-encoding.ts),
 * the posterior and its exact updates (linear-posterior.ts), and the
 * per-decision scoring over blocks of the joint vector (block-scorer.ts).
 *
 * Exact second-order updates (Sherman-Morrison on one dense A^-1 over the
 * learned vocabulary), so learning costs O(D^2) for D joint features in use;
 * scoring costs O(nnz) per candidate for the mean and O(nnz^2) for the width.
 */
export class BayesSharedLearner implements Learner<SharedPrepared> {
  readonly kind = BAYES_SHARED_KIND;
  private count = 0;
  private encoding: JointEncoding;
  private arm: Arm;
  private rewardScale = new RewardScale();
  private readonly scorer = new BlockScorer(this);
  /** Dense scratch for learning. */
  private readonly xs: Float64Array;
  private readonly u: Float64Array;
  private nzScratch = new Int32Array(256);

  readonly config: BayesSharedConfig;

  constructor(config: BayesSharedConfigInput) {
    this.config = parseLearnerConfig(BAYES_SHARED_KIND, bayesSharedConfigSchema, config);
    this.encoding = new JointEncoding(this.config, this.rescale);
    this.arm = Arm.fresh(1, this.config.lambda);
    this.xs = new Float64Array(this.encoding.vocabulary.capacity);
    this.u = new Float64Array(this.encoding.vocabulary.capacity);
  }

  get updates(): number {
    return this.count;
  }

  get dimension(): number {
    return this.encoding.vocabulary.size;
  }

  prepare(context: Features): SharedPrepared {
    return { context: this.encoding.context(context), categorical: context.categorical };
  }

  score(prepared: SharedPrepared, actions: readonly ActionRef[], out: ScoreBuffers): void {
    const noise = this.config.noise * this.rewardScale.value;
    const scorer = this.scorer;
    scorer.begin(prepared.context, noise > 0);
    for (let k = 0; k < actions.length; k++) {
      scorer.score(this.encoding.candidate(prepared.categorical, actions[k]!));
      out.mean[k] = scorer.mean;
      out.width[k] = noise > 0 ? noise * Math.sqrt(scorer.variance > 0 ? scorer.variance : 0) : 0;
    }
  }

  /** Joint index of a base's main effect, or -1 if never learned (for the block scorer). */
  mainIndex(base: number): number {
    return this.encoding.mainIndex(base);
  }

  /** Joint index of a (context base, action base) product, or -1 if never learned. */
  productIndex(contextBase: number, actionBase: number): number {
    return this.encoding.productIndex(contextBase, actionBase);
  }

  /** The posterior the block scorer reads. */
  get posterior(): Arm {
    return this.arm;
  }

  learn(example: LearningExample): void {
    const nnz = this.encode(this.encoding.learning(example.context, example.action));
    learnExample(this.arm, this.xs, this.nzScratch, nnz, this.u, example, this.config.forgetting, this.rewardScale);
    this.count++;
    this.clearScratch(nnz);
  }

  unlearn(example: LearningExample): boolean {
    if (this.config.forgetting < 1) return false;
    const nnz = this.encode(this.encoding.unlearning(example.context, example.action));
    if (!unlearnExample(this.arm, this.xs, this.nzScratch, nnz, this.u, example, this.rewardScale)) {
      this.clearScratch(nnz);
      return false;
    }
    this.count++;
    this.clearScratch(nnz);
    // Its statistics are out, at the scales it was encoded with: now its values leave the scales.
    this.encoding.forget(example.context, example.action);
    return true;
  }

  explain(prepared: SharedPrepared, action: ActionRef, top: number): Contribution[] {
    const theta = this.arm.theta;
    const out: Contribution[] = [];
    const entries = this.encoding.candidate(prepared.categorical, action);
    this.encoding.forEachJoint(prepared.context, entries, false, (index, value) => {
      if (index < 0 || index >= this.arm.dim) return;
      const c = theta[index]! * value;
      if (c !== 0) out.push({ feature: this.encoding.vocabulary.nameOf(index), contribution: c });
    });
    out.sort((p, q) => Math.abs(q.contribution) - Math.abs(p.contribution));
    return out.slice(0, Math.max(0, top));
  }

  /** Posterior mean weight of a joint feature by name (for tests and diagnostics). */
  weightOf(name: string): number {
    const i = this.encoding.vocabulary.lookup(name);
    return i >= 0 && i < this.arm.dim ? this.arm.theta[i]! : 0;
  }

  snapshot(): LearnerSnapshot {
    const state: SharedState = {
      config: { ...this.config },
      ...this.encoding.snapshot(),
      rewardScale: this.rewardScale.snapshot(),
      arm: this.arm.toState(),
    };
    return { kind: this.kind, updates: this.count, state };
  }

  static restore(snapshot: LearnerSnapshot): BayesSharedLearner {
    const s = sharedStateSchema.parse(snapshot.state);
    const learner = new BayesSharedLearner(s.config);
    learner.encoding = JointEncoding.restore(s.config, s, learner.rescale);
    learner.arm = Arm.fromState(s.arm, 'snapshot arm');
    learner.rewardScale = RewardScale.restore(s.rewardScale);
    learner.count = snapshot.updates;
    return learner;
  }

  /**
   * A base's values shrink by `f` from now on: so does every joint feature
   * using it, each an exact change of units (see changeUnits), so the
   * posterior stays ridge regression on the data in the new units, whatever
   * order it came in.
   */
  private readonly rescale = (uses: readonly number[], f: number): void => {
    const d = this.arm.dim;
    const touched = [...new Set(uses)].filter((index) => index < d && index !== BIAS_INDEX);
    for (const index of touched) changeUnits(this.arm, index, f, this.u);
    this.arm.refreshTheta();
  };

  /** Write an example's joint vector into scratch (growing the posterior to the vocabulary); returns its non-zeros. */
  private encode({ context, action }: { context: BaseEntries; action: BaseEntries }): number {
    const x = this.xs;
    let nnz = 0;
    const nzs: number[] = [];
    this.encoding.forEachJoint(context, action, true, (index, value) => {
      if (x[index] === 0) nzs.push(index);
      x[index] = x[index]! + value;
    });
    const vocabulary = this.encoding.vocabulary;
    // Grown in blocks: each growth copies the D x D matrix.
    this.arm.grow(Math.min(vocabulary.capacity, Math.ceil(vocabulary.size / GROW_BLOCK) * GROW_BLOCK));
    if (nzs.length > this.nzScratch.length) this.nzScratch = new Int32Array(nzs.length * 2);
    for (const i of nzs) if (x[i] !== 0) this.nzScratch[nnz++] = i;
    return nnz;
  }

  private clearScratch(nnz: number): void {
    for (let k = 0; k < nnz; k++) this.xs[this.nzScratch[k]!] = 0;
  }
}

const sharedStateSchema = z.object({
  config: bayesSharedConfigSchema,
  ...jointEncodingStateSchema.shape,
  rewardScale: rewardScaleStateSchema,
  arm: armStateSchema,
});

type SharedState = z.infer<typeof sharedStateSchema>;
