import { Metadata, ServerInterceptingCall, status, type ServerInterceptor } from '@grpc/grpc-js';
import type { Authenticator, Caller } from './authenticator.js';
import { bindCaller } from './caller.js';
import type { RateLimiter, RateSpec } from './rate-limit.js';
import { extraScopeOf, requirementOf, type Scope } from './scopes.js';

/** What happened to a call at the door; `caller` is a bounded label (token name, "jwt" or "unknown"). */
export type CallerOutcome = 'ok' | 'unauthenticated' | 'permission_denied' | 'rate_limited';

export interface CallerMetrics {
  onCaller(caller: string, outcome: CallerOutcome): void;
}

export interface AuthInterceptorDeps {
  readonly authenticator: Authenticator;
  readonly limiter: RateLimiter;
  readonly metrics?: CallerMetrics;
}

/**
 * Authentication, scopes and rate limits for every call, before any handler
 * work: UNAUTHENTICATED without a known token, PERMISSION_DENIED naming the
 * missing scope, RESOURCE_EXHAUSTED with a retry hint over budget. The token
 * is removed from the metadata once checked, so no handler or log sees it;
 * the caller is bound to the call for handlers (callerOf).
 */
export function authInterceptor(deps: AuthInterceptorDeps): ServerInterceptor {
  const { authenticator, limiter, metrics } = deps;
  return (descriptor, call) => {
    const requirement = requirementOf(descriptor.path);
    if (requirement === 'open') return new ServerInterceptingCall(call);
    const method = descriptor.path.slice(1);
    let caller: Caller | undefined;
    let refused = false;
    const refuse = (label: string, outcome: CallerOutcome, code: status, details: string, trailers?: Metadata) => {
      refused = true;
      metrics?.onCaller(label, outcome);
      call.sendStatus({ code, details, ...(trailers ? { metadata: trailers } : {}) });
    };
    /** Takes one call from the caller's budgets; false (and the call refused) when over. */
    const withinBudget = (c: Caller, scope: Scope | undefined): boolean => {
      const limits: { key: string; spec: RateSpec; what: string }[] = [];
      if (c.rate) limits.push({ key: c.name, spec: c.rate, what: 'its rate limit' });
      const scopeRate = scope ? authenticator.scopeRate(scope) : undefined;
      if (scope && scopeRate) limits.push({ key: `${c.name}\u0000${scope}`, spec: scopeRate, what: `the rate limit of scope "${scope}"` });
      if (limits.length === 0) return true;
      const taken = limiter.take(limits);
      if (taken.ok) return true;
      // grpc-retry-pushback-ms is gRPC's own retry hint: grpc clients with a retry policy wait that long.
      const trailers = new Metadata();
      trailers.set('grpc-retry-pushback-ms', String(taken.retryAfterMs));
      const what = limits[taken.empty]?.what ?? 'its rate limit';
      refuse(c.label, 'rate_limited', status.RESOURCE_EXHAUSTED, `caller "${c.name}" is over ${what}; retry after ${taken.retryAfterMs} ms`, trailers);
      return false;
    };
    let messages = 0;
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, mdNext) {
            const header = metadata.get('authorization')[0];
            void authenticator.authenticate(typeof header === 'string' ? header : undefined).then((auth) => {
              if (!auth.ok) return refuse('unknown', 'unauthenticated', status.UNAUTHENTICATED, `${method}: ${auth.reason}`);
              const c = auth.caller;
              // Bound before the checks, so the audit line of a refused call names who was refused.
              bindCaller(metadata, c);
              const scope = requirement === 'authenticated' ? undefined : requirement;
              if (scope && !c.scopes.has(scope)) {
                return refuse(c.label, 'permission_denied', status.PERMISSION_DENIED, `caller "${c.name}" lacks scope "${scope}" needed by ${method}`);
              }
              if (!withinBudget(c, scope)) return undefined;
              caller = c;
              metadata.remove('authorization');
              metrics?.onCaller(c.label, 'ok');
              mdNext(metadata);
              return undefined;
            });
          },
          onReceiveMessage(message, msgNext) {
            if (refused || !caller) return;
            const extra = extraScopeOf(descriptor.path, message);
            if (extra && !caller.scopes.has(extra)) {
              return refuse(caller.label, 'permission_denied', status.PERMISSION_DENIED, `caller "${caller.name}" lacks scope "${extra}" needed by ${method} with explain=true`);
            }
            // A stream's first message came with the call; every further one takes from the budget too.
            messages += 1;
            if (messages > 1 && !withinBudget(caller, requirement === 'authenticated' ? undefined : requirement)) return undefined;
            msgNext(message);
            return undefined;
          },
          onReceiveHalfClose(next) {
            if (!refused) next();
          },
        });
      },
    });
  };
}
