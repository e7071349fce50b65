import { TactError } from '../../core/errors.js';
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { isScope, type Scope } from './scopes.js';

/** How JWTs are checked: the keys (a JWKS), the required issuer and audience, where scopes are. */
export interface JwtSettings {
  readonly issuer: string;
  readonly audience: string;
  /** Claim with the scopes: a space-separated string (OAuth `scope`) or an array (`scp`, `permissions`). */
  readonly scopesClaim: string;
}

export interface JwtCaller {
  /** `jwt:<sub>`: audit logs name the subject; metrics label all JWT callers "jwt" (bounded). */
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
}

/** Asymmetric algorithms only: a JWKS is public, so an HMAC key in it would let anyone sign. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export function parseJwks(text: string, file: string): JWTVerifyGetKey {
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(text) as JSONWebKeySet;
  } catch (err) {
    throw new TactError('invalid_argument', `${file}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) throw new TactError('invalid_argument', `${file}: expected a JWKS, { "keys": [ ... ] }`);
  return createLocalJWKSet(jwks);
}

/** The verified caller, or why not (for the UNAUTHENTICATED details; never the token itself). */
export async function verifyJwt(
  token: string,
  keys: JWTVerifyGetKey,
  settings: JwtSettings,
  now: number,
): Promise<JwtCaller | { readonly error: string }> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ALGORITHMS,
      currentDate: new Date(now),
      clockTolerance: 30,
    });
    const claim = payload[settings.scopesClaim];
    const listed = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim.filter((s) => typeof s === 'string') : [];
    return { name: `jwt:${payload.sub ?? '(no sub)'}`, scopes: new Set(listed.filter(isScope)) };
  } catch (err) {
    return { error: describe(err) };
  }
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'JWT expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `JWT claim "${err.claim}" rejected: ${err.reason}`;
  if (err instanceof errors.JWKSNoMatchingKey) return 'JWT signed by a key not in the JWKS';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'JWT signature invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'JWT algorithm not allowed';
  if (err instanceof errors.JOSEError) return `JWT rejected (${err.code})`;
  return 'JWT rejected';
}
