import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisTriggerState } from '../../src/triggers/redis-trigger-state.js';
import { MAX_FIRINGS_KEPT, MemoryTriggerState, type TriggerState } from '../../src/triggers/trigger-state.js';
import { deleteByPrefix, REDIS_URL } from '../store/redis-support.js';

const redis = new Redis(REDIS_URL);
const prefix = `tstate-${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  await deleteByPrefix(redis, `${prefix}:*`);
  redis.disconnect();
});

describe.each([
  ['memory', (): TriggerState => new MemoryTriggerState()],
  ['redis', (): TriggerState => new RedisTriggerState(redis, `${prefix}:${randomBytes(3).toString('hex')}`, 60_000)],
])('trigger state (%s): a firing is counted once', (_name, open) => {
  it('answers true the first time a firing is marked done, false when its job runs again', async () => {
    const state = open();
    expect(await state.markHandled('c1', 'job-a|100', 1000)).toBe(true);
    expect(await state.markHandled('c1', 'job-a|100', 2000)).toBe(false);
    // Another firing, or the same firing id of another customer, is new.
    expect(await state.markHandled('c1', 'job-a|200', 3000)).toBe(true);
    expect(await state.markHandled('c2', 'job-a|100', 3000)).toBe(true);
  });

  it(`remembers the last ${MAX_FIRINGS_KEPT} firings of a customer`, async () => {
    const state = open();
    for (let i = 0; i <= MAX_FIRINGS_KEPT; i++) expect(await state.markHandled('c', `f${i}`, 1000 + i)).toBe(true);
    expect(await state.markHandled('c', `f${MAX_FIRINGS_KEPT}`, 5000)).toBe(false);
    // The oldest was let go.
    expect(await state.markHandled('c', 'f0', 5000)).toBe(true);
  });
});
