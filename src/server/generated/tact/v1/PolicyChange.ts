// Original file: proto/tact/v1/tact.proto


/**
 * The champion before and after a Promote or Rollback.
 */
export interface PolicyChange {
  /**
   * Champion before the call.
   */
  'previous'?: (string);
  /**
   * Champion after the call.
   */
  'current'?: (string);
  /**
   * Earlier champions Rollback would return to, oldest first.
   */
  'history'?: (string)[];
}

/**
 * The champion before and after a Promote or Rollback.
 */
export interface PolicyChange__Output {
  /**
   * Champion before the call.
   */
  'previous': (string);
  /**
   * Champion after the call.
   */
  'current': (string);
  /**
   * Earlier champions Rollback would return to, oldest first.
   */
  'history': (string)[];
}
