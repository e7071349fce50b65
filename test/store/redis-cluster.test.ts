import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore, ReservedNotSavedError } from '../../src/store/redis/redis-store.js';
import { TestRedisCluster } from '../support/redis-cluster.js';
import { storeConformance } from './conformance.js';
import { redisFixture } from './redis-fixture.js';
import { deleteByPrefix } from './redis-support.js';

/** A one-minute decision to send one SMS, as the store keeps it and as Decide answered it. */
function smsDecision(decisionId: string, customerId: string, now: number) {
  const f = { numeric: {}, categorical: {} };
  const record = {
    decisionId, customerId, policy: 'default', at: now, expiresAt: now + 60_000,
    context: f, holdout: false, learn: true, combine: 'sum' as const,
    choices: [{ actionId: 'a', channel: 'sms', messageId: 'm', cost: 0, probability: 1, features: f }],
  };
  return { record, decision: { decisionId, customerId, policy: 'default', modelVersion: '', at: now, choices: [], removed: [], holdout: false } };
}

/** The store on a real 3-master, 3-replica Redis Cluster (one per file: starting one takes seconds). */
describe('Redis Cluster', () => {
  let cluster: TestRedisCluster;
  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  /** A test body given a store on the cluster under its own key prefix, cleaned up after. */
  const withClusterStore = (body: (store: RedisStore) => Promise<void>) => async () => {
    const { store, cleanup } = await redisFixture({ cluster: cluster.seeds });
    try {
      await body(store);
    } finally {
      await cleanup();
    }
  };

  storeConformance('redis cluster', (options) => redisFixture({ cluster: cluster.seeds }, options), { replicas: true });

  describe('reserve and save in one call', () => {
    it('tells the caller when the sends were reserved but another slot refused the save, so the buffer does not record them again', withClusterStore(async (store) => {
      const now = Date.now();
      const { record, decision } = smsDecision('d-part', 'c-part', now);
      // The decision's slot refuses the write (a key of the wrong type), the customer's slot takes the reservation.
      await store.connection.set(store.keys.decision('d-part'), 'not a hash');
      const send = { send: { channel: 'sms', messageId: 'm', at: now }, caps: [] };
      const err = await store.reserveAndSave('c-part', [send], record, decision).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ReservedNotSavedError);
      expect((err as ReservedNotSavedError).reserved).toBe(-1);
      expect(String((err as ReservedNotSavedError).cause)).toMatch(/WRONGTYPE/);
      expect((await store.loadCustomer('c-part', now)).sends).toHaveLength(1);
    }));
  });

  describe('commands per Decide', () => {
    it('reads the customer with the request id in one command and saves in three (customer, decision, sweep index)', withClusterStore(async (store) => {
      const client = store.connection as Cluster;
      const sent: string[] = [];
      const send = client.sendCommand.bind(client);
      client.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
        sent.push(command.name);
        return (send as (...a: unknown[]) => unknown)(command, ...rest);
      }) as typeof client.sendCommand;
      const now = Date.now();
      const { record, decision } = smsDecision('d-count', 'c-count', now);
      expect((await store.loadForDecide('c-count', now, 'req-count')).earlier).toBeUndefined();
      expect(sent).toHaveLength(1);
      sent.length = 0;
      await store.reserveAndSave('c-count', [{ send: { channel: 'sms', messageId: 'm', at: now }, caps: [] }], record, decision, 'req-count');
      expect(sent).toHaveLength(3);
      sent.length = 0;
      // The retried Decide finds the answer in its one read.
      expect((await store.loadForDecide('c-count', now, 'req-count')).earlier).toEqual(decision);
      expect(sent).toHaveLength(1);
    }));
  });

  describe('key placement', () => {
    it('keeps every key of one customer in one slot and spreads customers over every master', withClusterStore(async (store) => {
      const client = store.connection as Cluster;
      const slotOf = async (key: string) => Number(await client.cluster('KEYSLOT', key));
      for (const id of ['c1', 'ö-ü', 'a:b{c}']) {
        const slots = new Set(await Promise.all([...store.keys.customerKeys(id), store.keys.request(id, 'k')].map(slotOf)));
        expect(slots.size).toBe(1);
      }
      // 60 customers with state: each master holds some of them.
      await Promise.all(Array.from({ length: 60 }, (_, i) => store.setConsent(`spread-${i}`, { timeZone: 'UTC' })));
      const masters = client.nodes('master');
      expect(masters).toHaveLength(3);
      const perMaster = await Promise.all(masters.map((m) => m.dbsize()));
      for (const n of perMaster) expect(n).toBeGreaterThan(5);
      // The sweep index is sharded: its shards are not all on one master.
      const shardSlots = await Promise.all(store.keys.expiryKeys().map(slotOf));
      const owners = new Set(shardSlots.map((slot) => masterOf(client, slot)));
      expect(owners.size).toBe(3);
    }));

    it('fails at start with a clear error when no seed node answers', async () => {
      await expect(RedisStore.connect({ cluster: '127.0.0.1:1', connectTimeoutMs: 500 })).rejects.toThrow(/cannot reach Redis at cluster 127\.0\.0\.1:1 within 500 ms/);
    });
  });

  it('cleans up after itself', async () => {
    const { store, cleanup } = await redisFixture({ cluster: cluster.seeds });
    await store.setConsent('x', { timeZone: 'UTC' });
    await cleanup();
    const probe = await RedisStore.connect({ cluster: cluster.seeds, prefix: store.keys.prefix });
    try {
      expect(await deleteByPrefix(probe.connection, probe.keys.all())).toBe(0);
    } finally {
      await probe.close();
    }
  });
});

function masterOf(client: Cluster, slot: number): string {
  const owner = (client as unknown as { slots: string[][] }).slots[slot]?.[0];
  if (!owner) throw new Error(`no owner for slot ${slot}`);
  return owner;
}
