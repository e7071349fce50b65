// Original file: proto/tact/v1/tact.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { FeatureContribution as _tact_v1_FeatureContribution, FeatureContribution__Output as _tact_v1_FeatureContribution__Output } from '../../tact/v1/FeatureContribution.js';

export interface Choice {
  /**
   * The chosen candidate's id (catalog actions: "message:channel:slot").
   */
  'action_id'?: (string);
  /**
   * Catalog message id; empty for client candidates and for no-send.
   */
  'message_id'?: (string);
  /**
   * Channel to send on; empty for no-send.
   */
  'channel'?: (string);
  /**
   * Probability with which this action was chosen at its rank (conditional
   * on the higher ranks), exactly as sampled: use it as the IPS propensity.
   */
  'probability'?: (number | string);
  /**
   * The learner's estimate of expected net reward (value minus channel cost).
   */
  'score'?: (number | string);
  /**
   * When to send. Unset means now.
   */
  'send_at'?: (_google_protobuf_Timestamp | null);
  /**
   * Send-time slot name from the catalog (e.g. "now", "evening").
   */
  'send_slot'?: (string);
  /**
   * True when this is the explicit no-send action.
   */
  'no_send'?: (boolean);
  /**
   * True when the exploration policy did not pick the highest-scoring action.
   */
  'explored'?: (boolean);
  /**
   * explain=true only: the features that contributed most to the score.
   */
  'top_features'?: (_tact_v1_FeatureContribution)[];
}

export interface Choice__Output {
  /**
   * The chosen candidate's id (catalog actions: "message:channel:slot").
   */
  'action_id': (string);
  /**
   * Catalog message id; empty for client candidates and for no-send.
   */
  'message_id': (string);
  /**
   * Channel to send on; empty for no-send.
   */
  'channel': (string);
  /**
   * Probability with which this action was chosen at its rank (conditional
   * on the higher ranks), exactly as sampled: use it as the IPS propensity.
   */
  'probability': (number);
  /**
   * The learner's estimate of expected net reward (value minus channel cost).
   */
  'score': (number);
  /**
   * When to send. Unset means now.
   */
  'send_at': (_google_protobuf_Timestamp__Output | null);
  /**
   * Send-time slot name from the catalog (e.g. "now", "evening").
   */
  'send_slot': (string);
  /**
   * True when this is the explicit no-send action.
   */
  'no_send': (boolean);
  /**
   * True when the exploration policy did not pick the highest-scoring action.
   */
  'explored': (boolean);
  /**
   * explain=true only: the features that contributed most to the score.
   */
  'top_features': (_tact_v1_FeatureContribution__Output)[];
}
