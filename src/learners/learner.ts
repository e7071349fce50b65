import { invalidArgument } from '../core/errors.js';
import type { ActionRef } from '../domain/decision.js';
import type { Features } from '../domain/features.js';
import type { FunnelEvidence } from '../domain/funnel.js';

export type { ActionRef, FunnelEvidence };

/**
 * One learning step, replayable: every replica of a fleet applies the same
 * sequence of these and so ends with the same parameters.
 */
export interface LearningExample {
  readonly context: Features;
  readonly action: ActionRef;
  /** Target: reward net of the channel's cost. */
  readonly reward: number;
  /**
   * When set, this example corrects an earlier one for the same decision and
   * action whose target was `previousReward` (rewards combined by "sum"): the
   * learner moves the target, it does not count a second observation.
   */
  readonly previousReward?: number;
  /**
   * Importance weight w >= 0 (default 1): the example counts as w
   * observations. Offline training sets it to 1/propensity (clipped) so a
   * log from a non-uniform policy teaches what a uniform one would have.
   */
  readonly weight?: number;
  /**
   * Set on funnel evidence (learners/funnel.ts): the decision's whole outcome
   * at its window's close, with whether the message was engaged with (an
   * opened or clicked receipt). Only learners with `learnsFunnel` take these;
   * every other learner skips them, having learned the same rewards already.
   */
  readonly funnel?: FunnelEvidence;
}

/**
 * An example's importance weight: 1 unless set. Refused when negative or not
 * finite: one such update corrupts a learner's statistics for good.
 */
export function importanceWeight(example: Pick<LearningExample, 'weight'>): number {
  const w = example.weight ?? 1;
  if (!(w >= 0 && Number.isFinite(w))) throw invalidArgument('weight', `importance weight must be finite and >= 0, got ${w}`);
  return w;
}

/** Per-candidate estimates written by `Learner.score`. */
export interface ScoreBuffers {
  /** Estimated expected reward per candidate. */
  readonly mean: Float64Array;
  /** Posterior standard deviation of that estimate (0 when the learner has none). */
  readonly width: Float64Array;
}

/** What `Learner.explain` returns: the features that moved a score most. */
export interface Contribution {
  readonly feature: string;
  readonly contribution: number;
}

/**
 * A learner estimates expected reward per (context, action) and learns from
 * examples. It owns its feature encoding (vocabulary, online scaling), because
 * that state must stay consistent with its statistics.
 *
 * Hot path contract: `prepare` runs once per decision and `score` once per
 * decision over all candidates, writing into caller-owned buffers, so no
 * per-candidate allocation is needed.
 */
export interface Learner<Prepared = unknown> {
  /** Learner kind, e.g. "bayes-linear". */
  readonly kind: string;
  /** Number of examples applied: the model version. */
  readonly updates: number;
  /**
   * Version of anything besides the online statistics that shapes scores
   * (neural-linear: the network), logged with decisions; absent when none.
   */
  readonly modelTag?: string | undefined;
  /** Encode the context once per decision. */
  prepare(context: Features): Prepared;
  /** Estimate mean reward and its uncertainty for every action. */
  score(prepared: Prepared, actions: readonly ActionRef[], out: ScoreBuffers): void;
  /** Apply one example. */
  learn(example: LearningExample): void;
  /**
   * Remove an example applied earlier, exactly. Returns false when the
   * learner cannot (e.g. SGD learners, or forgetting factor < 1).
   */
  unlearn(example: LearningExample): boolean;
  /** The features that contributed most to an action's mean score. */
  explain(prepared: Prepared, action: ActionRef, top: number): Contribution[];
  /** Serialisable state (JSON-safe) for snapshots. */
  snapshot(): LearnerSnapshot;
  /** True when the learner takes funnel evidence (LearningExample.funnel); others never see it. */
  readonly learnsFunnel?: boolean;
  /** Release background resources (neural-linear's training worker). */
  close?(): Promise<void>;
}

export interface LearnerSnapshot {
  readonly kind: string;
  readonly updates: number;
  readonly state: unknown;
}
