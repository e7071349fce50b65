// Original file: proto/tact/v1/tact.proto

import type { Long } from '@grpc/proto-loader';

export interface ForgetCustomerResponse {
  /**
   * Learned updates removed from learners (exactly, where supported).
   */
  'updates_removed'?: (number | string | Long);
  /**
   * Decisions erased from the decision log.
   */
  'decisions_erased'?: (number | string | Long);
}

export interface ForgetCustomerResponse__Output {
  /**
   * Learned updates removed from learners (exactly, where supported).
   */
  'updates_removed': (number);
  /**
   * Decisions erased from the decision log.
   */
  'decisions_erased': (number);
}
