/**
 * The one catalogue of Tact's errors. The engine throws these; the gRPC edge
 * (src/server/status.ts) maps each code to a status code, once.
 */
export type TactErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'deadline_exceeded'
  | 'unavailable'
  | 'internal';

export class TactError extends Error {
  constructor(
    readonly code: TactErrorCode,
    message: string,
    /** The offending request field, e.g. "context.numeric[age]". */
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'TactError';
  }
}

export const invalidArgument = (field: string, message: string): TactError =>
  new TactError('invalid_argument', message, field);

export const notFound = (field: string, message: string): TactError =>
  new TactError('not_found', message, field);

/** The store could not be reached; callers decide whether to degrade. */
export class StoreUnavailableError extends TactError {
  constructor(message: string, override readonly cause?: unknown) {
    super('unavailable', message);
    this.name = 'StoreUnavailableError';
  }
}
