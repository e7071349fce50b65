// Original file: proto/tact/v1/tact.proto


/**
 * explain=true only: a candidate the rules removed, and why.
 */
export interface RemovedCandidate {
  'action_id'?: (string);
  /**
   * Rule name, e.g. "consent", "frequency_cap", "quiet_hours".
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
   * Rule name, e.g. "consent", "frequency_cap", "quiet_hours".
   */
  'rule': (string);
  /**
   * Human-readable reason, e.g. "sms: 1 send in the last 24h, cap 1".
   */
  'reason': (string);
}
