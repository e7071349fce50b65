import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryCampaignStore } from '../../src/campaigns/campaign-store.js';
import { RedisCampaignStore } from '../../src/campaigns/redis-campaign-store.js';
import { ManualClock } from '../../src/core/clock.js';
import type { DecideInput, Decision } from '../../src/domain/decision.js';
import { MemorySegmentStore } from '../../src/segments/segment-store.js';
import { RedisSegmentStore } from '../../src/segments/redis-segment-store.js';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import { audience, drain, expectCampaignInvariants, killAfter, NOON, replica, START, type Replica } from './harness.js';
import { twoRedisReplicas } from './two-replicas.js';


describe('campaign over 10,000 customers with a 500-SMS budget (memory)', () => {
  it('sends at most 500 SMS, decides each member at most once, reports progress', async () => {
    const clock = new ManualClock(NOON);
    const segmentStore = new MemorySegmentStore();
    const r = replica({ clock, campaignStore: new MemoryCampaignStore(), segmentStore });
    await audience(segmentStore, 'free_users', 10_000);
    await r.campaigns.start(START);
    await drain(r, 'autumn-1');
    const { sms, decided } = expectCampaignInvariants(r.decisions, 10_000);
    const { progress } = await r.campaigns.get('autumn-1');
    expect(progress.phase).toBe('done');
    expect(progress.seen).toBe(10_000);
    expect(progress.decided).toBe(decided);
    expect(progress.sentByChannel['sms']).toBe(sms);
    // The budget is spent, not left over: far more members were admitted than 500.
    expect(sms).toBe(500);
    expect(progress.admitted).toBeGreaterThan(1000);
    console.log(`memory: admitted ${progress.admitted}, decided ${decided}, sms ${sms}, email ${progress.sentByChannel['email'] ?? 0}`);
  }, 120_000);

  it('resumes after the runner is killed mid-chunk, without a second decision for anyone', async () => {
    const clock = new ManualClock(NOON);
    const segmentStore = new MemorySegmentStore();
    const campaignStore = new MemoryCampaignStore();
    const a = replica({ clock, campaignStore, segmentStore, wrap: killAfter(300) });
    await audience(segmentStore, 'free_users', 10_000);
    await a.campaigns.start(START);
    void drain(a, 'autumn-1'); // hangs at its 301st decision, holding its chunk's lease
    for (let i = 0; i < 200 && a.decisions.length <= 300; i++) await new Promise((res) => setTimeout(res, 20));
    expect(a.decisions.length).toBe(301);
    // A new runner on the same state (the process restarted its campaign loop): waits for the lease, then takes over.
    const b = replica({ clock, campaignStore, segmentStore, store: a.tact.store });
    await drain(b, 'autumn-1');
    expect((await b.campaigns.get('autumn-1')).progress.phase).toBe('sending');
    clock.advance(31_000);
    await drain(b, 'autumn-1');
    const all = [...a.decisions, ...b.decisions];
    const { sms } = expectCampaignInvariants(all, 10_000);
    const { progress } = await b.campaigns.get('autumn-1');
    expect(progress.phase).toBe('done');
    expect(progress.seen).toBe(10_000);
    expect(sms).toBe(500);
    // The member whose decision the killed runner made but never marked got the same decision back.
    expect(b.decisions.some((d) => a.decisions.at(-1)?.decisionId === d.decisionId)).toBe(true);
  }, 120_000);
});

const url = 'redis://127.0.0.1:6379';
const connections: Redis[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  for (const c of connections) c.disconnect();
});

describe('campaign on Redis with two replicas', () => {
  // The 10,000 customers / 500 SMS on Redis is test/campaigns/redis-10k.test.ts (long checks, 30 s).
  it('1,000 customers, 50-SMS budget: exact across replicas, one replica killed midway, no double decisions', async () => {
    const f = await twoRedisReplicas({ customers: 1000, sms: 50, killAfter: 100 });
    expect(f.sms).toBe(50);
  }, 120_000);
});

export type { Replica };

describe('throttle', () => {
  it('work(id, tokens) makes at most `tokens` decisions, and the next call goes on where it stopped', async () => {
    const clock = new ManualClock(NOON);
    const segmentStore = new MemorySegmentStore();
    const r = replica({ clock, campaignStore: new MemoryCampaignStore(), segmentStore });
    await audience(segmentStore, 'free_users', 1000);
    await r.campaigns.start({ ...START, id: 'slow' });
    while ((await r.campaigns.get('slow')).progress.phase === 'scoring') await r.campaigns.work('slow', 10);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = r.decisions.length;
      await r.campaigns.work('slow', 10);
      seen.push(r.decisions.length - before);
    }
    expect(Math.max(...seen)).toBeLessThanOrEqual(10);
    expect(seen.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(40);
    expect(new Set(r.decisions.map((d) => d.customerId)).size).toBe(r.decisions.length);
  });
});

