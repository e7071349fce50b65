import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { RedisCampaignStore } from '../../src/campaigns/redis-campaign-store.js';
import { ManualClock } from '../../src/core/clock.js';
import { RedisSegmentStore } from '../../src/segments/redis-segment-store.js';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import { audience, DAY, drain, expectCampaignInvariants, killAfter, NOON, replica, START } from './harness.js';

const URL = 'redis://127.0.0.1:6379';

/**
 * Two replicas (each its own RedisStore, engine and campaign runner on one
 * Redis prefix) run one campaign at once; A "dies" at decision killAfter + 1
 * (made, never marked) holding its chunk; B finishes after the lease lapses.
 */
export async function twoRedisReplicas(o: { customers: number; sms: number; killAfter: number }): Promise<{ sms: number; decided: number; a: number; b: number }> {
  const prefix = `test-cmp-${randomBytes(5).toString('hex')}`;
  const connections: Redis[] = [];
  const conn = () => {
    const c = new Redis(URL, { maxRetriesPerRequest: 2 });
    connections.push(c);
    return c;
  };
  const store1 = await RedisStore.connect({ url: URL, prefix });
  const store2 = await RedisStore.connect({ url: URL, prefix });
  try {
    const clock = new ManualClock(NOON);
    const segA = new RedisSegmentStore(conn(), prefix, 400 * DAY);
    const start = { ...START, budgets: { perChannelPerDay: { sms: o.sms } } };
    const a = replica({ clock, store: store1, campaignStore: new RedisCampaignStore(conn(), prefix), segmentStore: segA, wrap: killAfter(o.killAfter) });
    const b = replica({ clock, store: store2, campaignStore: new RedisCampaignStore(conn(), prefix), segmentStore: new RedisSegmentStore(conn(), prefix, 400 * DAY) });
    await audience(segA, 'free_users', o.customers);
    await a.campaigns.start(start);
    let failed: unknown;
    void drain(a, start.id).catch((err: unknown) => (failed = err));
    await drain(b, start.id);
    expect(failed).toBeUndefined();
    expect(a.decisions.length).toBe(o.killAfter + 1);
    expect((await b.campaigns.get(start.id)).progress.phase).toBe('sending');
    clock.advance(31_000);
    await drain(b, start.id);
    const all = [...a.decisions, ...b.decisions];
    const { sms, decided } = expectCampaignInvariants(all, o.customers, o.sms);
    const { progress } = await b.campaigns.get(start.id);
    expect(progress.phase).toBe('done');
    expect(progress.seen).toBe(o.customers);
    expect(progress.decided).toBe(decided);
    expect(progress.sentByChannel['sms']).toBe(sms);
    const figures = { sms, decided, a: new Set(a.decisions.map((d) => d.decisionId)).size, b: new Set(b.decisions.map((d) => d.decisionId)).size };
    console.log(`redis, ${o.customers} customers: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await store1.close();
    await store2.close();
    const c = conn();
    const keys = await c.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 500) await c.del(...keys.slice(i, i + 500));
    for (const x of connections) x.disconnect();
  }
}
