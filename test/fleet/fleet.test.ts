import { describe, expect, it } from 'vitest';
import { REDIS_URL } from '../store/redis-support.js';
import { fleetSuite } from './fleet-suite.js';
import { startReplica } from './replica.js';

fleetSuite('one Redis', () => ({ redisUrl: REDIS_URL }));

describe('a replica at startup', () => {
  it('fails fast with a clear error when Redis is unreachable', async () => {
    // The process exits (exit 1) with the error, rather than retrying for ever; how long
    // node takes to start on a loaded machine is not what this measures.
    await expect(
      startReplica({ redisUrl: 'redis://127.0.0.1:1', prefix: 'unreachable', dumpDir: '/nonexistent', env: { TACT_REDIS_CONNECT_TIMEOUT_MS: '1000' } }),
    ).rejects.toThrow(/replica exited 1: [^]*cannot reach Redis at redis:\/\/127\.0\.0\.1:1 within 1000 ms/);
  });
});
