// Original file: proto/tact/v1/tact.proto


export interface ResumeCampaignRequest {
  /**
   * Required.
   */
  'campaign_id'?: (string);
}

export interface ResumeCampaignRequest__Output {
  /**
   * Required.
   */
  'campaign_id': (string);
}
