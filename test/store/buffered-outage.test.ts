import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { BufferedStore } from '../../src/store/redis/buffer.js';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import { freePort } from '../support/free-port.js';
import { ScratchRedis } from '../support/scratch-redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * After an outage, a reward for a decision Redis does not hold may be for
 * one still waiting in another replica's buffer: it is refused UNAVAILABLE
 * (retry) for the replay horizon, and only then answered unknown (NOT_FOUND).
 */
describe('the outage buffer after Redis returns', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tact-buffer-'));
  let redis: ScratchRedis;
  let inner: RedisStore;
  let store: BufferedStore;
  let now = Date.UTC(2026, 11, 2);

  beforeAll(async () => {
    redis = new ScratchRedis(await freePort(), dir);
    await redis.start();
    inner = await RedisStore.connect({ url: redis.url, prefix: `buf-${randomBytes(4).toString('hex')}` });
    store = new BufferedStore(inner, pino({ level: 'silent' }), { retryMs: 60_000, replayHorizonMs: 120_000, now: () => now });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const reward = (decisionId: string, issuedBy?: number) =>
    store.joinReward({ decisionId, actionId: '', value: 1, eventId: 'e1', now, ...(issuedBy === undefined ? {} : { issuedBy }) });

  it('answers unknown at once while no outage was seen, unless the decision was issued in the last 30 s', async () => {
    await expect(reward('never-issued-1')).resolves.toEqual({ status: 'unknown' });
    await expect(reward('never-issued-1', now - 31_000)).resolves.toEqual({ status: 'unknown' });
    // Its window end puts the issue time in the future: no decision of ours, nothing to wait for.
    await expect(reward('never-issued-1', now + 1000)).resolves.toEqual({ status: 'unknown' });
    // Another replica may be replaying it after a failover this one did not see.
    await expect(reward('young-1', now - 29_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.stats.rewardsDeferred).toBe(1);
    store.stats.rewardsDeferred = 0;
  });

  it('refuses the reward of an unknown decision as retryable until the replay horizon has passed', async () => {
    await redis.stop();
    await until(() => !inner.available, 'the store to see Redis go');
    await redis.start();
    await until(() => inner.available, 'the store to see Redis return');

    await expect(reward('never-issued-2')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.stats.rewardsDeferred).toBe(1);
    now += 119_000;
    await expect(reward('never-issued-2')).rejects.toBeInstanceOf(StoreUnavailableError);
    now += 2_000;
    await expect(reward('never-issued-2')).resolves.toEqual({ status: 'unknown' });
    expect(store.stats.rewardsDeferred).toBe(2);
  });
});
