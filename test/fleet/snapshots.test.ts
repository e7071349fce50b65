import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { features } from '../../src/domain/features.js';
import { DEFAULT_POLICIES } from '../../src/policies/policy-config.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { Snapshotter } from '../../src/fleet/snapshots.js';
import { redisFixture } from '../store/redis-fixture.js';
import { REDIS_URL } from '../store/redis-support.js';

const until = async (check: () => boolean): Promise<void> => {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('fleet snapshots', () => {
  it('are uploaded only by a replica whose snapshot is newer than the stored one', async () => {
    const { store: one, peer: two, cleanup } = await redisFixture({ url: REDIS_URL });
    const silent = pino({ level: 'silent' });
    const snapshotters: Snapshotter[] = [];
    try {
      for (const s of [one, two]) s.subscribe(() => undefined);
      const publish = (reward: number) =>
        one.publish({ policy: 'default', customerId: 'c', decisionId: `d${reward}`, context: features({ x: reward }), actionId: 'a', actionFeatures: features(), reward });
      for (let i = 0; i < 3; i++) await publish(i);
      await until(() => one.appliedStreamId === two.appliedStreamId && one.appliedStreamId !== '0-0');
      const uploads = [vi.spyOn(one, 'saveSnapshot'), vi.spyOn(two, 'saveSnapshot')];
      const [first, second] = [one, two].map((s) => {
        const snapshotter = new Snapshotter(s, PolicySet.fromConfig(DEFAULT_POLICIES), silent, { intervalMs: 3_600_000 });
        snapshotters.push(snapshotter);
        return snapshotter;
      }) as [Snapshotter, Snapshotter];

      await first.save();
      expect(uploads[0]).toHaveBeenCalledTimes(1);
      expect(await one.snapshotStreamId()).toBe(one.appliedStreamId);
      // The same stream id is stored already: the second replica does not send its copy.
      await second.save();
      expect(uploads[1]).not.toHaveBeenCalled();

      await publish(3);
      const before = await one.snapshotStreamId();
      await until(() => two.appliedStreamId !== before && two.appliedStreamId === one.appliedStreamId);
      await second.save();
      expect(uploads[1]).toHaveBeenCalledTimes(1);
      expect(await two.snapshotStreamId()).toBe(two.appliedStreamId);
    } finally {
      await Promise.all(snapshotters.map((s) => s.stop()));
      await cleanup();
    }
  });
});
