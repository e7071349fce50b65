import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../src/store/redis/client.js';
import { deleteByPrefix } from '../store/redis-support.js';
import { dumpUntil, parameters, startReplica, stopReplica, type Replica, type ReplicaOptions } from './replica.js';

const CANDIDATES = [
  { id: 'a', features: { numeric: { discount: 0 } } },
  { id: 'b', features: { numeric: { discount: 0.1 } } },
  { id: 'c', features: { categorical: { tone: 'urgent' } } },
];

/** Where the fleet's Redis is: resolved in beforeAll (a test cluster starts there). */
export type FleetTarget = () => Pick<ReplicaOptions, 'redisUrl' | 'redisCluster'>;

/**
 * Two replica processes on one Redis or one Redis Cluster: they learn as one,
 * hold caps together, and a killed replica comes back to the fleet state.
 */
export function fleetSuite(name: string, target: FleetTarget): void {
describe(`a fleet of two replica processes on ${name}`, () => {
  const prefix = `fleet-${randomBytes(5).toString('hex')}`;
  const dumpDir = mkdtempSync(path.join(tmpdir(), 'tact-fleet-'));
  let redis: RedisClient;
  let one: Replica;
  let two: Replica;
  let rewardsJoined = 0;
  const replica = () => startReplica({ ...target(), prefix, dumpDir });

  beforeAll(async () => {
    const t = target();
    redis = t.redisCluster
      ? new Cluster(t.redisCluster.split(',').map((hp) => ({ host: hp.split(':')[0], port: Number(hp.split(':')[1]) })))
      : new Redis(t.redisUrl ?? '');
    [one, two] = await Promise.all([replica(), replica()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([one, two].filter(Boolean).map((r) => stopReplica(r)));
    await deleteByPrefix(redis, `${prefix}:*`);
    redis.disconnect();
    rmSync(dumpDir, { recursive: true, force: true });
  });

  /** Decide on `decider`, reward on `rewarder`: `n` times, with customer-specific contexts. */
  async function traffic(decider: Replica, rewarder: Replica, n: number, tag: string): Promise<number> {
    let joined = 0;
    for (let i = 0; i < n; i++) {
      const d = await decider.client.decide({
        customer_id: `${tag}-${i}`,
        trigger: 'visit',
        context: { numeric: { age: 20 + (i % 50), basket: i * 1.5 }, categorical: { segment: i % 3 ? 'new' : 'vip' } },
        candidates: CANDIDATES,
      });
      const r = await rewarder.client.reward({ decision_id: d.decision_id, value: (i % 7) / 7, event_id: `${tag}-e${i}` });
      if (r.status === 'JOINED') joined++;
    }
    return joined;
  }

  it('learns as one: Decide on one, Reward on the other, equal parameters', async () => {
    rewardsJoined += await traffic(one, two, 60, 'x');
    rewardsJoined += await traffic(two, one, 40, 'y');
    expect(rewardsJoined).toBe(100);
    const done = (d: { policies: Record<string, { updates: number }> }) => d.policies.default?.updates === rewardsJoined;
    const [a, b] = await Promise.all([dumpUntil(one, dumpDir, done), dumpUntil(two, dumpDir, done)]);
    expect(a.policies.default?.updates).toBe(100);
    expect(a.streamId).toBe(b.streamId);
    expect(parameters(a)).toEqual(parameters(b));
  });

  it('holds frequency caps across the two replicas', async () => {
    const customer = `capped-${randomBytes(3).toString('hex')}`;
    const decisions = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 ? one : two).client.decide({ customer_id: customer, trigger: 'cart_abandoned' })),
    );
    const perChannel = new Map<string, number>();
    for (const d of decisions) for (const c of d.choices) if (!c.no_send) perChannel.set(c.channel, (perChannel.get(c.channel) ?? 0) + 1);
    // models/catalog.yaml: email 1/day, push 3/day, in_app 5/day, sms opt-in only.
    expect(perChannel.get('email') ?? 0).toBeLessThanOrEqual(1);
    expect(perChannel.get('push') ?? 0).toBeLessThanOrEqual(3);
    expect(perChannel.get('in_app') ?? 0).toBeLessThanOrEqual(5);
    expect(perChannel.get('sms') ?? 0).toBe(0);
    const sends = await redis.zcard(`${prefix}:{c:${customer}}:sends`);
    expect(sends).toBe([...perChannel.values()].reduce((s, n) => s + n, 0));
  });

  it('sends exactly what the caps allow across the two replicas, no fewer', async () => {
    // Client candidates on the two channels without quiet hours, so every decision may send on both
    // (top_k 2) until a cap stops it: a fleet that never sends, or stops early, fails as surely as one
    // that overshoots.
    const customer = `filled-${randomBytes(3).toString('hex')}`;
    const candidates = [
      { id: 'offer-email', channel: 'email' },
      { id: 'offer-in-app', channel: 'in_app' },
    ];
    const decisions = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 ? one : two).client.decide({ customer_id: customer, trigger: 'visit', candidates, top_k: 2 })),
    );
    const perChannel = new Map<string, number>();
    for (const d of decisions) for (const c of d.choices) if (!c.no_send) perChannel.set(c.channel, (perChannel.get(c.channel) ?? 0) + 1);
    // models/catalog.yaml: email 1/day, in_app 5/day.
    expect(Object.fromEntries(perChannel)).toEqual({ email: 1, in_app: 5 });
    expect(await redis.zcard(`${prefix}:{c:${customer}}:sends`)).toBe(6);
  });

  it('a replica killed with -9 comes back to the fleet state; no joined reward is lost', async () => {
    rewardsJoined += await traffic(one, two, 30, 'before');
    await stopReplica(one, 'SIGKILL');
    // The fleet keeps learning while it is down.
    rewardsJoined += await traffic(two, two, 30, 'during');
    one = await replica();
    rewardsJoined += await traffic(one, two, 10, 'after');
    const done = (d: { policies: Record<string, { updates: number }> }) => d.policies.default?.updates === rewardsJoined;
    const [a, b] = await Promise.all([dumpUntil(one, dumpDir, done), dumpUntil(two, dumpDir, done)]);
    expect(rewardsJoined).toBe(170);
    expect(a.policies.default?.updates).toBe(rewardsJoined);
    expect(b.policies.default?.updates).toBe(rewardsJoined);
    expect(parameters(a)).toEqual(parameters(b));
    expect(await redis.hget(`${prefix}:{u}:snapshot`, 'id')).toMatch(/^\d+-\d+$/);
  });
});
}
