// Original file: proto/tact/v1/tact.proto


export interface RecordEventResponse {
}

export interface RecordEventResponse__Output {
}
