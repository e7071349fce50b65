// Original file: proto/tact/v1/tact.proto


export interface PauseCampaignRequest {
  /**
   * Required.
   */
  'campaign_id'?: (string);
}

export interface PauseCampaignRequest__Output {
  /**
   * Required.
   */
  'campaign_id': (string);
}
