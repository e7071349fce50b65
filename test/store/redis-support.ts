import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../../src/store/redis/client.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every key matching `pattern`: on a cluster, from every master. */
export async function scanKeys(client: RedisClient, pattern: string): Promise<string[]> {
  const nodes: Redis[] = client instanceof Cluster ? client.nodes('master') : [client];
  const out: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      out.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return out;
}

/** Delete every key matching `pattern` (a test's own random prefix). */
export async function deleteByPrefix(client: RedisClient, pattern: string): Promise<number> {
  const keys = await scanKeys(client, pattern);
  // One key per command: keys of several slots cannot share one on a cluster.
  const deleted = await Promise.all(keys.map((k) => client.unlink(k)));
  return deleted.reduce((a, b) => a + b, 0);
}
