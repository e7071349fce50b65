import type { Candidate, Decision } from '../domain/decision.js';
import { EMPTY_FEATURES, type Features } from '../domain/features.js';
import type { CombineRule, DecisionRecord } from '../store/store.js';
import type { DecisionLine } from './log-entry.js';

/**
 * Pipeline step 7, what is kept: the record the store holds for the
 * attribution window (what joining a reward and learning from it need),
 * and the decision-log line offline evaluation replays.
 */
export function decisionRecord(
  decision: Decision,
  expiresAt: number,
  context: Features,
  chosen: readonly Candidate[],
  combine: CombineRule,
): DecisionRecord {
  return {
    decisionId: decision.decisionId,
    customerId: decision.customerId,
    policy: decision.policy,
    at: decision.at,
    expiresAt,
    context,
    choices: decision.choices.map((c, i) => ({
      actionId: c.actionId,
      channel: c.channel,
      messageId: c.messageId,
      cost: chosen[i]?.cost ?? 0,
      probability: c.probability,
      features: chosen[i]?.features ?? EMPTY_FEATURES,
    })),
    holdout: decision.holdout,
    learn: chosen.length > 0,
    combine,
  };
}

/** A decision the policy made (neither forced nor holdout), with what it was made from. */
export interface MadeDecision {
  readonly decision: Decision;
  readonly trigger: string;
  readonly context: Features;
  readonly eligible: readonly Candidate[];
  readonly chosen: readonly Candidate[];
  /** Per eligible candidate: its probability and its score. */
  readonly pmf: Float64Array;
  readonly mean: Float64Array;
}

/** What every decision-log line says of the decision itself; the candidates are the caller's. */
function logLine(decision: Decision, trigger: string, context: Features, candidates: DecisionLine['candidates']): DecisionLine {
  return {
    type: 'decision',
    decisionId: decision.decisionId,
    customerId: decision.customerId,
    policy: decision.policy,
    modelVersion: decision.modelVersion,
    mode: 'online',
    at: decision.at,
    trigger,
    context,
    candidates,
    chosen: decision.choices.map((c) => c.actionId),
    probabilities: decision.choices.map((c) => c.probability),
    holdout: decision.holdout,
  };
}

/** The log line of a made decision: every eligible candidate with its probability and score. */
export function decisionLine({ decision, trigger, context, eligible, pmf, mean }: MadeDecision): DecisionLine {
  return logLine(
    decision,
    trigger,
    context,
    eligible.map((c, i) => ({
      id: c.id,
      channel: c.channel,
      features: c.features,
      probability: pmf[i] as number,
      score: mean[i] as number,
    })),
  );
}

/**
 * The log line of a control-holdout decision: nothing was scored or sent,
 * but uplift needs the holdout's outcomes (conversions reported through
 * Reward) next to the treated group's, so the decision is logged with no
 * candidates (and holdout = true). Off-policy readers skip it (it has no
 * propensity over candidates).
 */
export function holdoutLine(decision: Decision, trigger: string, context: Features): DecisionLine {
  return logLine(decision, trigger, context, []);
}
