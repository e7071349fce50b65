// Original file: proto/tact/v1/tact.proto


export interface RewardRequest {
  /**
   * Required. From DecideResponse.decision_id.
   */
  'decision_id'?: (string);
  /**
   * Which choice the reward is for; empty means the first choice.
   */
  'action_id'?: (string);
  /**
   * Reward value, e.g. 1 for a click or the order value. Must be finite.
   */
  'value'?: (number | string);
  /**
   * Optional idempotency key: the same event_id twice counts once.
   */
  'event_id'?: (string);
}

export interface RewardRequest__Output {
  /**
   * Required. From DecideResponse.decision_id.
   */
  'decision_id': (string);
  /**
   * Which choice the reward is for; empty means the first choice.
   */
  'action_id': (string);
  /**
   * Reward value, e.g. 1 for a click or the order value. Must be finite.
   */
  'value': (number);
  /**
   * Optional idempotency key: the same event_id twice counts once.
   */
  'event_id': (string);
}
