import { TactError } from '../../core/errors.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatZodError } from '../../core/zod-errors.js';
import type { RateSpec } from './rate-limit.js';
import { SCOPES, type Scope } from './scopes.js';

const rate = z
  .object({
    per_second: z.number().positive().max(1_000_000),
    burst: z.number().int().min(1).max(10_000_000),
  })
  .strict()
  .transform((r): RateSpec => ({ perSecond: r.per_second, burst: r.burst }));

/**
 * The caller file (--auth-tokens). Only SHA-256 hashes of tokens are kept, so
 * the file is not a secret worth stealing; names become metric labels and
 * audit fields, hence their bounded alphabet.
 */
const tokenFileSchema = z
  .object({
    tokens: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)'),
            sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'the hex SHA-256 of the token (64 hex digits)'),
            scopes: z.array(z.enum(SCOPES)).min(1),
            /** All calls of this caller. */
            rate: rate.optional(),
          })
          .strict(),
      )
      .max(10_000)
      .default([]),
    /** Per scope, per caller: e.g. forget: { per_second: 1, burst: 10 }. Applies to JWT callers too. */
    rates: z.partialRecord(z.enum(SCOPES), rate).default({}),
  })
  .strict();

/** A caller as the token file defines it. */
export interface TokenCaller {
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  readonly rate?: RateSpec;
}

export interface TokenFile {
  readonly callers: readonly (TokenCaller & { readonly hash: Buffer })[];
  readonly rates: Readonly<Partial<Record<Scope, RateSpec>>>;
}

export function parseTokenFile(text: string, file: string): TokenFile {
  const parsed = tokenFileSchema.safeParse(parseYaml(text) ?? {});
  if (!parsed.success) throw new TactError('invalid_argument', `${file}: ${formatZodError(parsed.error)}`);
  const names = new Set<string>();
  const hashes = new Set<string>();
  for (const t of parsed.data.tokens) {
    if (names.has(t.name)) throw new TactError('invalid_argument', `${file}: caller "${t.name}" is listed twice`);
    if (hashes.has(t.sha256.toLowerCase())) throw new TactError('invalid_argument', `${file}: caller "${t.name}" reuses another caller's token`);
    names.add(t.name);
    hashes.add(t.sha256.toLowerCase());
  }
  return {
    callers: parsed.data.tokens.map((t) => ({
      name: t.name,
      scopes: new Set(t.scopes),
      hash: Buffer.from(t.sha256, 'hex'),
      ...(t.rate ? { rate: t.rate } : {}),
    })),
    rates: parsed.data.rates,
  };
}

export function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The caller holding `token`, comparing its hash with every entry in
 * constant time and without stopping at a match, so neither the position of
 * a match nor how much of a hash matched shows in the timing.
 */
export function findCaller(file: TokenFile, token: string): TokenCaller | undefined {
  const hash = sha256(token);
  let found: TokenCaller | undefined;
  for (const caller of file.callers) {
    if (timingSafeEqual(caller.hash, hash) && found === undefined) found = caller;
  }
  return found;
}
