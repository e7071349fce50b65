// Original file: proto/tact/v1/tact.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { CampaignBudgets as _tact_v1_CampaignBudgets, CampaignBudgets__Output as _tact_v1_CampaignBudgets__Output } from '../../tact/v1/CampaignBudgets.js';
import type { CampaignProgress as _tact_v1_CampaignProgress, CampaignProgress__Output as _tact_v1_CampaignProgress__Output } from '../../tact/v1/CampaignProgress.js';

/**
 * A campaign as started, and its progress.
 */
export interface Campaign {
  'campaign_id'?: (string);
  'segment'?: (string);
  'trigger'?: (string);
  /**
   * Empty: the default policy.
   */
  'policy'?: (string);
  'start_at'?: (_google_protobuf_Timestamp | null);
  'end_at'?: (_google_protobuf_Timestamp | null);
  'budgets'?: (_tact_v1_CampaignBudgets | null);
  'rate_per_second'?: (number | string);
  'admit_floor'?: (number | string);
  'progress'?: (_tact_v1_CampaignProgress | null);
}

/**
 * A campaign as started, and its progress.
 */
export interface Campaign__Output {
  'campaign_id': (string);
  'segment': (string);
  'trigger': (string);
  /**
   * Empty: the default policy.
   */
  'policy': (string);
  'start_at': (_google_protobuf_Timestamp__Output | null);
  'end_at': (_google_protobuf_Timestamp__Output | null);
  'budgets': (_tact_v1_CampaignBudgets__Output | null);
  'rate_per_second': (number);
  'admit_floor': (number);
  'progress': (_tact_v1_CampaignProgress__Output | null);
}
