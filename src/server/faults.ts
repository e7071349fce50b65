import { status, type ServiceError, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { TactError } from '../core/errors.js';
import { toServiceError } from './status.js';

/**
 * Where server faults go: every INTERNAL answer is reported exactly once,
 * with the error that caused it, so no failure is silent (logged with its
 * stack at error level and counted by method).
 */
export interface FaultReporter {
  internal(method: string, err: unknown): void;
}

/** The counter a reporter feeds (TactMetrics provides it). */
export interface FaultMetrics {
  onInternalError(method: string): void;
}

export function loggingFaultReporter(logger: Logger, metrics: FaultMetrics): FaultReporter {
  return {
    internal(method, err) {
      metrics.onInternalError(method);
      logger.error({ err, method }, 'internal error');
    },
  };
}

/** True when this error becomes INTERNAL at the edge: a fault of ours, not the caller's. */
export function isInternal(err: unknown): boolean {
  return !(err instanceof TactError) || err.code === 'internal';
}

/** The cause kept on an INTERNAL status for the reporter; never sent to the client. */
const CAUSE = Symbol('tact.cause');

type StatusWithCause = Partial<ServiceError> & { [CAUSE]?: unknown };

/** toServiceError, keeping the original error on INTERNAL statuses for `guardService`. */
export function toStatus(err: unknown): Partial<ServiceError> {
  const s: StatusWithCause = toServiceError(err);
  if (s.code === status.INTERNAL) s[CAUSE] = err;
  return s;
}

type Callback = (err: StatusWithCause | null, ...rest: unknown[]) => void;

/**
 * Wrap every unary and client-streaming handler of a service so that an
 * INTERNAL status (or a handler that throws) is reported once with its cause.
 * `service` is the fully qualified name, e.g. "tact.v1.DecisionService",
 * so the method label matches the RPC metrics.
 */
export function guardService<T extends object>(service: string, handlers: T, faults: FaultReporter): T {
  const out: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers as UntypedServiceImplementation)) {
    const method = `${service}/${name}`;
    const h = handler as (call: unknown, callback: Callback) => void;
    out[name] = (call: unknown, callback: Callback) => {
      const reporting: Callback = (err, ...rest) => {
        if (err && err.code === status.INTERNAL) faults.internal(method, CAUSE in err ? err[CAUSE] : err);
        callback(err, ...rest);
      };
      try {
        h(call, reporting);
      } catch (err) {
        reporting(toStatus(err));
      }
    };
  }
  return out as T;
}
