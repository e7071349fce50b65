// Original file: proto/tact/v1/tact.proto


export interface FeatureContribution {
  'feature'?: (string);
  'contribution'?: (number | string);
}

export interface FeatureContribution__Output {
  'feature': (string);
  'contribution': (number);
}
