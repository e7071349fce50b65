import pino from 'pino';
import { BufferedStore } from '../../src/store/redis/buffer.js';
import { storeConformance } from './conformance.js';
import { redisFixture } from './redis-fixture.js';
import { REDIS_URL } from './redis-support.js';

/** The store as production runs it: the Redis store behind the outage buffer (src/store/redis/buffer.ts). */
storeConformance('redis behind the outage buffer', async (options) => {
  const bare = await redisFixture({ url: REDIS_URL }, options);
  const silent = pino({ level: 'silent' });
  const store = new BufferedStore(bare.store, silent);
  const peer = new BufferedStore(bare.peer, silent);
  return {
    store,
    peer,
    residue: bare.residue,
    cleanup: async () => {
      await bare.cleanup();
      await Promise.all([store.close(), peer.close()]);
    },
  };
}, { replicas: true });
