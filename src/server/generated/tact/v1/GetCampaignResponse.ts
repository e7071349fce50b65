// Original file: proto/tact/v1/tact.proto

import type { Campaign as _tact_v1_Campaign, Campaign__Output as _tact_v1_Campaign__Output } from '../../tact/v1/Campaign.js';

export interface GetCampaignResponse {
  'campaign'?: (_tact_v1_Campaign | null);
}

export interface GetCampaignResponse__Output {
  'campaign': (_tact_v1_Campaign__Output | null);
}
