import protobuf from 'protobufjs';

/*
 * google.rpc.Status and the standard error details (google/rpc/status.proto,
 * google/rpc/error_details.proto), the rich error model gRPC clients in every
 * language decode from the `grpc-status-details-bin` trailer. Only the
 * messages Tact sends are described; field numbers are those of the
 * published protos, so any client's generated google.rpc types read them.
 */

/** The trailer gRPC clients read a google.rpc.Status from. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
/** ErrorInfo.domain of every Tact error. */
export const ERROR_DOMAIN = 'tact.dev';

const TYPE_PREFIX = 'type.googleapis.com/';

const root = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            BadRequest: {
              fields: { field_violations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: {
                FieldViolation: {
                  fields: {
                    field: { type: 'string', id: 1 },
                    description: { type: 'string', id: 2 },
                    reason: { type: 'string', id: 3 },
                  },
                },
              },
            },
            ErrorInfo: {
              fields: {
                reason: { type: 'string', id: 1 },
                domain: { type: 'string', id: 2 },
                metadata: { keyType: 'string', type: 'string', id: 3 },
              },
            },
            RetryInfo: { fields: { retry_delay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
      },
    },
  },
} as protobuf.INamespace);

const types = {
  Status: root.lookupType('google.rpc.Status'),
  BadRequest: root.lookupType('google.rpc.BadRequest'),
  ErrorInfo: root.lookupType('google.rpc.ErrorInfo'),
  RetryInfo: root.lookupType('google.rpc.RetryInfo'),
};

export interface FieldViolation {
  /** Path of the offending request field, e.g. "context.numeric[age]". */
  readonly field: string;
  readonly description: string;
  /** Stable reason code (src/core/errors.ts). */
  readonly reason?: string;
}

/** One detail of a google.rpc.Status, by its type. */
export type StatusDetail =
  | { readonly type: 'google.rpc.BadRequest'; readonly fieldViolations: readonly FieldViolation[] }
  | { readonly type: 'google.rpc.ErrorInfo'; readonly reason: string; readonly domain: string; readonly metadata: Readonly<Record<string, string>> }
  | { readonly type: 'google.rpc.RetryInfo'; readonly retryDelayMs: number };

export interface RichStatus {
  /** gRPC status code (numeric, as in @grpc/grpc-js `status`). */
  readonly code: number;
  readonly message: string;
  readonly details: readonly StatusDetail[];
}

/** Serialises a google.rpc.Status for the grpc-status-details-bin trailer. */
export function encodeStatus(s: RichStatus): Buffer {
  const details = s.details.map((d) => ({ type_url: TYPE_PREFIX + d.type, value: encodeDetail(d) }));
  return Buffer.from(types.Status.encode(types.Status.fromObject({ code: s.code, message: s.message, details })).finish());
}

function encodeDetail(d: StatusDetail): Uint8Array {
  switch (d.type) {
    case 'google.rpc.BadRequest':
      return types.BadRequest.encode(types.BadRequest.fromObject({ field_violations: d.fieldViolations.map((v) => ({ ...v })) })).finish();
    case 'google.rpc.ErrorInfo':
      return types.ErrorInfo.encode(types.ErrorInfo.fromObject({ reason: d.reason, domain: d.domain, metadata: { ...d.metadata } })).finish();
    case 'google.rpc.RetryInfo': {
      const seconds = Math.floor(d.retryDelayMs / 1000);
      const nanos = Math.round((d.retryDelayMs - seconds * 1000) * 1e6);
      return types.RetryInfo.encode(types.RetryInfo.fromObject({ retry_delay: { seconds, nanos } })).finish();
    }
  }
}

interface DecodedStatus {
  code?: number;
  message?: string;
  details?: { type_url?: string; value?: Uint8Array }[];
}

/**
 * Reads a google.rpc.Status as a client does; details of types other than the
 * three above are skipped (a newer server may send more).
 */
export function decodeStatus(bytes: Uint8Array): RichStatus {
  const s = types.Status.toObject(types.Status.decode(bytes), { defaults: true }) as DecodedStatus;
  const details: StatusDetail[] = [];
  for (const any of s.details ?? []) {
    const value = any.value ?? new Uint8Array();
    switch ((any.type_url ?? '').slice((any.type_url ?? '').lastIndexOf('/') + 1)) {
      case 'google.rpc.BadRequest': {
        const b = types.BadRequest.toObject(types.BadRequest.decode(value), { defaults: true }) as { field_violations: FieldViolation[] };
        details.push({ type: 'google.rpc.BadRequest', fieldViolations: b.field_violations.map((v) => ({ ...v })) });
        break;
      }
      case 'google.rpc.ErrorInfo': {
        const e = types.ErrorInfo.toObject(types.ErrorInfo.decode(value), { defaults: true }) as { reason: string; domain: string; metadata: Record<string, string> };
        details.push({ type: 'google.rpc.ErrorInfo', reason: e.reason, domain: e.domain, metadata: { ...e.metadata } });
        break;
      }
      case 'google.rpc.RetryInfo': {
        const r = types.RetryInfo.toObject(types.RetryInfo.decode(value), { longs: Number, defaults: true }) as { retry_delay?: { seconds: number; nanos: number } };
        const d = r.retry_delay ?? { seconds: 0, nanos: 0 };
        details.push({ type: 'google.rpc.RetryInfo', retryDelayMs: d.seconds * 1000 + d.nanos / 1e6 });
        break;
      }
      default:
        break;
    }
  }
  return { code: s.code ?? 0, message: s.message ?? '', details };
}
