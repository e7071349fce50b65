// Original file: proto/tact/v1/tact.proto


export interface GetCampaignRequest {
  /**
   * Required.
   */
  'campaign_id'?: (string);
}

export interface GetCampaignRequest__Output {
  /**
   * Required.
   */
  'campaign_id': (string);
}
