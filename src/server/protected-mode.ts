import { isIPv4 } from 'node:net';
import { TactError } from '../core/errors.js';

/** The config fields protected mode reads. */
export interface ListenSettings {
  readonly listen: string;
  readonly metricsListen: string;
  readonly adminListen?: string | undefined;
  readonly authTokens?: string | undefined;
  readonly authJwks?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly insecure: boolean;
}

/** True for addresses only this host can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(hostPort: string): boolean {
  const host = hostPort.slice(0, hostPort.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/**
 * Protected mode, as Redis has it: a server with neither authentication nor
 * TLS only listens where nobody else can reach it. Throws (the CLI exits
 * non-zero) naming the flags that would make the listen safe.
 */
export function checkProtectedMode(settings: ListenSettings): void {
  if (settings.insecure || settings.authTokens || settings.authJwks || settings.tlsCert) return;
  const listens: [string, string | undefined][] = [
    ['listen', settings.listen],
    ['admin-listen', settings.adminListen],
    ['metrics-listen', settings.metricsListen],
  ];
  const exposed = listens.filter((entry): entry is [string, string] => entry[1] !== undefined && !isLoopback(entry[1]));
  if (exposed.length === 0) return;
  const where = exposed.map(([flag, address]) => `--${flag} ${address}`).join(', ');
  throw new TactError(
    'invalid_argument',
    `protected mode: refusing to listen beyond loopback (${where}) with neither authentication nor TLS configured. ` +
      'Configure callers with --auth-tokens FILE or --auth-jwks FILE, and/or TLS with --tls-cert FILE --tls-key FILE ' +
      '(--tls-client-ca FILE for mutual TLS); or pass --insecure (env TACT_INSECURE=1) to serve unauthenticated plaintext on this network.',
  );
}
