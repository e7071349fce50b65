// Original file: proto/tact/v1/tact.proto

import type { Features as _tact_v1_Features, Features__Output as _tact_v1_Features__Output } from '../../tact/v1/Features.js';
import type { Candidate as _tact_v1_Candidate, Candidate__Output as _tact_v1_Candidate__Output } from '../../tact/v1/Candidate.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface DecideRequest {
  /**
   * Required. The customer the decision is for.
   */
  'customer_id'?: (string);
  /**
   * Required. The trigger that asks for a decision (cart_abandoned, ...).
   * With catalog candidates it must be a trigger of the catalog; with client
   * candidates any name is accepted and used as context.
   */
  'trigger'?: (string);
  /**
   * Trigger context (and any customer attributes the caller knows).
   */
  'context'?: (_tact_v1_Features | null);
  /**
   * Optional. When empty, candidates come from the catalog for the trigger
   * (message x allowed channel x send-time slot, plus no-send). When given,
   * the server chooses among exactly these.
   */
  'candidates'?: (_tact_v1_Candidate)[];
  /**
   * How many actions to return (at most one per channel). 0 means 1.
   */
  'top_k'?: (number);
  /**
   * Policy name; empty selects the default policy.
   */
  'policy'?: (string);
  /**
   * Optional idempotency key: the same request_id returns the same decision.
   */
  'request_id'?: (string);
  /**
   * Decision time; default now. Rules (quiet hours, caps) use it, so
   * simulations can run on their own clock.
   */
  'at'?: (_google_protobuf_Timestamp | null);
  /**
   * Return removed candidates with their rule and the top features per choice.
   */
  'explain'?: (boolean);
  /**
   * Hand the chosen send(s) to Tact's delivery (the channel's sink: a
   * Standard Webhooks endpoint or a Redis Stream) at their send_at, with the
   * contact rules checked again when each is due. False: the caller delivers.
   * No-send and holdout answers deliver nothing.
   */
  'deliver'?: (boolean);
}

export interface DecideRequest__Output {
  /**
   * Required. The customer the decision is for.
   */
  'customer_id': (string);
  /**
   * Required. The trigger that asks for a decision (cart_abandoned, ...).
   * With catalog candidates it must be a trigger of the catalog; with client
   * candidates any name is accepted and used as context.
   */
  'trigger': (string);
  /**
   * Trigger context (and any customer attributes the caller knows).
   */
  'context': (_tact_v1_Features__Output | null);
  /**
   * Optional. When empty, candidates come from the catalog for the trigger
   * (message x allowed channel x send-time slot, plus no-send). When given,
   * the server chooses among exactly these.
   */
  'candidates': (_tact_v1_Candidate__Output)[];
  /**
   * How many actions to return (at most one per channel). 0 means 1.
   */
  'top_k': (number);
  /**
   * Policy name; empty selects the default policy.
   */
  'policy': (string);
  /**
   * Optional idempotency key: the same request_id returns the same decision.
   */
  'request_id': (string);
  /**
   * Decision time; default now. Rules (quiet hours, caps) use it, so
   * simulations can run on their own clock.
   */
  'at': (_google_protobuf_Timestamp__Output | null);
  /**
   * Return removed candidates with their rule and the top features per choice.
   */
  'explain': (boolean);
  /**
   * Hand the chosen send(s) to Tact's delivery (the channel's sink: a
   * Standard Webhooks endpoint or a Redis Stream) at their send_at, with the
   * contact rules checked again when each is due. False: the caller delivers.
   * No-send and holdout answers deliver nothing.
   */
  'deliver': (boolean);
}
