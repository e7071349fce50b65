// Original file: proto/tact/v1/tact.proto


/**
 * Features as clients send them: raw values, unscaled. The server scales
 * numeric features online and hashes/indexes categorical ones.
 */
export interface Features {
  /**
   * Numeric features by name, e.g. {"age": 31, "basket_value": 89.9}.
   * Must be finite (NaN and +-Infinity are rejected).
   */
  'numeric'?: ({[key: string]: number | string});
  /**
   * Categorical features by name, e.g. {"segment": "vip", "device": "ios"}.
   */
  'categorical'?: ({[key: string]: string});
}

/**
 * Features as clients send them: raw values, unscaled. The server scales
 * numeric features online and hashes/indexes categorical ones.
 */
export interface Features__Output {
  /**
   * Numeric features by name, e.g. {"age": 31, "basket_value": 89.9}.
   * Must be finite (NaN and +-Infinity are rejected).
   */
  'numeric': ({[key: string]: number});
  /**
   * Categorical features by name, e.g. {"segment": "vip", "device": "ios"}.
   */
  'categorical': ({[key: string]: string});
}
