// Original file: proto/tact/v1/tact.proto


export interface SetConsentResponse {
}

export interface SetConsentResponse__Output {
}
