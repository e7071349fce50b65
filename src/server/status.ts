import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { TactError, type TactErrorCode } from '../core/errors.js';
import { ERROR_DOMAIN, STATUS_DETAILS_KEY, encodeStatus, type StatusDetail } from './status-details.js';

const STATUS_OF: Record<TactErrorCode, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  failed_precondition: status.FAILED_PRECONDITION,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  deadline_exceeded: status.DEADLINE_EXCEEDED,
  unavailable: status.UNAVAILABLE,
  internal: status.INTERNAL,
};

/**
 * Codes where the same call can succeed later without a change: a limit that
 * frees up, Redis coming back. The client is told how long to wait
 * (google.rpc.RetryInfo); an error may say better with `retryAfterMs`.
 */
const RETRY_AFTER_MS: Partial<Record<TactErrorCode, number>> = {
  resource_exhausted: 1000,
  unavailable: 1000,
};

/** What a TactError may carry beyond its code and field (reasons are catalogued in src/core/errors.ts). */
type DetailedError = TactError & { readonly reason?: string; readonly retryAfterMs?: number };

/**
 * The one place where errors become gRPC statuses. Typed errors keep their
 * readable message (it names the field) and carry the rich error model in
 * `grpc-status-details-bin`: a google.rpc.Status with google.rpc.BadRequest
 * (INVALID_ARGUMENT: the field and what is wrong with it), google.rpc.ErrorInfo
 * (every code: the stable reason and domain "tact.dev") and
 * google.rpc.RetryInfo where retrying later can help. Anything else is an
 * INTERNAL error whose details are not leaked to the caller.
 */
export function toServiceError(err: unknown): Partial<ServiceError> {
  if (!(err instanceof TactError)) return { code: status.INTERNAL, details: 'internal error' };
  const code = STATUS_OF[err.code];
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, encodeStatus({ code, message: err.message, details: detailsOf(err) }));
  return { code, details: err.message, metadata };
}

function detailsOf(err: DetailedError): StatusDetail[] {
  const reason = err.reason ?? err.code.toUpperCase();
  const details: StatusDetail[] = [];
  if (err.code === 'invalid_argument') {
    const prefix = err.field ? `${err.field}: ` : '';
    const description = prefix && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    details.push({ type: 'google.rpc.BadRequest', fieldViolations: [{ field: err.field ?? '', description, reason }] });
  }
  details.push({ type: 'google.rpc.ErrorInfo', reason, domain: ERROR_DOMAIN, metadata: err.field ? { field: err.field } : {} });
  const retryAfterMs = err.retryAfterMs ?? RETRY_AFTER_MS[err.code];
  if (retryAfterMs !== undefined) details.push({ type: 'google.rpc.RetryInfo', retryDelayMs: retryAfterMs });
  return details;
}
