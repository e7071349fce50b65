import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { BullJobQueue } from '../../src/jobs/bullmq-job-queue.js';
import type { JobQueue, QueueOptions } from '../../src/jobs/job-queue.js';
import { MemoryJobQueue } from '../../src/jobs/memory-job-queue.js';
import { deleteByPrefix, REDIS_URL } from '../store/redis-support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const options = (rememberDoneMs: number): QueueOptions => ({ maxAttempts: 1, backoffMs: () => 10, concurrency: 1, ratePerSecond: 0, rememberDoneMs });

/** Add job "a", let it run to completion, then try to add "a" again. */
async function addAfterDone(queue: JobQueue<number>, done: () => Promise<void>): Promise<boolean> {
  let ran = 0;
  queue.process(async () => {
    ran++;
  });
  expect(await queue.add({ id: 'a', runAt: 0, data: 1 })).toBe(true);
  await done();
  expect(ran).toBe(1);
  return queue.add({ id: 'a', runAt: 0, data: 2 });
}

describe('a completed job id (rememberDoneMs)', () => {
  it('memory: refuses the same id while remembered, takes it again after', async () => {
    const clock = new ManualClock(1_000_000);
    const queue = new MemoryJobQueue<number>('q', options(60_000), clock);
    expect(await addAfterDone(queue, async () => void (await queue.runDue()))).toBe(false);
    clock.set(1_000_000 + 60_001);
    expect(await queue.add({ id: 'a', runAt: 0, data: 3 })).toBe(true);
  });

  it('memory: without it, the id is free again at once (a delay trigger reuses its id)', async () => {
    const queue = new MemoryJobQueue<number>('q', options(0), new ManualClock(0));
    expect(await addAfterDone(queue, async () => void (await queue.runDue()))).toBe(true);
  });

  describe('BullMQ', () => {
    const prefix = `jq-${randomBytes(5).toString('hex')}`;
    const redis = new Redis(REDIS_URL);
    const queues: BullJobQueue<number>[] = [];
    const open = (name: string, remember: number) => {
      const q = new BullJobQueue<number>(name, options(remember), { target: { url: REDIS_URL }, prefix, lockMs: 5000 }, systemClock);
      queues.push(q);
      return q;
    };
    const completed = (q: BullJobQueue<number>) => async () => {
      const end = Date.now() + 60_000;
      while ((await q.pendingCount()) > 0 && Date.now() < end) await sleep(50);
    };
    afterAll(async () => {
      await Promise.all(queues.map((q) => q.close()));
      await deleteByPrefix(redis, `${prefix}:*`);
      redis.disconnect();
    });

    it('refuses the same id while remembered, and a completed job cannot be removed', async () => {
      const q = open('remember', 3_600_000);
      expect(await addAfterDone(q, completed(q))).toBe(false);
      expect(await q.remove('a')).toBe(false);
    });

    it('without it, the id is free again at once', async () => {
      const q = open('forget', 0);
      expect(await addAfterDone(q, completed(q))).toBe(true);
    });
  });
});
