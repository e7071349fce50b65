// Original file: proto/tact/v1/tact.proto

import type { Long } from '@grpc/proto-loader';

export interface ForgetCustomerResponse {
  /**
   * Learning updates of the customer sent to every replica to be removed
   * (exactly where the learner supports it; others keep them).
   */
  'updates_removed'?: (number | string | Long);
  /**
   * Decisions erased from the decision log.
   */
  'decisions_erased'?: (number | string | Long);
}

export interface ForgetCustomerResponse__Output {
  /**
   * Learning updates of the customer sent to every replica to be removed
   * (exactly where the learner supports it; others keep them).
   */
  'updates_removed': (number);
  /**
   * Decisions erased from the decision log.
   */
  'decisions_erased': (number);
}
