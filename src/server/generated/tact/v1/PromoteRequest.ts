// Original file: proto/tact/v1/tact.proto


export interface PromoteRequest {
  /**
   * Name of the policy to make the champion (as in the policies file).
   */
  'name'?: (string);
}

export interface PromoteRequest__Output {
  /**
   * Name of the policy to make the champion (as in the policies file).
   */
  'name': (string);
}
