import { z } from 'zod';
import { explorationConfigSchema, DEFAULT_EXPLORATION } from '../explore/pmf.js';
import { learnerConfigSchema, DEFAULT_LEARNER } from '../learners/registry.js';

/**
 * A policy = a named learner + exploration + reward settings. Several run side
 * by side; requests pick one by name or get the default.
 */
export const rewardSettingsSchema = z.object({
  /** Reward learned for a chosen action that got none within the window. @defaultValue 0 */
  default: z.number().finite().default(0),
  /** How several rewards for one decision and action combine. @defaultValue "sum" */
  combine: z.enum(['sum', 'first']).default('sum'),
  /** Attribution window in seconds. @defaultValue 86400 (one day) */
  windowSeconds: z.number().positive().max(90 * 86400).default(86400),
});

/**
 * What a policy accepts and learns from. A request with a numeric feature or
 * reward beyond these is rejected with INVALID_ARGUMENT naming the field
 * (VALUE_OUT_OF_BOUNDS); values that reach learning another way (profile
 * attributes recorded earlier, several rewards summed, a narrower policy's
 * share of a reward) are clipped to them and counted
 * (tact_learner_guard_total{event="clipped"}).
 */
export const boundsSchema = z.object({
  /** Largest |value| of a numeric feature (context, candidate, profile). @defaultValue 1e9 */
  maxAbsFeature: z.number().positive().max(1e15).default(1e9),
  /** Largest |reward| (one Reward value, and a decision's combined, net reward). @defaultValue 1e6 */
  maxAbsReward: z.number().positive().max(1e12).default(1e6),
});

export const DEFAULT_BOUNDS = boundsSchema.parse({});

export const policyConfigSchema = z.object({
  /** Policy name, used in DecideRequest.policy and metrics labels. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lower-case letters, digits, _ . - (max 63)'),
  learner: learnerConfigSchema.default(DEFAULT_LEARNER),
  exploration: explorationConfigSchema.default(DEFAULT_EXPLORATION),
  reward: rewardSettingsSchema.default({ default: 0, combine: 'sum', windowSeconds: 86400 }),
  /** Share of customers (stable by customer hash) held out with no-send, for uplift. @defaultValue 0 */
  holdout: z.number().min(0).max(0.5).default(0),
  /** Largest candidate set accepted in one Decide. @defaultValue 2000 */
  maxCandidates: z.number().int().positive().max(100_000).default(2000),
  /**
   * Work budget of one Decide: candidates x (1 + numeric and categorical
   * features per candidate) + context features, checked before any scoring,
   * so one large request cannot hold the server's single thread for long
   * (bench/cost-budget.ts measures what the largest valid one does to
   * others' latency). @defaultValue 40000
   */
  maxRequestCost: z.number().int().positive().max(10_000_000).default(40_000),
  bounds: boundsSchema.default(DEFAULT_BOUNDS),
  /**
   * A saved model (`tact train --out`) whose learner this policy starts from,
   * path relative to the working directory. Its learner kind must match
   * `learner.kind`; the saved learner's settings (lambda, ...) win. Unset: a fresh learner.
   */
  warmStart: z.string().min(1).optional(),
  /**
   * Apprentice mode: the policy never serves default traffic; on every Decide
   * answered by the champion (the default policy) it scores the same eligible
   * candidates, its PMF is logged with mode "shadow", it learns from the
   * champion's rewards, and its value is estimated live by IPS/SNIPS with
   * the champion's propensities. @defaultValue false
   */
  shadow: z.boolean().default(false),
});

/**
 * Self-tuning: the replica promotes a shadow policy to champion on its own
 * when the shadow's live SNIPS interval (from the champion's decisions, see
 * live-estimate.ts) lies wholly above the champion's mean reward on the same
 * decisions. Absent: never (promotion is an operator's call).
 */
export const selfTuningSchema = z.object({
  /** Rewarded champion decisions a shadow's estimate needs before it may win. @defaultValue 2000 */
  minRounds: z.number().int().min(100).default(2000),
  /** Effective sample size (sum w)^2 / sum w^2 it needs too. @defaultValue 500 */
  minEss: z.number().min(10).default(500),
  /** How far the interval's low end must clear the champion's mean, in reward units. @defaultValue 0 */
  margin: z.number().finite().min(0).default(0),
  /** Learning updates applied between two looks at the estimates. @defaultValue 1000 */
  checkEvery: z.number().int().min(1).default(1000),
});

export const policiesFileSchema = z.object({
  /** Name of the policy used when a request names none; default: the first. */
  default: z.string().optional(),
  policies: z.array(policyConfigSchema).min(1),
  selfTuning: selfTuningSchema.optional(),
});

export type RewardSettings = z.infer<typeof rewardSettingsSchema>;
export type PolicyConfig = z.infer<typeof policyConfigSchema>;
export type PoliciesFile = z.infer<typeof policiesFileSchema>;
export type SelfTuningConfig = z.infer<typeof selfTuningSchema>;

/** The embedded default: one policy with the default learner, which must learn well untuned. */
export const DEFAULT_POLICIES: PoliciesFile = policiesFileSchema.parse({
  default: 'default',
  policies: [{ name: 'default' }],
});
