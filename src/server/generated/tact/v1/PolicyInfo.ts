// Original file: proto/tact/v1/tact.proto

import type { LiveEstimate as _tact_v1_LiveEstimate, LiveEstimate__Output as _tact_v1_LiveEstimate__Output } from '../../tact/v1/LiveEstimate.js';

export interface PolicyInfo {
  'name'?: (string);
  /**
   * Model version as logged with decisions ("name@updates").
   */
  'model_version'?: (string);
  /**
   * Learner kind, e.g. "bayes-linear".
   */
  'learner'?: (string);
  /**
   * Exploration kind, e.g. "ucb", "squarecb".
   */
  'exploration'?: (string);
  /**
   * True when the policy scores alongside the champion without serving.
   */
  'shadow'?: (boolean);
  /**
   * Shadows only: the live estimate of the policy's value from the
   * champion's decisions (rewards net of channel cost), absent otherwise.
   */
  'live'?: (_tact_v1_LiveEstimate | null);
}

export interface PolicyInfo__Output {
  'name': (string);
  /**
   * Model version as logged with decisions ("name@updates").
   */
  'model_version': (string);
  /**
   * Learner kind, e.g. "bayes-linear".
   */
  'learner': (string);
  /**
   * Exploration kind, e.g. "ucb", "squarecb".
   */
  'exploration': (string);
  /**
   * True when the policy scores alongside the champion without serving.
   */
  'shadow': (boolean);
  /**
   * Shadows only: the live estimate of the policy's value from the
   * champion's decisions (rewards net of channel cost), absent otherwise.
   */
  'live': (_tact_v1_LiveEstimate__Output | null);
}
