// Original file: proto/tact/v1/tact.proto

import type { Long } from '@grpc/proto-loader';

export interface ListSegmentMembersResponse {
  /**
   * Customer ids in id order.
   */
  'customer_ids'?: (string)[];
  /**
   * Give it back for the next page; empty on the last page.
   */
  'next_page_token'?: (string);
  /**
   * Members of the segment now.
   */
  'total'?: (number | string | Long);
}

export interface ListSegmentMembersResponse__Output {
  /**
   * Customer ids in id order.
   */
  'customer_ids': (string)[];
  /**
   * Give it back for the next page; empty on the last page.
   */
  'next_page_token': (string);
  /**
   * Members of the segment now.
   */
  'total': (number);
}
