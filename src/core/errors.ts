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

/**
 * Stable reasons, one per kind of failure: clients, alerts and log searches
 * may match on them, so a reason is never renamed or reused for another
 * meaning (add a new one instead). Each names its status code and what it
 * means; the generic reasons (same name as their code) are for failures with
 * nothing more specific to say.
 */
export const ERROR_CATALOG = {
  INVALID_ARGUMENT: { code: 'invalid_argument', doc: 'A request field is malformed; the field is named.' },
  NOT_FOUND: { code: 'not_found', doc: 'A named thing (decision, policy, trigger) does not exist.' },
  FAILED_PRECONDITION: { code: 'failed_precondition', doc: 'The system is not in a state that allows the call.' },
  RESOURCE_EXHAUSTED: { code: 'resource_exhausted', doc: 'A server-side limit was reached; retry later.' },
  DEADLINE_EXCEEDED: { code: 'deadline_exceeded', doc: "The call's deadline passed before the work was done." },
  UNAVAILABLE: { code: 'unavailable', doc: 'A dependency (Redis) could not be reached.' },
  INTERNAL: { code: 'internal', doc: 'A fault of the server; logged with its stack and counted.' },
  VALUE_OUT_OF_BOUNDS: { code: 'invalid_argument', doc: "A number is beyond the policy's configured bounds (bounds.maxAbsFeature, bounds.maxAbsReward)." },
  TOO_LONG: { code: 'invalid_argument', doc: 'A string, list or map is beyond its size limit.' },
  TIME_IN_FUTURE: { code: 'invalid_argument', doc: "A time lies further ahead of the server's clock than the configured skew (maxFutureSkewMs)." },
  INVALID_UTF8: { code: 'invalid_argument', doc: 'A string field is not valid UTF-8 (ids are compared byte for byte).' },
  REQUEST_TOO_COSTLY: { code: 'invalid_argument', doc: "The request's candidates x features exceed the policy's budget (maxRequestCost)." },
  BAD_INPUT_FILE: { code: 'invalid_argument', doc: 'A file given to a command (log, model, configuration) cannot be used; path and line are named.' },
  BAD_CONFIGURATION: { code: 'invalid_argument', doc: 'A setting or a combination of settings is not allowed.' },
  SNAPSHOT_INVALID: { code: 'internal', doc: 'A learner snapshot failed validation (e.g. a non-finite number) and was not used.' },
  LEARNER_NON_FINITE: { code: 'internal', doc: 'A learner was found with a non-finite parameter and rolled back.' },
  STORE_PROTOCOL: { code: 'internal', doc: 'Redis answered something the store adapter does not expect.' },
  INVARIANT: { code: 'internal', doc: "A condition the code relies on did not hold: a bug, please report it." },
} as const satisfies Record<string, { readonly code: TactErrorCode; readonly doc: string }>;

export type TactErrorReason = keyof typeof ERROR_CATALOG;

/** The generic reason of each code. */
const GENERIC: Record<TactErrorCode, TactErrorReason> = {
  invalid_argument: 'INVALID_ARGUMENT',
  not_found: 'NOT_FOUND',
  failed_precondition: 'FAILED_PRECONDITION',
  resource_exhausted: 'RESOURCE_EXHAUSTED',
  deadline_exceeded: 'DEADLINE_EXCEEDED',
  unavailable: 'UNAVAILABLE',
  internal: 'INTERNAL',
};

export class TactError extends Error {
  /** The stable reason (ERROR_CATALOG); the generic one of `code` when not given. */
  readonly reason: TactErrorReason;

  constructor(
    readonly code: TactErrorCode,
    message: string,
    /** The offending request field, e.g. "context.numeric[age]". */
    readonly field?: string,
    reason?: TactErrorReason,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'TactError';
    this.reason = reason ?? GENERIC[code];
  }
}

/** An error of a catalogued reason; its code comes from the catalogue. */
export function tactError(reason: TactErrorReason, message: string, field?: string): TactError {
  return new TactError(ERROR_CATALOG[reason].code, message, field, reason);
}

export const invalidArgument = (field: string, message: string): TactError =>
  new TactError('invalid_argument', message, field);

export const notFound = (field: string, message: string): TactError =>
  new TactError('not_found', message, field);

/** A broken internal assumption: reported as INTERNAL (logged and counted), never blamed on the caller. */
export const invariant = (message: string): TactError => tactError('INVARIANT', message);

/** The store could not be reached; callers decide whether to degrade. */
export class StoreUnavailableError extends TactError {
  constructor(message: string, override readonly cause?: unknown) {
    super('unavailable', message);
    this.name = 'StoreUnavailableError';
  }
}

/** At most `max` characters of client input for an error message, so a huge value is never echoed back. */
export function quote(value: string, max = 40): string {
  return value.length <= max ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, max))}... (${value.length} characters)`;
}
