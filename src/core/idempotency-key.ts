import { createHash } from 'node:crypto';

/**
 * The store key of an idempotency id scoped by its parts (customer, caller,
 * id): SHA-256, base64url. Parts are JSON-encoded before hashing so no choice
 * of ids can make two different scopes meet ("a:b" + "c" vs "a" + "b:c"), and
 * the key has a fixed length and no braces, whatever the ids hold.
 */
export function idempotencyKey(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
