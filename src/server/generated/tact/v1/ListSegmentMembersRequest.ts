// Original file: proto/tact/v1/tact.proto


export interface ListSegmentMembersRequest {
  /**
   * Required: a catalog segment id.
   */
  'segment'?: (string);
  /**
   * Members per page, 1-1000; 0: 100.
   */
  'page_size'?: (number);
  /**
   * next_page_token of the previous page; empty: the first page.
   */
  'page_token'?: (string);
}

export interface ListSegmentMembersRequest__Output {
  /**
   * Required: a catalog segment id.
   */
  'segment': (string);
  /**
   * Members per page, 1-1000; 0: 100.
   */
  'page_size': (number);
  /**
   * next_page_token of the previous page; empty: the first page.
   */
  'page_token': (string);
}
