import type { Decision, Choice } from '../domain/decision.js';
import type { RewardStatus } from '../feedback/reward-joiner.js';
import type { DecideResponse } from './generated/tact/v1/DecideResponse.js';
import type { Choice as ProtoChoice } from './generated/tact/v1/Choice.js';
import type { RewardResponse } from './generated/tact/v1/RewardResponse.js';
import type { Timestamp } from './generated/google/protobuf/Timestamp.js';

export function toTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

function toProtoChoice(c: Choice): ProtoChoice {
  return {
    action_id: c.actionId,
    message_id: c.messageId,
    channel: c.channel,
    probability: c.probability,
    score: c.score,
    // A send at the epoch (a backfilled Decide at time 0) still has its time: null means no send.
    send_at: c.noSend ? null : toTimestamp(c.sendAt),
    send_slot: c.sendSlot,
    no_send: c.noSend,
    explored: c.explored,
    top_features: c.topFeatures ? c.topFeatures.map((f) => ({ feature: f.feature, contribution: f.contribution })) : [],
  };
}

export function toDecideResponse(d: Decision): DecideResponse {
  return {
    decision_id: d.decisionId,
    choices: d.choices.map(toProtoChoice),
    policy: d.policy,
    model_version: d.modelVersion,
    removed: d.removed.map((r) => ({ action_id: r.candidateId, rule: r.rule, reason: r.reason })),
    holdout: d.holdout,
  };
}

const STATUS_NAME: Record<RewardStatus, RewardResponse['status']> = {
  joined: 'JOINED',
  duplicate: 'DUPLICATE',
  expired: 'EXPIRED',
  ignored: 'IGNORED',
};

export function toRewardResponse(s: RewardStatus): RewardResponse {
  return { status: STATUS_NAME[s] };
}
