// Original file: proto/tact/v1/tact.proto


export interface SetConsentRequest {
  /**
   * Required.
   */
  'customer_id'?: (string);
  /**
   * Per-channel consent; channels not listed keep their previous value.
   */
  'channels'?: ({[key: string]: boolean});
  /**
   * Opt-out of all marketing (service messages still allowed).
   */
  'opt_out'?: (boolean);
  /**
   * Preferred channel, used as a feature.
   */
  'preferred_channel'?: (string);
  /**
   * IANA time zone, e.g. "Europe/Berlin"; used for quiet hours.
   */
  'time_zone'?: (string);
  /**
   * Channels the customer cannot be reached on (no app installed: "push").
   */
  'unreachable_channels'?: (string)[];
}

export interface SetConsentRequest__Output {
  /**
   * Required.
   */
  'customer_id': (string);
  /**
   * Per-channel consent; channels not listed keep their previous value.
   */
  'channels': ({[key: string]: boolean});
  /**
   * Opt-out of all marketing (service messages still allowed).
   */
  'opt_out': (boolean);
  /**
   * Preferred channel, used as a feature.
   */
  'preferred_channel': (string);
  /**
   * IANA time zone, e.g. "Europe/Berlin"; used for quiet hours.
   */
  'time_zone': (string);
  /**
   * Channels the customer cannot be reached on (no app installed: "push").
   */
  'unreachable_channels': (string)[];
}
