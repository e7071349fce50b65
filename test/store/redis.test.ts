import { randomBytes } from 'node:crypto';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import { storeConformance } from './conformance.js';
import { deleteByPrefix, REDIS_URL } from './redis-support.js';

storeConformance('redis', async () => {
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const store = await RedisStore.connect({ url: REDIS_URL, prefix });
  const peer = await RedisStore.connect({ url: REDIS_URL, prefix });
  return {
    store,
    peer,
    residue: async (customerId) => {
      const keys = await scan(store, store.keys.customerPattern(customerId));
      const index = await store.connection.zrange(store.keys.expiry(), '0', '-1');
      const decisions = await Promise.all(index.map((id) => store.connection.hget(store.keys.decision(id), 'rec')));
      return [...keys, ...decisions.filter((rec) => rec?.includes(`"customerId":"${customerId}"`)).map(() => 'decision')];
    },
    cleanup: async () => {
      await deleteByPrefix(store.connection, store.keys.all());
      await peer.close();
      await store.close();
    },
  };
});

async function scan(store: RedisStore, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await store.connection.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out;
}
