// Original file: proto/tact/v1/tact.proto


/**
 * Limits on what a campaign may spend; each holds exactly across replicas.
 */
export interface CampaignBudgets {
  /**
   * Sends per channel per UTC day (of the send's send_at); a channel not
   * listed is not limited. {"sms": 5000}.
   */
  'sends_per_day'?: ({[key: string]: number});
  /**
   * Total sending cost over the run, in the catalog's channel cost unit
   * (EUR); unset: not limited.
   */
  'total_cost'?: (number | string);
  '_total_cost'?: "total_cost";
}

/**
 * Limits on what a campaign may spend; each holds exactly across replicas.
 */
export interface CampaignBudgets__Output {
  /**
   * Sends per channel per UTC day (of the send's send_at); a channel not
   * listed is not limited. {"sms": 5000}.
   */
  'sends_per_day': ({[key: string]: number});
  /**
   * Total sending cost over the run, in the catalog's channel cost unit
   * (EUR); unset: not limited.
   */
  'total_cost'?: (number);
  '_total_cost'?: "total_cost";
}
