import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamAppender } from '../../src/store/redis/stream-appender.js';
import { REDIS_URL } from './redis-support.js';

/** The commands of every pipeline the appender sends, by wrapping the client's pipeline(). */
function recordPipelines(redis: Redis): string[][] {
  const groups: string[][] = [];
  const original = redis.pipeline.bind(redis);
  redis.pipeline = ((...args: Parameters<Redis['pipeline']>) => {
    const p = original(...args);
    const names: string[] = [];
    groups.push(names);
    const xadd = p.xadd.bind(p);
    const wait = p.wait.bind(p);
    p.xadd = ((...a: unknown[]) => (names.push('xadd'), (xadd as (...x: unknown[]) => unknown)(...a))) as typeof p.xadd;
    p.wait = ((...a: unknown[]) => (names.push('wait'), (wait as (...x: unknown[]) => unknown)(...a))) as typeof p.wait;
    return p;
  }) as Redis['pipeline'];
  return groups;
}

describe('StreamAppender: stream entries with WAIT, in groups', () => {
  let redis: Redis;
  const key = `appender-test:${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('sends the entries of one turn as one group with one WAIT, later ones in the next group, all in order', async () => {
    const groups = recordPipelines(redis);
    // This Redis has no replicas: each WAIT returns 0 after its 20 ms, and the entries still land.
    const appender = new StreamAppender(redis, key, 1, 20);
    const first = Array.from({ length: 40 }, (_, i) => appender.append(['n', String(i)]));
    await new Promise((r) => setImmediate(r));
    // Published while the first group waits on its WAIT.
    const second = Array.from({ length: 10 }, (_, i) => appender.append(['n', String(40 + i)]));
    await Promise.all([...first, ...second]);

    expect(groups).toHaveLength(2);
    expect(groups[0]).toEqual([...Array(40).fill('xadd'), 'wait']);
    expect(groups[1]).toEqual([...Array(10).fill('xadd'), 'wait']);
    const entries = await redis.xrange(key, '-', '+');
    expect(entries.map(([, fields]) => Number(fields[1]))).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('rejects every entry of a group that could not be sent', async () => {
    const closed = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    closed.on('error', () => undefined);
    const appender = new StreamAppender(closed, key, 1, 20);
    const results = await Promise.allSettled([appender.append(['n', 'a']), appender.append(['n', 'b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    closed.disconnect();
  });
});
