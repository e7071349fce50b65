// Original file: proto/tact/v1/tact.proto

import type { Long } from '@grpc/proto-loader';

export interface LiveEstimate {
  /**
   * Champion decisions whose rank-1 reward has arrived.
   */
  'rounds'?: (number | string | Long);
  /**
   * Self-normalised IPS estimate and its 95% normal (delta-method) interval.
   */
  'snips'?: (number | string);
  'snips_low'?: (number | string);
  'snips_high'?: (number | string);
  /**
   * Plain IPS estimate and its 95% normal interval.
   */
  'ips'?: (number | string);
  'ips_low'?: (number | string);
  'ips_high'?: (number | string);
  /**
   * Effective sample size of the importance weights, (sum w)^2 / sum w^2.
   */
  'ess'?: (number | string);
  /**
   * The champion's mean reward on the same decisions.
   */
  'champion_mean'?: (number | string);
}

export interface LiveEstimate__Output {
  /**
   * Champion decisions whose rank-1 reward has arrived.
   */
  'rounds': (number);
  /**
   * Self-normalised IPS estimate and its 95% normal (delta-method) interval.
   */
  'snips': (number);
  'snips_low': (number);
  'snips_high': (number);
  /**
   * Plain IPS estimate and its 95% normal interval.
   */
  'ips': (number);
  'ips_low': (number);
  'ips_high': (number);
  /**
   * Effective sample size of the importance weights, (sum w)^2 / sum w^2.
   */
  'ess': (number);
  /**
   * The champion's mean reward on the same decisions.
   */
  'champion_mean': (number);
}
