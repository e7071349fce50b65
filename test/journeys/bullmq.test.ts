import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';
import { configSchema } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import { createTact } from '../../src/main.js';
import { recordEvent } from '../../src/server/customer-service.js';
import type { RecordEventRequest__Output } from '../../src/server/generated/tact/v1/RecordEventRequest.js';
import { Journeys } from '../../src/triggers/journeys.js';
import { deleteByPrefix, REDIS_URL } from '../store/redis-support.js';
import { FakeReceiver, JOURNEY_CATALOG, redisJourneys, SECRET } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two replicas' journeys (own BullMQ workers, own trigger-state clients) on
 * one real Redis and one decision store: every customer's timer fires on one
 * replica only and its send goes out once.
 */
describe('journeys on BullMQ (Redis mode), two replicas in one process', () => {
  const prefix = `journeys-${randomBytes(5).toString('hex')}`;
  const redis = new Redis(REDIS_URL);
  const replicas: Journeys[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await deleteByPrefix(redis, `${prefix}:*`);
    redis.disconnect();
  });

  it('100 carts, events split over two replicas, two abandoned: exactly one signed send per abandoned cart', async () => {
    const config = configSchema.parse({ logLevel: 'silent', webhookUrl: 'http://receiver.test/hooks', webhookSecret: SECRET, deliveryBackoffMs: 50 });
    // 0.1 minutes: due 6 s after each cart, so a buyer's purchase, sent right after its cart, cancels it
    // even on a machine loaded many times over (test/journeys/cluster.test.ts saw 1.2 s lost to load).
    const catalog = parseCatalog(JOURNEY_CATALOG.replace('after_minutes: 30\n', 'after_minutes: 0.1\n'));
    const tact = createTact(config, { catalog });
    const receiver = new FakeReceiver();
    receiver.script = [500];
    const clients: Redis[] = [];
    const fired: string[] = [];
    const cancelled: string[] = [];
    let scheduled = 0;
    const observer = {
      onFired: () => fired.push('x'),
      onCancelled: (_t: string, reason: string) => cancelled.push(reason),
      onScheduled: () => scheduled++,
    };
    for (let i = 0; i < 2; i++) {
      const client = new Redis(REDIS_URL);
      clients.push(client);
      const journeys = redisJourneys({ redisUrl: REDIS_URL, redis: client, prefix, config, catalog, tact, http: receiver, observer });
      replicas.push(journeys);
    }
    const event = (i: number, req: Partial<RecordEventRequest__Output>) =>
      recordEvent(
        { store: tact.store, log: tact.log, clock: systemClock, onEvent: (e) => (replicas[i % 2] as Journeys).onEvent(e) },
        { item_id: '', category: '', message_id: '', channel: '', at: null, attributes: null, name: '', decision_id: '', action_id: '', customer_id: '', type: 'CART_ADD', ...req } as RecordEventRequest__Output,
      );
    const N = 100;
    for (let i = 0; i < N; i++) {
      await event(i, { customer_id: `c${i}`, type: 'CART_ADD', item_id: `item-${i}` });
      // The same cart add delivered twice (a client retry), to the other replica: deduped by the job id.
      if (i % 10 === 0) await event(i + 1, { customer_id: `c${i}`, type: 'CART_ADD', item_id: `item-${i}` });
      // Every fourth customer checks out before the timer, on the other replica.
      if (i % 4 === 0) await event(i + 1, { customer_id: `c${i}`, type: 'PURCHASE', item_id: `item-${i}` });
    }
    const due = N - N / 4;
    const end = Date.now() + 150_000;
    while ((fired.length < due || receiver.delivered.length < scheduled) && Date.now() < end) await sleep(100);
    await sleep(1500);
    // Every due trigger fired once; a firing whose decision was no-send schedules nothing.
    expect(fired).toHaveLength(due);
    expect(cancelled).toEqual(Array(N / 4).fill('cancel_event'));
    expect(scheduled).toBeGreaterThan(due * 0.9);
    const expected = scheduled;
    const byCustomer = new Map<string, number>();
    for (const d of receiver.delivered) byCustomer.set(String(d.data['customer_id']), (byCustomer.get(String(d.data['customer_id'])) ?? 0) + 1);
    expect(receiver.delivered).toHaveLength(expected);
    expect([...byCustomer.values()].every((n) => n === 1)).toBe(true);
    expect([...byCustomer.keys()].some((c) => Number(c.slice(1)) % 4 === 0)).toBe(false);
    expect(receiver.delivered.every((d) => receiver.signed(d))).toBe(true);
    // The one 500 was retried with the same id.
    const failed = receiver.attempts.find((a) => a.status === 500)!;
    expect(receiver.delivered.filter((d) => d.headers['webhook-id'] === failed.headers['webhook-id'])).toHaveLength(1);
    for (const c of clients) c.disconnect();
  }, 240_000);
});
