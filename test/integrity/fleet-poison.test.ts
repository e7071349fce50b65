import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { allFinite } from '../../src/policies/learner-guard.js';
import { deleteByPrefix, REDIS_URL } from '../store/redis-support.js';
import { grpcError, TestClient } from '../support/grpc-client.js';

const CANDIDATES = [
  { id: 'a', channel: 'web', features: { numeric: { discount: 0.1 } } },
  { id: 'b', channel: 'web', features: { categorical: { tone: 'urgent' } } },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Replicas in this process (each its own server, store and Redis
 * connections on one prefix): the fleet code path without spawning, so the
 * test stays fast. test/fleet/ covers replicas as separate processes.
 */
describe('the issue 10 poisoning attempts on a fleet of two replicas (Redis)', () => {
  const prefix = `poison-${randomBytes(5).toString('hex')}`;
  const redis = new Redis(REDIS_URL);
  const replicas: { running: RunningTact; client: TestClient; log: string[] }[] = [];

  async function replica() {
    const log: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (c: Buffer, _e, done) => (log.push(c.toString()), done()) }));
    const config = configSchema.parse({
      listen: '127.0.0.1:0',
      metricsListen: '127.0.0.1:0',
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      snapshotIntervalMs: 200,
      seed: 1 + replicas.length,
    });
    const running = await serve(config, { logger });
    const r = { running, client: new TestClient(`127.0.0.1:${running.grpc.port}`), log };
    replicas.push(r);
    return r;
  }
  afterAll(async () => {
    for (const r of replicas) {
      r.client.close();
      await r.running.stop();
    }
    await deleteByPrefix(redis, `${prefix}:*`);
    redis.disconnect();
  });

  const updates = (r: { running: RunningTact }) => r.running.tact.policies.get().learner.updates;
  const finite = (r: { running: RunningTact }) => r.running.tact.policies.all().every((p) => allFinite(p.learner.snapshot().state));
  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 300 && !check(); i++) await sleep(50);
  }

  it('keeps both replicas finite, and a third replica starts past a snapshot holding a non-finite number', async () => {
    const one = await replica();
    const two = await replica();
    let rewarded = 0;
    for (let i = 0; i < 12; i++) {
      const d = await one.client.decide({ customer_id: `p${i}`, trigger: 't', context: { numeric: { x: 1 + i } }, candidates: CANDIDATES });
      // Rewards on the other replica: negative, and two at the bound whose sum is beyond it.
      expect((await two.client.reward({ decision_id: d.decision_id, value: i % 2 ? -0.02 : 1e6, event_id: 'r1' })).status).toBe('JOINED');
      expect((await two.client.reward({ decision_id: d.decision_id, value: 1e6, event_id: 'r2' })).status).toBe('JOINED');
      rewarded++;
      for (const value of [1e308, 1e12]) {
        expect((await grpcError(two.client.reward({ decision_id: d.decision_id, value, event_id: 'r3' }))).code).toBe(grpc.status.INVALID_ARGUMENT);
      }
    }
    const poison = await grpcError(one.client.decide({ customer_id: 'p', trigger: 't', context: { numeric: { x: 1e155 } }, candidates: CANDIDATES }));
    expect(poison.code).toBe(grpc.status.INVALID_ARGUMENT);
    await until(() => updates(one) >= 2 * rewarded && updates(two) >= 2 * rewarded);
    for (const r of [one, two]) {
      expect(updates(r)).toBe(2 * rewarded);
      expect(finite(r)).toBe(true);
      const scores = (await r.client.decide({ customer_id: 'q', trigger: 't', context: { numeric: { x: 3 } }, candidates: CANDIDATES })).choices.map((c) => c.score);
      for (const s of scores) expect(Number.isFinite(s)).toBe(true);
    }

    // A snapshot as an older version wrote it: a non-finite number serialised as null. The one it
    // replaced stays beside it, and the stream still holds every update after that one. The two
    // replicas stop first, or one of them may store a newer snapshot over the poisoned one.
    for (const r of replicas.splice(0)) {
      r.client.close();
      await r.running.stop();
    }
    const key = `${prefix}:{u}:snapshot`;
    for (let i = 0; i < 100 && !(await redis.hget(key, 'id')); i++) await sleep(50);
    const [id, body] = await redis.hmget(key, 'id', 'body');
    expect(id).toBeTruthy();
    const [ms, seq] = id!.split('-').map(Number) as [number, number];
    const poisoned = body!.replace(/"b":\[[-0-9.e+]+/, '"b":[null');
    expect(poisoned).not.toBe(body);
    await redis.hset(key, 'prevId', id!, 'prevBody', body!, 'id', `${ms}-${seq + 1}`, 'body', poisoned);

    const third = await replica();
    expect(third.log.join('')).toContain('learner snapshot unusable');
    await until(() => updates(third) >= 2 * rewarded);
    expect(updates(third)).toBe(2 * rewarded);
    expect(finite(third)).toBe(true);
  });
});
