// Original file: proto/tact/v1/tact.proto


/**
 * The champion before and after a Rollback.
 */
export interface RollbackResponse {
  /**
   * Champion before the call.
   */
  'previous'?: (string);
  /**
   * Champion after the call (the one before the last Promote).
   */
  'current'?: (string);
  /**
   * Earlier champions a further Rollback would return to, oldest first.
   */
  'history'?: (string)[];
}

/**
 * The champion before and after a Rollback.
 */
export interface RollbackResponse__Output {
  /**
   * Champion before the call.
   */
  'previous': (string);
  /**
   * Champion after the call (the one before the last Promote).
   */
  'current': (string);
  /**
   * Earlier champions a further Rollback would return to, oldest first.
   */
  'history': (string)[];
}
