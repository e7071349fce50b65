import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { TactError, type TactErrorCode } from '../core/errors.js';

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
 * The one place where errors become gRPC statuses. Typed errors keep their
 * message (it names the field); anything else is an INTERNAL error whose
 * details are not leaked to the caller.
 */
export function toServiceError(err: unknown): Partial<ServiceError> {
  if (err instanceof TactError) {
    const metadata = new Metadata();
    if (err.field) metadata.set('tact-field', err.field);
    return { code: STATUS_OF[err.code], details: err.message, metadata };
  }
  return { code: status.INTERNAL, details: 'internal error' };
}
