// Original file: proto/tact/v1/tact.proto


export interface SetConsentRequest {
  /**
   * Required.
   */
  'customer_id'?: (string);
  /**
   * Per-channel consent; channels not listed keep their previous value.
   * A channel never answered counts as no on opt-in channels (catalog
   * `consent: opt_in`, e.g. sms) and as yes on opt-out channels. An explicit
   * false blocks every message on the channel, service messages too.
   */
  'channels'?: ({[key: string]: boolean});
  /**
   * Opt-out of all marketing (service messages still allowed). Unset keeps
   * the previous value.
   */
  'opt_out'?: (boolean);
  /**
   * Preferred channel, used as a feature. Empty keeps the previous value.
   */
  'preferred_channel'?: (string);
  /**
   * IANA time zone, e.g. "Europe/Berlin"; used for quiet hours and local
   * send slots. Empty keeps the previous value (UTC when never set).
   */
  'time_zone'?: (string);
  /**
   * Channels the customer cannot be reached on from now (no app: "push").
   */
  'unreachable_channels'?: (string)[];
  /**
   * Channels the customer can be reached on again (the app was installed).
   */
  'reachable_channels'?: (string)[];
  '_opt_out'?: "opt_out";
}

export interface SetConsentRequest__Output {
  /**
   * Required.
   */
  'customer_id': (string);
  /**
   * Per-channel consent; channels not listed keep their previous value.
   * A channel never answered counts as no on opt-in channels (catalog
   * `consent: opt_in`, e.g. sms) and as yes on opt-out channels. An explicit
   * false blocks every message on the channel, service messages too.
   */
  'channels': ({[key: string]: boolean});
  /**
   * Opt-out of all marketing (service messages still allowed). Unset keeps
   * the previous value.
   */
  'opt_out'?: (boolean);
  /**
   * Preferred channel, used as a feature. Empty keeps the previous value.
   */
  'preferred_channel': (string);
  /**
   * IANA time zone, e.g. "Europe/Berlin"; used for quiet hours and local
   * send slots. Empty keeps the previous value (UTC when never set).
   */
  'time_zone': (string);
  /**
   * Channels the customer cannot be reached on from now (no app: "push").
   */
  'unreachable_channels': (string)[];
  /**
   * Channels the customer can be reached on again (the app was installed).
   */
  'reachable_channels': (string)[];
  '_opt_out'?: "opt_out";
}
