// Original file: proto/tact/v1/tact.proto


export interface RollbackRequest {
}

export interface RollbackRequest__Output {
}
