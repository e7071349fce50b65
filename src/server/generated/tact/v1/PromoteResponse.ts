// Original file: proto/tact/v1/tact.proto


/**
 * The champion before and after a Promote. The same fields as
 * RollbackResponse: one message per RPC lets either grow on its own.
 */
export interface PromoteResponse {
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
 * The champion before and after a Promote. The same fields as
 * RollbackResponse: one message per RPC lets either grow on its own.
 */
export interface PromoteResponse__Output {
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
