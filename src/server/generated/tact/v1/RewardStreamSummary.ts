// Original file: proto/tact/v1/tact.proto

import type { Long } from '@grpc/proto-loader';

export interface RewardStreamSummary {
  'received'?: (number | string | Long);
  'joined'?: (number | string | Long);
  'duplicate'?: (number | string | Long);
  'expired'?: (number | string | Long);
  'ignored'?: (number | string | Long);
  /**
   * Rejected as invalid or unknown; see first_error.
   */
  'rejected'?: (number | string | Long);
  'first_error'?: (string);
}

export interface RewardStreamSummary__Output {
  'received': (number);
  'joined': (number);
  'duplicate': (number);
  'expired': (number);
  'ignored': (number);
  /**
   * Rejected as invalid or unknown; see first_error.
   */
  'rejected': (number);
  'first_error': (string);
}
