import type { JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import { TactError } from '../../core/errors.js';
import { WatchedFiles } from '../watched-files.js';
import { parseJwks, verifyJwt, type JwtSettings } from './jwt.js';
import type { RateSpec } from './rate-limit.js';
import type { Scope } from './scopes.js';
import { findCaller, parseTokenFile, type TokenFile } from './token-file.js';

/** An authenticated caller, as the transport sees it. The engine only ever gets `name`. */
export interface Caller {
  /** Token name, or `jwt:<sub>`: what audit lines and idempotency scoping use. */
  readonly name: string;
  /** Metric label: the token name, or "jwt" for every JWT caller (subjects are unbounded). */
  readonly label: string;
  readonly scopes: ReadonlySet<Scope>;
  /** This caller's own budget over all its calls. */
  readonly rate?: RateSpec;
}

export type Authentication = { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly reason: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Who is calling, from the `authorization: Bearer <token>` header: a token
 * from the token file, or a JWT verified against the JWKS. Both files are
 * re-read when they change (rotation without a restart).
 */
export class Authenticator {
  constructor(
    private readonly tokens: WatchedFiles<TokenFile> | undefined,
    private readonly jwt: { readonly keys: WatchedFiles<JWTVerifyGetKey>; readonly settings: JwtSettings } | undefined,
    private readonly now: () => number,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    if (authorization === undefined) return { ok: false, reason: 'missing "authorization: Bearer <token>" metadata' };
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) return { ok: false, reason: 'authorization metadata must be "Bearer <token>"' };
    const token = match[1]!;
    if (this.jwt && JWT_SHAPE.test(token)) {
      const verified = await verifyJwt(token, this.jwt.keys.current(), this.jwt.settings, this.now());
      if ('error' in verified) return { ok: false, reason: verified.error };
      return { ok: true, caller: { name: verified.name, label: 'jwt', scopes: verified.scopes } };
    }
    const caller = this.tokens ? findCaller(this.tokens.current(), token) : undefined;
    if (!caller) return { ok: false, reason: 'unknown token' };
    return { ok: true, caller: { name: caller.name, label: caller.name, scopes: caller.scopes, ...(caller.rate ? { rate: caller.rate } : {}) } };
  }

  /** Per-caller budget for calls needing `scope` (token file `rates:`). */
  scopeRate(scope: Scope): RateSpec | undefined {
    return this.tokens?.current().rates[scope];
  }

  async reload(): Promise<void> {
    await Promise.all([this.tokens?.reload(), this.jwt?.keys.reload()]);
  }

  close(): void {
    this.tokens?.close();
    this.jwt?.keys.close();
  }
}

/** The config fields authentication reads. */
export interface AuthFlags {
  readonly authTokens?: string | undefined;
  readonly authJwks?: string | undefined;
  readonly authJwtIssuer?: string | undefined;
  readonly authJwtAudience?: string | undefined;
  readonly authJwtScopesClaim: string;
  readonly credentialsReloadMs: number;
}

/** The authenticator the flags ask for; undefined when neither --auth-tokens nor --auth-jwks is set. */
export function authenticatorFromFlags(flags: AuthFlags, now: () => number, logger?: Logger): Authenticator | undefined {
  if (!flags.authTokens && !flags.authJwks) {
    if (flags.authJwtIssuer || flags.authJwtAudience) throw new TactError('invalid_argument', 'needs --auth-jwks', 'authJwtIssuer');
    return undefined;
  }
  const common = { intervalMs: flags.credentialsReloadMs, ...(logger ? { logger } : {}) };
  const tokens = flags.authTokens
    ? new WatchedFiles<TokenFile>({
        files: [{ path: flags.authTokens, flag: 'authTokens' }],
        parse: ([text]) => parseTokenFile(text!.toString('utf8'), flags.authTokens!),
        what: 'auth tokens',
        ...common,
      })
    : undefined;
  let jwt: ConstructorParameters<typeof Authenticator>[1];
  if (flags.authJwks) {
    if (!flags.authJwtIssuer || !flags.authJwtAudience) {
      throw new TactError('invalid_argument', '--auth-jwks needs --auth-jwt-issuer and --auth-jwt-audience', flags.authJwtIssuer ? 'authJwtAudience' : 'authJwtIssuer');
    }
    const file = flags.authJwks;
    jwt = {
      keys: new WatchedFiles({ files: [{ path: file, flag: 'authJwks' }], parse: ([text]) => parseJwks(text!.toString('utf8'), file), what: 'JWKS', ...common }),
      settings: { issuer: flags.authJwtIssuer, audience: flags.authJwtAudience, scopesClaim: flags.authJwtScopesClaim },
    };
  }
  return new Authenticator(tokens, jwt, now);
}
