import { createHmac, timingSafeEqual } from 'node:crypto';
import { TactError } from '../core/errors.js';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the
 * secret is "whsec_" + base64 key bytes; the signature is
 * "v1," + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")).
 */
const PREFIX = 'whsec_';

export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) {
    throw new TactError('invalid_argument', 'webhook secret must start with "whsec_" (Standard Webhooks)', 'webhook_secret');
  }
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  if (key.length < 16) {
    throw new TactError('invalid_argument', 'webhook secret key must be at least 16 bytes of base64 after "whsec_"', 'webhook_secret');
  }
  return key;
}

/** The `webhook-signature` header value for one delivery attempt. */
export function sign(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** Receiver side (tests, docs): true when any "v1,..." in the header matches. */
export function verify(key: Buffer, id: string, timestampSeconds: number, body: string, header: string): boolean {
  const expected = Buffer.from(sign(key, id, timestampSeconds, body));
  return header.split(' ').some((candidate) => {
    const got = Buffer.from(candidate);
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
