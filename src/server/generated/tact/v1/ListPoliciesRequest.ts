// Original file: proto/tact/v1/tact.proto


export interface ListPoliciesRequest {
}

export interface ListPoliciesRequest__Output {
}
