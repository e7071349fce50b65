import { afterAll, beforeAll, describe } from 'vitest';
import { TestRedisCluster } from '../support/redis-cluster.js';
import { fleetSuite } from './fleet-suite.js';

describe('on a Redis Cluster (3 masters, 3 replicas)', () => {
  let cluster: TestRedisCluster;
  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  fleetSuite('a Redis Cluster', () => ({ redisCluster: cluster.seeds }));
});
