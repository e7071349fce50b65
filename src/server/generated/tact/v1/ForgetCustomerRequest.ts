// Original file: proto/tact/v1/tact.proto


export interface ForgetCustomerRequest {
  /**
   * Required.
   */
  'customer_id'?: (string);
}

export interface ForgetCustomerRequest__Output {
  /**
   * Required.
   */
  'customer_id': (string);
}