describe('pause and resume', () => {
  it('a paused campaign decides nobody; resumed, it goes on where it stopped', async () => {
    const clock = new ManualClock(NOON);
    const segmentStore = new MemorySegmentStore();
    const r = replica({ clock, campaignStore: new MemoryCampaignStore(), segmentStore });
    await audience(segmentStore, 'free_users', 500);
    await r.campaigns.start({ ...START, id: 'p' });
    while ((await r.campaigns.get('p')).progress.phase === 'scoring') await r.campaigns.work('p', 50);
    await r.campaigns.work('p', 20);
    const before = r.decisions.length;
    expect(before).toBeGreaterThan(0);
    await r.campaigns.pause('p', true);
    expect(await r.campaigns.work('p', 1000)).toBe(0);
    expect(r.decisions.length).toBe(before);
    await r.campaigns.pause('p', false);
    await drain(r, 'p');
    const { progress } = await r.campaigns.get('p');
    expect(progress.phase).toBe('done');
    expect(progress.seen).toBe(500);
    expect(new Set(r.decisions.map((d) => d.customerId)).size).toBe(r.decisions.length);
  });
});

describe.each([
  ['memory', () => new MemoryCampaignStore()],
  ['redis', () => {
    const c = new Redis(url, { maxRetriesPerRequest: 2 });
    connections.push(c);
    const prefix = `test-cmpf-${randomBytes(5).toString('hex')}`;
    cleanups.push(async () => {
      const keys = await c.keys(`${prefix}*`);
      if (keys.length) await c.del(...keys);
    });
    return new RedisCampaignStore(c, prefix);
  }],
] as const)('ForgetCustomer (%s campaign store)', (_kind, make) => {
  it('a member forgotten mid-run is never decided, and leaves no trace once the run is done', async () => {
    const clock = new ManualClock(NOON);
    const segmentStore = new MemorySegmentStore();
    const store = make();
    const r = replica({ clock, campaignStore: store, segmentStore });
    const members = await audience(segmentStore, 'free_users', 300);
    await r.campaigns.start({ ...START, id: 'f', admitFloor: 1 });
    await r.campaigns.work('f', 10);
    await r.campaigns.forget('c00299');
    await drain(r, 'f');
    expect(r.decisions.some((d) => d.customerId === 'c00299')).toBe(false);
    expect(r.decisions.length).toBe(299);
    const left = [...(await store.audience('f', 0, 1000)), ...(await store.scores('f', 0, 1000)).map(([m]) => m)];
    expect(left).not.toContain('c00299');
    expect(await store.marked('f', 'c00299')).toBe(false);
    // After the run: gone at once.
    await r.campaigns.forget('c00000');
    expect(await store.audience('f', 0, 1000)).not.toContain('c00000');
    expect(await store.marked('f', 'c00000')).toBe(false);
    expect(members.length).toBe(300);
  });
});

describe.each([
  ['memory', () => new MemoryCampaignStore()],
  ['redis', () => {
    const c = new Redis(url, { maxRetriesPerRequest: 2 });
    connections.push(c);
    const prefix = `test-cmpl-${randomBytes(5).toString('hex')}`;
    cleanups.push(async () => {
      const keys = await c.keys(`${prefix}*`);
      if (keys.length) await c.del(...keys);
    });
    return new RedisCampaignStore(c, prefix);
  }],
] as const)('chunk leases (%s campaign store)', (_kind, make) => {
  it('a lease taken over by another replica is not renewed by the one that lost it', async () => {
    const store = make();
    await store.create({ id: 'l', segment: 's', trigger: 't', startAt: 0, endAt: 1, budgets: { perChannelPerDay: {} }, ratePerSecond: 1, admitFloor: 0.1, createdAt: 0 });
    expect(await store.claim('l', 'sending', 2, 1000, 100, 'a')).toBe(0);
    expect(await store.renew('l', 'sending', 0, 1050, 100, 'a')).toBe(true);
    expect(await store.claim('l', 'sending', 2, 1100, 100, 'b')).toBe(1);
    // a stalls past its lease (until 1150); b takes chunk 0 over.
    expect(await store.claim('l', 'sending', 2, 1200, 100, 'b')).toBe(0);
    expect(await store.renew('l', 'sending', 0, 1210, 100, 'a')).toBe(false);
    expect(await store.renew('l', 'sending', 0, 1210, 100, 'b')).toBe(true);
    expect(await store.claim('l', 'sending', 2, 1220, 100, 'a')).toBe(1); // b's lease on chunk 1 lapsed at 1200
    expect(await store.claim('l', 'sending', 2, 1230, 100, 'c')).toBe(-1);
    await store.finish('l', 'sending', 0);
    expect(await store.renew('l', 'sending', 0, 1240, 100, 'b')).toBe(false);
  });
});
