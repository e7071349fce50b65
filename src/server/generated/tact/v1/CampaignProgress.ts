// Original file: proto/tact/v1/tact.proto

import type { CampaignPhase as _tact_v1_CampaignPhase, CampaignPhase__Output as _tact_v1_CampaignPhase__Output } from '../../tact/v1/CampaignPhase.js';
import type { Long } from '@grpc/proto-loader';

export interface CampaignProgress {
  'phase'?: (_tact_v1_CampaignPhase);
  'paused'?: (boolean);
  /**
   * When done: "audience exhausted", "window ended", "budget spent", "audience empty".
   */
  'done_reason'?: (string);
  /**
   * Members in the snapshot taken at start.
   */
  'audience'?: (number | string | Long);
  /**
   * Members whose uplift was estimated.
   */
  'scored'?: (number | string | Long);
  /**
   * Members the sending phase reached, admitted or not.
   */
  'seen'?: (number | string | Long);
  /**
   * Members admitted by their randomized threshold.
   */
  'admitted'?: (number | string | Long);
  /**
   * Members decided through the pipeline (each at most once).
   */
  'decided'?: (number | string | Long);
  /**
   * Sends decided per channel.
   */
  'sent_by_channel'?: ({[key: string]: number | string | Long});
  /**
   * Sending cost recorded against total_cost.
   */
  'cost_used'?: (number | string);
  /**
   * Members whose decision failed (counted, not retried).
   */
  'errors'?: (number | string | Long);
  'last_error'?: (string);
  /**
   * Centre of the randomized threshold (estimated uplift at the budget's
   * rank); unset before the sending phase or when the budget covers everyone.
   */
  'threshold'?: (number | string);
  '_threshold'?: "threshold";
}

export interface CampaignProgress__Output {
  'phase': (_tact_v1_CampaignPhase__Output);
  'paused': (boolean);
  /**
   * When done: "audience exhausted", "window ended", "budget spent", "audience empty".
   */
  'done_reason': (string);
  /**
   * Members in the snapshot taken at start.
   */
  'audience': (number);
  /**
   * Members whose uplift was estimated.
   */
  'scored': (number);
  /**
   * Members the sending phase reached, admitted or not.
   */
  'seen': (number);
  /**
   * Members admitted by their randomized threshold.
   */
  'admitted': (number);
  /**
   * Members decided through the pipeline (each at most once).
   */
  'decided': (number);
  /**
   * Sends decided per channel.
   */
  'sent_by_channel': ({[key: string]: number});
  /**
   * Sending cost recorded against total_cost.
   */
  'cost_used': (number);
  /**
   * Members whose decision failed (counted, not retried).
   */
  'errors': (number);
  'last_error': (string);
  /**
   * Centre of the randomized threshold (estimated uplift at the budget's
   * rank); unset before the sending phase or when the budget covers everyone.
   */
  'threshold'?: (number);
  '_threshold'?: "threshold";
}
