// Original file: proto/tact/v1/tact.proto

import type { Features as _tact_v1_Features, Features__Output as _tact_v1_Features__Output } from '../../tact/v1/Features.js';

/**
 * A client-supplied candidate action.
 */
export interface Candidate {
  /**
   * Unique within the request; also a feature of its own, so each id gets
   * its own model even when the candidate carries no features.
   */
  'id'?: (string);
  /**
   * Channel the action would go out on (email, sms, push, ...). May be empty,
   * e.g. for a client's own no-send candidate.
   */
  'channel'?: (string);
  /**
   * Action features (category, discount, ...).
   */
  'features'?: (_tact_v1_Features | null);
}

/**
 * A client-supplied candidate action.
 */
export interface Candidate__Output {
  /**
   * Unique within the request; also a feature of its own, so each id gets
   * its own model even when the candidate carries no features.
   */
  'id': (string);
  /**
   * Channel the action would go out on (email, sms, push, ...). May be empty,
   * e.g. for a client's own no-send candidate.
   */
  'channel': (string);
  /**
   * Action features (category, discount, ...).
   */
  'features': (_tact_v1_Features__Output | null);
}
