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

/**
 * Trigger rules and delivery on this replica. Memory mode: in-process queues
 * (a crash loses pending timers and sends, docs/journeys.md). Redis mode:
 * BullMQ queues and trigger state in the fleet's Redis, so timers and
 * pending sends survive a replica's kill -9 and each runs on one replica.
 */
export function openJourneys(config: TactConfig, tact: Tact, metrics: TactMetrics): OpenJourneys {
  const redisUrl = tact.store.kind === 'redis' ? config.redisUrl : undefined;
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
