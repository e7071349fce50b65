import type { DecisionRecord, JoinResult, LearningUpdate, LoggedChoice } from './store.js';

/**
 * The learning update of one chosen action of a decision: the target is the
 * reward net of the channel's cost, because sending is not free.
 */
export function learningUpdateOf(record: DecisionRecord, choice: LoggedChoice, reward: number): LearningUpdate {
  return {
    policy: record.policy,
    customerId: record.customerId,
    decisionId: record.decisionId,
    context: record.context,
    actionId: choice.actionId,
    actionFeatures: choice.features,
    reward: reward - choice.cost,
  };
}

/**
 * What a joined reward teaches: the action's new total, correcting its
 * previous one when rewards are summed. Undefined when the decision is not
 * learned from (holdout, forced) or has no such choice. The joiner publishes
 * it as the reward is joined; the outage buffer, when a buffered join lands.
 */
export function joinedUpdate(result: Extract<JoinResult, { status: 'joined' }>): LearningUpdate | undefined {
  const { record } = result;
  if (!record.learn) return undefined;
  const choice = record.choices.find((c) => c.actionId === result.actionId);
  if (!choice) return undefined;
  return {
    ...learningUpdateOf(record, choice, result.total),
    ...(result.previousTotal === undefined ? {} : { previousReward: result.previousTotal - choice.cost }),
  };
}
