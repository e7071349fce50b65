import { Cluster, Redis } from 'ioredis';
import type { TactConfig } from '../config.js';
import { BullJobQueue, type BullTarget } from '../jobs/bullmq-job-queue.js';
import type { RedisClient } from '../store/redis/client.js';
import { parseClusterSeeds } from '../store/redis/connection.js';
import type { QueueOptions } from '../jobs/job-queue.js';
import { MemoryQueues, realWakeups } from '../jobs/memory-job-queue.js';
import { JourneyMetrics } from '../metrics/journey-metrics.js';
import { METRIC_PREFIX, type TactMetrics } from '../metrics/registry.js';
import type { Tact } from '../main.js';
import { Journeys, type QueueFactory } from '../triggers/journeys.js';
import { RedisTriggerState } from '../triggers/redis-trigger-state.js';
import { MemoryTriggerState, type TriggerState } from '../triggers/trigger-state.js';

export interface OpenJourneys {
  readonly journeys: Journeys;
  readonly metrics: JourneyMetrics;
  close(): Promise<void>;
}

/** Trigger state is kept this long after a customer's last event: longer than any inactivity rule (90 days). */
const JOURNEY_STATE_RETENTION_MS = 90 * 86_400_000;

/** Where the fleet's journey queues live in Redis: the server and `tact dead-letters` agree on it here. */
export function journeyJobPrefix(redisPrefix: string): string {
  return `${redisPrefix}:jobs`;
}

export type JourneyBackend = { readonly kind: 'redis'; readonly url: string } | { readonly kind: 'cluster'; readonly seeds: string } | { readonly kind: 'memory' };

/** Where this replica keeps timers, sends and trigger state: the fleet's Redis or cluster, else memory. */
export function journeyBackend(config: Pick<TactConfig, 'redisUrl' | 'redisCluster'>, storeKind: string): JourneyBackend {
  if (storeKind !== 'redis') return { kind: 'memory' };
  if (config.redisUrl) return { kind: 'redis', url: config.redisUrl };
  if (config.redisCluster) return { kind: 'cluster', seeds: config.redisCluster };
  return { kind: 'memory' };
}

/**
 * The BullMQ prefix: on a cluster a hash tag, because BullMQ's scripts touch
 * several keys of a queue at once and a cluster runs a script only on keys
 * of one slot. One tag for every queue puts them all on one master; the
 * journeys' job traffic is small beside the decisions, which stay spread.
 */
export function journeyQueuePrefix(backend: JourneyBackend, redisPrefix: string): string {
  return backend.kind === 'cluster' ? `{${journeyJobPrefix(redisPrefix)}}` : journeyJobPrefix(redisPrefix);
}

/** A cluster client for the journeys (BullMQ's workers need maxRetriesPerRequest null, everything else fails fast). */
export function journeyCluster(spec: string, worker: boolean): Cluster {
  const seeds = parseClusterSeeds(spec);
  return new Cluster(seeds.nodes, {
    redisOptions: {
      maxRetriesPerRequest: worker ? null : 2,
      ...(seeds.username ? { username: seeds.username } : {}),
      ...(seeds.password ? { password: seeds.password } : {}),
      ...(seeds.tls ? { tls: {} } : {}),
    },
  });
}

/**
 * Trigger rules and delivery on this replica. Memory mode: in-process queues
 * (a crash loses pending timers and sends, docs/journeys.md). Redis mode
 * (one Redis or a cluster): BullMQ queues and trigger state in the fleet's
 * Redis, so timers and pending sends survive a replica's kill -9 and each
 * runs on one replica.
 */
export function openJourneys(config: TactConfig, tact: Tact, metrics: TactMetrics): OpenJourneys {
  const backend = journeyBackend(config, tact.store.kind);
  let redis: RedisClient | undefined;
  let queues: QueueFactory;
  let state: TriggerState;
  if (backend.kind === 'memory') {
    queues = new MemoryQueues(tact.clock, realWakeups).create;
    state = new MemoryTriggerState();
  } else {
    const target: BullTarget = backend.kind === 'redis' ? { url: backend.url } : { cluster: (worker) => journeyCluster(backend.seeds, worker) };
    redis = backend.kind === 'redis' ? new Redis(backend.url, { maxRetriesPerRequest: 2 }) : journeyCluster(backend.seeds, false);
    redis.on('error', (err) => tact.logger.debug({ err }, 'journeys Redis connection error'));
    const settings = { target, prefix: journeyQueuePrefix(backend, config.redisPrefix), lockMs: config.journeyLockMs };
    queues = <T>(name: string, options: QueueOptions) => new BullJobQueue<T>(name, options, settings, tact.clock);
    state = new RedisTriggerState(redis, config.redisPrefix, JOURNEY_STATE_RETENTION_MS);
  }
  let journeys: Journeys | undefined;
  const journeyMetrics = new JourneyMetrics(metrics.registry, METRIC_PREFIX, async () =>
    journeys ? (await journeys.delivery.deadLetters.list(10_000)).length : 0,
  );
  journeys = new Journeys({
    settings: config,
    catalog: () => tact.catalog(),
    decide: (input) => tact.engine.decide(input),
    store: tact.store,
    contactRules: tact.contactRules,
    clock: tact.clock,
    log: tact.log,
    logger: tact.logger,
    queues,
    triggerState: state,
    ...(redis ? { streams: redis } : {}),
    random: Math.random,
    observer: journeyMetrics,
  });
  const opened = journeys;
  return {
    journeys: opened,
    metrics: journeyMetrics,
    async close() {
      await opened.close();
      redis?.disconnect();
    },
  };
}
