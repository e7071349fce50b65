import { createHash } from 'node:crypto';
import { ServerInterceptingCall, status, type Metadata, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { callerOf } from './caller.js';
import { requirementOf } from './scopes.js';

/**
 * The customer id as audit lines carry it: the first 16 hex digits of its
 * SHA-256. Not reversible from the log, yet an operator who is asked "was
 * customer X forgotten?" can hash X and look.
 */
export function auditCustomerId(customerId: string): string {
  return createHash('sha256').update(customerId, 'utf8').digest('hex').slice(0, 16);
}

/**
 * One audit line per call that changes who is served or erases a customer:
 * every call needing the `admin` or `forget` scope, whatever its outcome
 * (refusals included). Written by `audit` at info, apart from the per-RPC
 * debug log, so audit survives a quiet log level.
 */
export function auditInterceptor(audit: Logger): ServerInterceptor {
  return (descriptor, call) => {
    const requirement = requirementOf(descriptor.path);
    if (requirement !== 'admin' && requirement !== 'forget') return new ServerInterceptingCall(call);
    const method = descriptor.path.slice(1);
    let metadata: Metadata | undefined;
    let details: Record<string, string> = {};
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(md, mdNext) {
            metadata = md;
            mdNext(md);
          },
          onReceiveMessage(message: { customer_id?: unknown; name?: unknown } | null, msgNext) {
            if (typeof message?.customer_id === 'string' && message.customer_id) details = { ...details, customer: auditCustomerId(message.customer_id) };
            if (typeof message?.name === 'string' && message.name) details = { ...details, name: message.name };
            msgNext(message);
          },
        });
      },
      sendStatus(s, next) {
        const caller = metadata ? callerOf({ metadata })?.name : undefined;
        audit.info(
          { audit: true, caller: caller ?? 'anonymous', call: method, outcome: status[s.code] ?? String(s.code), ...details, peer: call.getPeer() },
          'audit',
        );
        next(s);
      },
    });
  };
}
