// Original file: proto/tact/v1/tact.proto

/**
 * Where a campaign is.
 */
export const CampaignPhase = {
  CAMPAIGN_PHASE_UNSPECIFIED: 'CAMPAIGN_PHASE_UNSPECIFIED',
  /**
   * Estimating each member's uplift over no-send.
   */
  CAMPAIGN_PHASE_SCORING: 'CAMPAIGN_PHASE_SCORING',
  /**
   * Deciding members, highest estimate first.
   */
  CAMPAIGN_PHASE_SENDING: 'CAMPAIGN_PHASE_SENDING',
  /**
   * Finished: see done_reason.
   */
  CAMPAIGN_PHASE_DONE: 'CAMPAIGN_PHASE_DONE',
} as const;

/**
 * Where a campaign is.
 */
export type CampaignPhase =
  | 'CAMPAIGN_PHASE_UNSPECIFIED'
  | 0
  /**
   * Estimating each member's uplift over no-send.
   */
  | 'CAMPAIGN_PHASE_SCORING'
  | 1
  /**
   * Deciding members, highest estimate first.
   */
  | 'CAMPAIGN_PHASE_SENDING'
  | 2
  /**
   * Finished: see done_reason.
   */
  | 'CAMPAIGN_PHASE_DONE'
  | 3

/**
 * Where a campaign is.
 */
export type CampaignPhase__Output = typeof CampaignPhase[keyof typeof CampaignPhase]
