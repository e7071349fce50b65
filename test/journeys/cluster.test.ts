import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';
import { journeyCluster, journeyQueuePrefix } from '../../src/cli/open-journeys.js';
import { configSchema } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import { createTact } from '../../src/main.js';
import { recordEvent } from '../../src/server/customer-service.js';
import type { RecordEventRequest__Output } from '../../src/server/generated/tact/v1/RecordEventRequest.js';
import type { RedisClient } from '../../src/store/redis/client.js';
import type { Journeys } from '../../src/triggers/journeys.js';
import { TestRedisCluster } from '../support/redis-cluster.js';
import { dispatch } from '../../src/cli/dispatch.js';
import { memoryIo } from '../cli/world-log.js';
import type { HttpPost } from '../../src/delivery/webhook-sink.js';
import { FakeReceiver, JOURNEY_CATALOG, redisJourneys, SECRET } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const m = memoryIo();
  const code = await dispatch(argv, m.io);
  return { code, out: m.out(), err: m.err() };
}

/**
 * Journeys on a Redis Cluster (3 masters): BullMQ under a hash-tag prefix,
 * trigger state per customer slot. Two replicas' journeys in one process,
 * carts split over them, buyers' purchases on the other one.
 */
describe('journeys on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  const clients: RedisClient[] = [];
  const replicas: Journeys[] = [];
  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    for (const c of clients) c.disconnect();
    await cluster?.stop();
  });

  it('40 carts, a quarter bought: one signed send per abandoned cart, none for buyers; the one that failed twice is a dead letter tact dead-letters replays', async () => {
    const prefix = `jcl-${randomBytes(4).toString('hex')}`;
    const config = configSchema.parse({ logLevel: 'silent', webhookUrl: 'http://receiver.test/hooks', webhookSecret: SECRET, deliveryBackoffMs: 50, deliveryMaxAttempts: 2 });
    // 0.1 minutes: due 6 s after each cart, so a buyer's purchase, sent right after its cart, cancels
    // it even on a machine loaded many times over (at 1.2 s, load 11 on 2 cores, one cart fired first).
    const catalog = parseCatalog(JOURNEY_CATALOG.replace('after_minutes: 30\n', 'after_minutes: 0.1\n'));
    const tact = createTact(config, { catalog });
    const receiver = new FakeReceiver();
    // Customer k1's send fails both its attempts (a dead letter) until the receiver is fixed.
    let k1Down = true;
    const http: HttpPost = {
      post: async (url, headers, body) =>
        k1Down && body.includes('"customer_id":"k1"') ? { status: 503 } : receiver.post(url, headers, body),
    };
    let fired = 0;
    let scheduled = 0;
    const jobPrefix = journeyQueuePrefix({ kind: 'cluster', seeds: cluster.seeds }, prefix);
    for (let i = 0; i < 2; i++) {
      const redis = journeyCluster(cluster.seeds, false);
      clients.push(redis);
      replicas.push(
        redisJourneys({
          target: { cluster: (worker) => journeyCluster(cluster.seeds, worker) },
          redisUrl: '',
          redis,
          prefix,
          jobPrefix,
          config,
          catalog,
          tact,
          http,
          observer: { onFired: () => fired++, onScheduled: () => scheduled++ },
        }),
      );
    }
    const event = (i: number, req: Partial<RecordEventRequest__Output>) =>
      recordEvent(
        { store: tact.store, log: tact.log, clock: systemClock, onEvent: (e) => (replicas[i % 2] as Journeys).onEvent(e) },
        { item_id: '', category: '', message_id: '', channel: '', at: null, attributes: null, name: '', decision_id: '', action_id: '', customer_id: '', type: 'CART_ADD', ...req } as RecordEventRequest__Output,
      );
    const N = 40;
    for (let i = 0; i < N; i++) {
      await event(i, { customer_id: `k${i}`, type: 'CART_ADD', item_id: `item-${i}` });
      if (i % 4 === 0) await event(i + 1, { customer_id: `k${i}`, type: 'PURCHASE', item_id: `item-${i}` });
    }
    const due = N - N / 4;
    const end = Date.now() + 120_000;
    while ((fired < due || receiver.delivered.length < scheduled - 1) && Date.now() < end) await sleep(100);
    await sleep(1000);
    expect(fired).toBe(due);
    // The failed send's second attempt may still be in flight: wait for the replicas' own view of the list.
    while ((await (replicas[0] as Journeys).delivery.deadLetters.list()).length === 0 && Date.now() < end) await sleep(100);
    const seeds = ['--redis-cluster', cluster.seeds, '--redis-prefix', prefix];
    const listed = await cli('dead-letters', 'list', '--json', ...seeds);
    expect(listed.code).toBe(0);
    const dead = listed.out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; customer_id: string; attempts: number });
    expect(dead.map((d) => [d.customer_id, d.attempts])).toEqual([['k1', 2]]);
    k1Down = false;
    expect((await cli('dead-letters', 'replay', '--all', ...seeds)).out).toBe(`replayed ${dead[0]!.id}\n`);
    while (receiver.delivered.length < scheduled && Date.now() < end) await sleep(100);
    expect(scheduled).toBeGreaterThan(due * 0.8);
    const customers = receiver.delivered.map((d) => String(d.data['customer_id']));
    expect(customers).toHaveLength(scheduled);
    expect(new Set(customers).size).toBe(scheduled);
    expect(customers.some((c) => Number(c.slice(1)) % 4 === 0)).toBe(false);
    expect(receiver.delivered.every((d) => receiver.signed(d))).toBe(true);
    expect(receiver.delivered.find((d) => d.data['customer_id'] === 'k1')?.headers['webhook-id']).toBe(dead[0]!.id);
  }, 240_000);
});
