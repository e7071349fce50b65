import { Redis } from 'ioredis';
import type { TactConfig } from '../config.js';
import { BullJobQueue } from '../jobs/bullmq-job-queue.js';
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

export type JourneyBackend = { readonly kind: 'redis'; readonly url: string } | { readonly kind: 'memory'; readonly warning?: string };

/**
 * Where this replica keeps timers, sends and trigger state. On a Redis
 * Cluster the journeys do not run on Redis yet (BullMQ would need every
 * queue key under one hash tag, and that is not built or tested): they run
 * in memory, and the replica says so at start, because in a fleet that is
 * more than a durability loss: a cancelling event recorded on another
 * replica is not seen by this one's timers.
 */
export function journeyBackend(config: Pick<TactConfig, 'redisUrl' | 'redisCluster'>, storeKind: string): JourneyBackend {
  if (storeKind === 'redis' && config.redisUrl) return { kind: 'redis', url: config.redisUrl };
  if (config.redisCluster) {
    return {
      kind: 'memory',
      warning:
        'journeys are not supported on --redis-cluster yet: trigger timers, queued sends and trigger state live in this process, ' +
        'so a restart loses them and a cancelling event (a purchase) recorded on another replica does not cancel this one\'s timers; ' +
        'route each customer to one replica, or run journeys on a fleet with --redis (docs/journeys.md)',
    };
  }
  return { kind: 'memory' };
}

/**
 * Trigger rules and delivery on this replica. Memory mode: in-process queues
 * (a crash loses pending timers and sends, docs/journeys.md). Redis mode:
 * BullMQ queues and trigger state in the fleet's Redis, so timers and
 * pending sends survive a replica's kill -9 and each runs on one replica.
 */
export function openJourneys(config: TactConfig, tact: Tact, metrics: TactMetrics): OpenJourneys {
  const backend = journeyBackend(config, tact.store.kind);
  if (backend.kind === 'memory' && backend.warning) tact.logger.warn({ problem: backend.warning }, 'journeys run in memory mode on this replica');
  const redisUrl = backend.kind === 'redis' ? backend.url : undefined;
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  redis?.on('error', (err) => tact.logger.debug({ err }, 'journeys Redis connection error'));
  let queues: QueueFactory;
  let state: TriggerState;
  if (redisUrl && redis) {
    const settings = { url: redisUrl, prefix: journeyJobPrefix(config.redisPrefix), lockMs: config.journeyLockMs };
    queues = <T>(name: string, options: QueueOptions) => new BullJobQueue<T>(name, options, settings, tact.clock);
    state = new RedisTriggerState(redis, config.redisPrefix, JOURNEY_STATE_RETENTION_MS);
  } else {
    queues = new MemoryQueues(tact.clock, realWakeups).create;
    state = new MemoryTriggerState();
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
