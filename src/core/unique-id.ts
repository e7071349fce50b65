import { randomBytes } from 'node:crypto';

/**
 * Ids unique across a fleet without a random draw per id: 8 random bytes
 * drawn once per process, then a counter. randomBytes on every publish and
 * every send reservation was a measurable share of a Redis-mode Decide+Reward
 * (bench/fleet-throughput.ts); uniqueness only needs distinct processes to
 * have distinct prefixes.
 */
const PROCESS_PREFIX = randomBytes(8).toString('hex');
let counter = 0;

export function uniqueId(): string {
  counter += 1;
  return `${PROCESS_PREFIX}${counter.toString(36)}`;
}
