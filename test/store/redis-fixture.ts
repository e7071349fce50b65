import { randomBytes } from 'node:crypto';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis/redis-store.js';
import type { StoreFixture, StoreOptions } from './conformance.js';
import { deleteByPrefix, scanKeys } from './redis-support.js';

/** Two RedisStores (a replica and its peer) on one random prefix, for the conformance suite. */
export async function redisFixture(target: Pick<RedisStoreOptions, 'url' | 'cluster'>, extra: StoreOptions = {}): Promise<StoreFixture & { store: RedisStore; peer: RedisStore }> {
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  // A loaded 2-core machine can take seconds to open a cluster's node connections.
  const options = { ...target, ...extra, prefix, connectTimeoutMs: 10_000 };
  const store = await RedisStore.connect(options);
  const peer = await RedisStore.connect(options);
  return {
    store,
    peer,
    residue: (customerId) => residue(store, customerId),
    cleanup: async () => {
      await deleteByPrefix(store.connection, store.keys.all());
      await peer.close();
      await store.close();
    },
  };
}

/** The customer's keys, and held decisions of the customer still in a sweep index. */
export async function residue(store: RedisStore, customerId: string): Promise<string[]> {
  const keys = await scanKeys(store.connection, store.keys.customerPattern(customerId));
  const index = (await Promise.all(store.keys.expiryKeys().map((k) => store.connection.zrange(k, '0', '-1')))).flat();
  const decisions = await Promise.all(index.map((id) => store.connection.hget(store.keys.decision(id), 'rec')));
  return [...keys, ...decisions.filter((rec) => rec?.includes(`"customerId":"${customerId}"`)).map(() => 'decision')];
}
