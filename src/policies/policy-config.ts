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

export const policiesFileSchema = z.object({
  /** Name of the policy used when a request names none; default: the first. */
  default: z.string().optional(),
  policies: z.array(policyConfigSchema).min(1),
});

export type RewardSettings = z.infer<typeof rewardSettingsSchema>;
export type PolicyConfig = z.infer<typeof policyConfigSchema>;
export type PoliciesFile = z.infer<typeof policiesFileSchema>;

/** The embedded default: one policy with the default learner, which must learn well untuned. */
export const DEFAULT_POLICIES: PoliciesFile = policiesFileSchema.parse({
  default: 'default',
  policies: [{ name: 'default' }],
});
