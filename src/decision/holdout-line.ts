import type { Features } from '../domain/features.js';
import type { DecisionLine } from './log-entry.js';
import type { Decision } from '../domain/decision.js';

/**
 * The log line of a control-holdout decision: nothing was scored or sent,
 * but uplift needs the holdout's outcomes (conversions reported through
 * Reward) next to the treated group's, so the decision is logged with no
 * candidates and holdout = true. Off-policy readers skip it (it has no
 * propensity over candidates).
 */
export function holdoutLine(decision: Decision, trigger: string, context: Features): DecisionLine {
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
    candidates: [],
    chosen: decision.choices.map((c) => c.actionId),
    probabilities: decision.choices.map((c) => c.probability),
    holdout: true,
  };
}
