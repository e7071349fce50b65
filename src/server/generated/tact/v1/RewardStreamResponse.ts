// Original file: proto/tact/v1/tact.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The summary RewardStream returns when the client closes the stream.
 */
export interface RewardStreamResponse {
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

/**
 * The summary RewardStream returns when the client closes the stream.
 */
export interface RewardStreamResponse__Output {
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
