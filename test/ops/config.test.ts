import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig([], {});
    expect(c.listen).toBe('127.0.0.1:50051');
    expect(c.metricsListen).toBe('127.0.0.1:9464');
    expect(c.shutdownGraceMs).toBe(10_000);
  });

  it('reads --require-redis-persistence and TACT_REQUIRE_REDIS_PERSISTENCE; the default only warns', () => {
    expect(loadConfig([], {}).requireRedisPersistence).toBe(false);
    expect(loadConfig(['--require-redis-persistence'], {}).requireRedisPersistence).toBe(true);
    expect(loadConfig([], { TACT_REQUIRE_REDIS_PERSISTENCE: 'true' }).requireRedisPersistence).toBe(true);
    expect(loadConfig([], { TACT_REQUIRE_REDIS_PERSISTENCE: '0' }).requireRedisPersistence).toBe(false);
  });

  it('a --redis-cluster or --redis flag wins over the other store set in the environment; both as flags is an error', () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', TACT_REDIS_CLUSTER: '127.0.0.1:7000' };
    const cluster = loadConfig(['--redis-cluster', '127.0.0.1:7001'], { REDIS_URL: env.REDIS_URL });
    expect([cluster.redisUrl, cluster.redisCluster]).toEqual([undefined, '127.0.0.1:7001']);
    const single = loadConfig(['--redis', 'redis://127.0.0.1:6380'], { TACT_REDIS_CLUSTER: env.TACT_REDIS_CLUSTER });
    expect([single.redisUrl, single.redisCluster]).toEqual(['redis://127.0.0.1:6380', undefined]);
    expect(() => loadConfig([], env)).toThrow('not both');
    expect(() => loadConfig(['--redis', 'redis://127.0.0.1:6380', '--redis-cluster', '127.0.0.1:7001'], {})).toThrow('not both');
  });

  it('layers file < environment < flags', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tact-config-'));
    const file = path.join(dir, 'tact.yaml');
    writeFileSync(file, 'listen: 0.0.0.0:1\nmetricsListen: 0.0.0.0:2\nlogLevel: warn\n');
    const c = loadConfig(['--config', file, '--metrics-listen', '127.0.0.1:3'], { TACT_LISTEN: '127.0.0.1:4' });
    expect(c).toMatchObject({ listen: '127.0.0.1:4', metricsListen: '127.0.0.1:3', logLevel: 'warn' });
  });

  it.each([
    [['--metrics-listen', 'nope'], {}, /metricsListen: expected HOST:PORT/],
    [[], { TACT_METRICS_LISTEN: 'localhost' }, /metricsListen: expected HOST:PORT/],
    [[], { TACT_LOG_LEVEL: 'loud' }, /logLevel/],
    [['--seed', '-1'], {}, /seed/],
    [['--no-such-flag'], {}, /no-such-flag/],
  ])('names the offending field %#', (argv, env, message) => {
    expect(() => loadConfig(argv, env)).toThrow(message);
  });
});
