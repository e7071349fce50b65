import type { Cluster, Redis } from 'ioredis';

/** One Redis or a Redis Cluster: the store speaks to either the same way. */
export type RedisClient = Redis | Cluster;
