// Original file: proto/tact/v1/tact.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { CampaignBudgets as _tact_v1_CampaignBudgets, CampaignBudgets__Output as _tact_v1_CampaignBudgets__Output } from '../../tact/v1/CampaignBudgets.js';

export interface StartCampaignRequest {
  /**
   * Required: 1-64 letters, digits, "_", "-", ".".
   */
  'campaign_id'?: (string);
  /**
   * Required: a catalog segment id.
   */
  'segment'?: (string);
  /**
   * Required: the catalog trigger whose messages are the candidates.
   */
  'trigger'?: (string);
  /**
   * Policy to decide with; empty: the default policy.
   */
  'policy'?: (string);
  /**
   * Members are decided within [start_at, end_at). Default: now, and 7 days
   * after start_at. At most 366 days.
   */
  'start_at'?: (_google_protobuf_Timestamp | null);
  'end_at'?: (_google_protobuf_Timestamp | null);
  'budgets'?: (_tact_v1_CampaignBudgets | null);
  /**
   * Decisions per second per replica, so online Decide latency holds while
   * the campaign runs; 0: the default (50).
   */
  'rate_per_second'?: (number | string);
  /**
   * Least probability with which any member is admitted whatever its score,
   * so a logged campaign can evaluate policies that send elsewhere; 0: the
   * default (0.05).
   */
  'admit_floor'?: (number | string);
}

export interface StartCampaignRequest__Output {
  /**
   * Required: 1-64 letters, digits, "_", "-", ".".
   */
  'campaign_id': (string);
  /**
   * Required: a catalog segment id.
   */
  'segment': (string);
  /**
   * Required: the catalog trigger whose messages are the candidates.
   */
  'trigger': (string);
  /**
   * Policy to decide with; empty: the default policy.
   */
  'policy': (string);
  /**
   * Members are decided within [start_at, end_at). Default: now, and 7 days
   * after start_at. At most 366 days.
   */
  'start_at': (_google_protobuf_Timestamp__Output | null);
  'end_at': (_google_protobuf_Timestamp__Output | null);
  'budgets': (_tact_v1_CampaignBudgets__Output | null);
  /**
   * Decisions per second per replica, so online Decide latency holds while
   * the campaign runs; 0: the default (50).
   */
  'rate_per_second': (number);
  /**
   * Least probability with which any member is admitted whatever its score,
   * so a logged campaign can evaluate policies that send elsewhere; 0: the
   * default (0.05).
   */
  'admit_floor': (number);
}
