// Original file: proto/tact/v1/tact.proto

import type { Choice as _tact_v1_Choice, Choice__Output as _tact_v1_Choice__Output } from '../../tact/v1/Choice.js';
import type { RemovedCandidate as _tact_v1_RemovedCandidate, RemovedCandidate__Output as _tact_v1_RemovedCandidate__Output } from '../../tact/v1/RemovedCandidate.js';

export interface DecideResponse {
  /**
   * Join key for Reward. Unique per decision.
   */
  'decision_id'?: (string);
  /**
   * Chosen actions, best rank first. A no-send decision has one choice with
   * no_send = true.
   */
  'choices'?: (_tact_v1_Choice)[];
  /**
   * The policy that decided.
   */
  'policy'?: (string);
  /**
   * Version of the policy's model at decision time (updates applied).
   */
  'model_version'?: (string);
  /**
   * Candidates the rules removed, with rule and reason: all of them when
   * explain=true; when the rules left nothing to send (a forced no-send),
   * the first removal of each rule, as the reasons for the no-send.
   */
  'removed'?: (_tact_v1_RemovedCandidate)[];
  /**
   * True when the customer is in the policy's control holdout.
   */
  'holdout'?: (boolean);
}

export interface DecideResponse__Output {
  /**
   * Join key for Reward. Unique per decision.
   */
  'decision_id': (string);
  /**
   * Chosen actions, best rank first. A no-send decision has one choice with
   * no_send = true.
   */
  'choices': (_tact_v1_Choice__Output)[];
  /**
   * The policy that decided.
   */
  'policy': (string);
  /**
   * Version of the policy's model at decision time (updates applied).
   */
  'model_version': (string);
  /**
   * Candidates the rules removed, with rule and reason: all of them when
   * explain=true; when the rules left nothing to send (a forced no-send),
   * the first removal of each rule, as the reasons for the no-send.
   */
  'removed': (_tact_v1_RemovedCandidate__Output)[];
  /**
   * True when the customer is in the policy's control holdout.
   */
  'holdout': (boolean);
}
