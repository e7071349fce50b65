// Original file: proto/tact/v1/tact.proto

import type { PolicyInfo as _tact_v1_PolicyInfo, PolicyInfo__Output as _tact_v1_PolicyInfo__Output } from '../../tact/v1/PolicyInfo.js';

export interface ListPoliciesResponse {
  /**
   * The current champion's name.
   */
  'champion'?: (string);
  /**
   * Earlier champions, oldest first (the last one is what Rollback returns to).
   */
  'history'?: (string)[];
  'policies'?: (_tact_v1_PolicyInfo)[];
}

export interface ListPoliciesResponse__Output {
  /**
   * The current champion's name.
   */
  'champion': (string);
  /**
   * Earlier champions, oldest first (the last one is what Rollback returns to).
   */
  'history': (string)[];
  'policies': (_tact_v1_PolicyInfo__Output)[];
}
