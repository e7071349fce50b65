import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { StoreUnavailableError, TactError } from '../../src/core/errors.js';
import { loadTactDefinition, loadTactProto } from '../../src/server/proto.js';
import type { TactStore } from '../../src/store/store.js';
import { runBuf } from '../support/buf.js';
import { grpcError, TestClient } from '../support/grpc-client.js';

// What a client in any language has: the published google/rpc protos (trimmed to
// the messages Tact sends; names and field numbers as published), not Tact's encoder.
const GOOGLE_RPC = protobuf.parse(`
syntax = "proto3";
package google.rpc;
message Any { string type_url = 1; bytes value = 2; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
message BadRequest {
  message FieldViolation { string field = 1; string description = 2; string reason = 3; }
  repeated FieldViolation field_violations = 1;
}
message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
message RetryInfo { Duration retry_delay = 1; }
`, { keepCase: true }).root;

interface Decoded {
  code: number;
  message: string;
  details: Record<string, Record<string, unknown>>;
}

/** Reads grpc-status-details-bin the way a client's generated google.rpc code does. */
function decodeDetails(err: grpc.ServiceError): Decoded {
  const [bin] = err.metadata.get('grpc-status-details-bin');
  if (!Buffer.isBuffer(bin)) throw new Error('no grpc-status-details-bin trailer');
  const s = GOOGLE_RPC.lookupType('google.rpc.Status').toObject(GOOGLE_RPC.lookupType('google.rpc.Status').decode(bin), { longs: Number }) as {
    code: number;
    message: string;
    details: { type_url: string; value: Uint8Array }[];
  };
  const details: Decoded['details'] = {};
  for (const any of s.details) {
    const name = any.type_url.replace('type.googleapis.com/', '');
    const type = GOOGLE_RPC.lookupType(name);
    details[name] = type.toObject(type.decode(any.value), { longs: Number, defaults: true });
  }
  return { code: s.code, message: s.message, details };
}

/** A store that fails for two marked customers, as a full buffer and a Redis outage would. */
function failingFor(store: TactStore): TactStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'recordEvent' || typeof value !== 'function') return value;
      return (customerId: string, ...rest: unknown[]) => {
        if (customerId === 'c-full') return Promise.reject(new TactError('resource_exhausted', 'write buffer is full'));
        if (customerId === 'c-down') return Promise.reject(new StoreUnavailableError('Redis is unavailable'));
        return (value as (...a: unknown[]) => unknown).call(target, customerId, ...rest);
      };
    },
  });
}

describe('rich error details at the gRPC edge (google.rpc.Status in grpc-status-details-bin)', () => {
  let running: RunningTact;
  let client: TestClient;
  let address: string;

  beforeAll(async () => {
    const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', adminListen: '127.0.0.1:0', logLevel: 'silent', seed: 5 });
    running = await serve(config, { wrapStore: failingFor });
    address = `127.0.0.1:${running.grpc.port}`;
    client = new TestClient(address);
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('INVALID_ARGUMENT: a readable message and a BadRequest field violation naming the field', async () => {
    const err = await grpcError(client.decide({ customer_id: '', trigger: 'cart_abandoned' }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^customer_id: /);
    const s = decodeDetails(err);
    expect(s.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(s.message).toBe(err.details);
    expect(s.details['google.rpc.BadRequest']).toEqual({
      field_violations: [{ field: 'customer_id', description: err.details.slice('customer_id: '.length), reason: expect.any(String) }],
    });
    expect(s.details['google.rpc.ErrorInfo']).toMatchObject({ domain: 'tact.dev', metadata: { field: 'customer_id' } });
    expect(s.details['google.rpc.RetryInfo']).toBeUndefined();
  });

  it('INVALID_ARGUMENT on a nested field names its path', async () => {
    const err = await grpcError(client.recordEvent({ customer_id: 'c-1', type: 'MESSAGE_OPENED' }));
    const violations = decodeDetails(err).details['google.rpc.BadRequest']?.['field_violations'] as { field: string }[];
    expect(violations.map((v) => v.field)).toEqual(['message_id']);
  });

  it('NOT_FOUND and FAILED_PRECONDITION: ErrorInfo with a stable reason, no retry advice', async () => {
    const decision = await client.decide({ customer_id: 'c-2', trigger: 'cart_abandoned' });
    const forged = `${decision.decision_id.split('.')[0]}.0000000000000000`;
    const notFound = await grpcError(client.reward({ decision_id: forged, value: 1 }));
    expect(notFound.code).toBe(grpc.status.NOT_FOUND);
    const nf = decodeDetails(notFound);
    expect(nf.details['google.rpc.ErrorInfo']).toEqual({ reason: 'NOT_FOUND', domain: 'tact.dev', metadata: { field: 'decision_id' } });
    expect(nf.details['google.rpc.RetryInfo']).toBeUndefined();

    const admin = new (loadTactProto(loadTactDefinition()).tact.v1.PolicyAdmin)(`127.0.0.1:${running.admin?.port}`, grpc.credentials.createInsecure());
    try {
      const rollback = await grpcError(new Promise((resolve, reject) => admin.Rollback({}, (e, r) => (e ? reject(e) : resolve(r)))));
      expect(rollback.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(decodeDetails(rollback).details['google.rpc.ErrorInfo']).toEqual({ reason: 'FAILED_PRECONDITION', domain: 'tact.dev', metadata: {} });
    } finally {
      admin.close();
    }
  });

  it('RESOURCE_EXHAUSTED and UNAVAILABLE: ErrorInfo plus RetryInfo, since the same call can succeed later', async () => {
    const full = await grpcError(client.recordEvent({ customer_id: 'c-full', type: 'PURCHASE' }));
    expect(full.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const f = decodeDetails(full);
    expect(f.details['google.rpc.ErrorInfo']).toMatchObject({ reason: 'RESOURCE_EXHAUSTED', domain: 'tact.dev' });
    expect(f.details['google.rpc.RetryInfo']).toEqual({ retry_delay: { seconds: 1, nanos: 0 } });

    const down = await grpcError(client.recordEvent({ customer_id: 'c-down', type: 'PURCHASE' }));
    expect(down.code).toBe(grpc.status.UNAVAILABLE);
    expect(decodeDetails(down).details['google.rpc.RetryInfo']).toEqual({ retry_delay: { seconds: 1, nanos: 0 } });
  });

  it('a Go client (buf curl) reads the same details from the trailer', async () => {
    const r = await runBuf(['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '-d', '{"trigger":"cart_abandoned"}', `http://${address}/tact.v1.DecisionService/Decide`]);
    expect(r.code).not.toBe(0);
    const body = JSON.parse(r.stderr.slice(r.stderr.indexOf('{'))) as { code: string; message: string; details: { type: string }[] };
    expect(body.code).toBe('invalid_argument');
    expect(body.message).toMatch(/^customer_id: /);
    expect(body.details.map((d) => d.type)).toEqual(['google.rpc.BadRequest', 'google.rpc.ErrorInfo']);
  });
});
