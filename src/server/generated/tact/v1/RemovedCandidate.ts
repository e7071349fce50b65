// Original file: proto/tact/v1/tact.proto


/**
 * explain=true only: a candidate the rules removed, and why.
 */
export interface RemovedCandidate {
  'action_id'?: (string);
  /**
   * Rule name: "sends_stopped" (the fleet's Redis lost data; see
   * docs/operations.md), "consent", "reachability", "service_ticket",
   * "suppression", "fatigue", "quiet_hours" or "frequency_cap". The first
   * rule that removed the candidate is named.
   */
  'rule'?: (string);
  /**
   * Human-readable reason, e.g. "sms: 1 send in the last 24h, cap 1".
   */
  'reason'?: (string);
}

/**
 * explain=true only: a candidate the rules removed, and why.
 */
export interface RemovedCandidate__Output {
  'action_id': (string);
  /**
   * Rule name: "sends_stopped" (the fleet's Redis lost data; see
   * docs/operations.md), "consent", "reachability", "service_ticket",
   * "suppression", "fatigue", "quiet_hours" or "frequency_cap". The first
   * rule that removed the candidate is named.
   */
  'rule': (string);
  /**
   * Human-readable reason, e.g. "sms: 1 send in the last 24h, cap 1".
   */
  'reason': (string);
}
