import type { ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { auditInterceptor } from './auth/audit.js';
import { authInterceptor, type CallerMetrics } from './auth/auth-interceptor.js';
import { authenticatorFromFlags, type AuthFlags, type Authenticator } from './auth/authenticator.js';
import { RateLimiter } from './auth/rate-limit.js';
import { checkProtectedMode, type ListenSettings } from './protected-mode.js';
import { serverTlsFromFlags, type ServerTls, type TlsFlags } from './tls.js';

/** Everything that guards the ports: TLS material, callers, the audit trail. */
export interface Security {
  readonly tls: ServerTls | undefined;
  readonly authenticator: Authenticator | undefined;
  /** Audit and auth interceptors, to run after the metrics one (which then counts their refusals). */
  interceptors(metrics: CallerMetrics): ServerInterceptor[];
  /** Read certificate, token and JWKS files now (SIGHUP). */
  reload(): Promise<void>;
  close(): void;
}

export type SecurityFlags = ListenSettings & TlsFlags & AuthFlags & { readonly logLevel: string };

/**
 * Checks protected mode and loads TLS and callers from the flags; fails
 * before any port is bound when a file is missing or unusable.
 */
export function openSecurity(flags: SecurityFlags, now: () => number, logger: Logger): Security {
  checkProtectedMode(flags);
  const tls = serverTlsFromFlags(flags, logger);
  let authenticator: Authenticator | undefined;
  try {
    authenticator = authenticatorFromFlags(flags, now, logger);
  } catch (err) {
    tls?.close();
    throw err;
  }
  // Audit lines at info whatever the log level (only "silent" silences them), apart from the per-RPC debug lines.
  const audit = logger.child({ log: 'audit' }, { level: flags.logLevel === 'silent' ? 'silent' : 'info' });
  const limiter = new RateLimiter(now);
  return {
    tls,
    authenticator,
    interceptors: (metrics) => [auditInterceptor(audit), ...(authenticator ? [authInterceptor({ authenticator, limiter, metrics })] : [])],
    async reload() {
      await Promise.all([tls?.reload(), authenticator?.reload()]);
    },
    close() {
      tls?.close();
      authenticator?.close();
    },
  };
}
