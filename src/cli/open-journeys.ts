import type { TactConfig } from '../config.js';
import { MemoryQueues, realWakeups } from '../jobs/memory-job-queue.js';
import { JourneyMetrics } from '../metrics/journey-metrics.js';
import { METRIC_PREFIX, type TactMetrics } from '../metrics/registry.js';
import type { Tact } from '../main.js';
import { Journeys } from '../triggers/journeys.js';
import { MemoryTriggerState } from '../triggers/trigger-state.js';

export interface OpenJourneys {
  readonly journeys: Journeys;
  readonly metrics: JourneyMetrics;
  close(): Promise<void>;
}

/**
 * Trigger rules and delivery on this replica: memory queues (a crash loses
 * pending timers and sends, docs/journeys.md).
 */
export function openJourneys(config: TactConfig, tact: Tact, metrics: TactMetrics): OpenJourneys {
  const queues = new MemoryQueues(tact.clock, realWakeups);
  let journeys: Journeys | undefined;
  const journeyMetrics = new JourneyMetrics(metrics.registry, METRIC_PREFIX, async () =>
    journeys ? (await journeys.delivery.deadLetters(10_000)).length : 0,
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
    queues: queues.create,
    triggerState: new MemoryTriggerState(),
    random: Math.random,
    observer: journeyMetrics,
  });
  const opened = journeys;
  return { journeys: opened, metrics: journeyMetrics, close: () => opened.close() };
}
