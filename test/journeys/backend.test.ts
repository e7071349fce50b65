import { describe, expect, it } from 'vitest';
import { journeyBackend } from '../../src/cli/open-journeys.js';

describe('where journeys keep their timers and sends', () => {
  it('one Redis: BullMQ and trigger state in it', () => {
    expect(journeyBackend({ redisUrl: 'redis://h:6379' }, 'redis')).toEqual({ kind: 'redis', url: 'redis://h:6379' });
  });

  it('a Redis Cluster: memory, with a warning that names what is lost (not silently)', () => {
    const b = journeyBackend({ redisCluster: 'h1:7000,h2:7001' }, 'redis');
    expect(b.kind).toBe('memory');
    expect(b.kind === 'memory' && b.warning).toMatch(/not supported on --redis-cluster.*another replica/);
  });

  it('no Redis: memory, nothing to warn about (memory mode is documented)', () => {
    expect(journeyBackend({}, 'memory')).toEqual({ kind: 'memory' });
  });
});
