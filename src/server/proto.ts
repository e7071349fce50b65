import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from '../core/paths.js';
import type { ProtoGrpcType } from './generated/tact.js';

export const TACT_PROTO = 'tact/v1/tact.proto';

/** Options matching the generated types (npm run proto:types). */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export function loadTactDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(TACT_PROTO, LOADER_OPTIONS);
}

export function loadTactProto(definition = loadTactDefinition()): ProtoGrpcType {
  return grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}
