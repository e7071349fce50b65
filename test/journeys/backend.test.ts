import { describe, expect, it } from 'vitest';
import { journeyBackend, journeyQueuePrefix } from '../../src/cli/open-journeys.js';

describe('where journeys keep their timers and sends', () => {
  it('one Redis: BullMQ and trigger state in it', () => {
    expect(journeyBackend({ redisUrl: 'redis://h:6379' }, 'redis')).toEqual({ kind: 'redis', url: 'redis://h:6379' });
  });

  it('a Redis Cluster: BullMQ on the cluster, under a hash-tag prefix (one slot per queue key set)', () => {
    const b = journeyBackend({ redisCluster: 'h1:7000,h2:7001' }, 'redis');
    expect(b).toEqual({ kind: 'cluster', seeds: 'h1:7000,h2:7001' });
    expect(journeyQueuePrefix(b, 'tact')).toBe('{tact:jobs}');
    expect(journeyQueuePrefix({ kind: 'redis', url: 'redis://h' }, 'tact')).toBe('tact:jobs');
  });

  it('no Redis: memory', () => {
    expect(journeyBackend({}, 'memory')).toEqual({ kind: 'memory' });
  });
});
