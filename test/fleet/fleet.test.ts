import { describe, expect, it } from 'vitest';
import { REDIS_URL } from '../store/redis-support.js';
import { fleetSuite } from './fleet-suite.js';
import { startReplica } from './replica.js';

fleetSuite('one Redis', () => ({ redisUrl: REDIS_URL }));

describe('a replica at startup', () => {
  it('fails fast with a clear error when Redis is unreachable', async () => {
    const started = Date.now();
    await expect(
      startReplica({ redisUrl: 'redis://127.0.0.1:1', prefix: 'unreachable', dumpDir: '/nonexistent', env: { TACT_REDIS_CONNECT_TIMEOUT_MS: '1000' } }),
    ).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
