import { Redis } from 'ioredis';
import type { TactConfig } from '../config.js';
import { Campaigns } from '../campaigns/campaigns.js';
import { MemoryCampaignStore, type CampaignStore } from '../campaigns/campaign-store.js';
import { RedisCampaignStore } from '../campaigns/redis-campaign-store.js';
import type { Tact } from '../main.js';
import { RedisSegmentStore } from '../segments/redis-segment-store.js';
import { MemorySegmentStore, type SegmentStore } from '../segments/segment-store.js';
import { Segments, segmentEventName } from '../segments/segments.js';
import type { RedisClient } from '../store/redis/client.js';
import type { Journeys } from '../triggers/journeys.js';
import { CampaignMetrics } from '../metrics/campaign-metrics.js';
import { METRIC_PREFIX, type TactMetrics } from '../metrics/registry.js';
import { journeyBackend, journeyCluster } from './open-journeys.js';

export interface OpenCampaigns {
  readonly segments: Segments;
  readonly campaigns: Campaigns;
  /** Segment time checks and campaign work on timers. */
  start(): void;
  close(): Promise<void>;
}

/** Segment facts outlive the longest window (366 days) and lifecycle boundary a catalog may set. */
const SEGMENT_RETENTION_MS = 400 * 86_400_000;
/** Members per campaign chunk (one lease). */
const CHUNK_SIZE = 100;

/**
 * Segments and campaigns on this replica, in the same backend as the
 * journeys: memory, or the fleet's Redis (one Redis or a cluster), where
 * membership, campaign cursors and budgets are shared by every replica.
 * A segment entry or exit is handed to the trigger rules as the event
 * `segment.<id>.entered` / `.left`.
 */
export function openCampaigns(config: TactConfig, tact: Tact, journeys: Journeys, metrics: TactMetrics): OpenCampaigns {
  const observer = new CampaignMetrics(metrics.registry, METRIC_PREFIX);
  const backend = journeyBackend(config, tact.store.kind);
  let redis: RedisClient | undefined;
  let segmentStore: SegmentStore;
  let campaignStore: CampaignStore;
  if (backend.kind === 'memory') {
    segmentStore = new MemorySegmentStore();
    campaignStore = new MemoryCampaignStore();
  } else {
    redis = backend.kind === 'redis' ? new Redis(backend.url, { maxRetriesPerRequest: 2 }) : journeyCluster(backend.seeds, false);
    redis.on('error', (err) => tact.logger.debug({ err }, 'campaigns Redis connection error'));
    segmentStore = new RedisSegmentStore(redis, config.redisPrefix, SEGMENT_RETENTION_MS);
    campaignStore = new RedisCampaignStore(redis, config.redisPrefix);
  }
  const segments = new Segments({
    catalog: () => tact.catalog(),
    loadCustomer: (id, at) => tact.store.loadCustomer(id, at),
    store: segmentStore,
    clock: tact.clock,
    onChange: (c) => {
      observer.onSegmentChange(c.segment, c.change);
      return journeys.onEvent({ customerId: c.customerId, name: segmentEventName(c), at: c.at });
    },
  });
  const campaigns = new Campaigns({
    catalog: () => tact.catalog(),
    store: campaignStore,
    segments,
    decide: (input) => tact.engine.decide(input),
    estimate: (input) => tact.engine.estimateUplift(input),
    deliver: (decision, origin) => journeys.deliver(decision, origin),
    clock: tact.clock,
    log: tact.log,
    logger: tact.logger,
    leaseMs: config.journeyLockMs,
    chunkSize: CHUNK_SIZE,
    observer,
  });
  let sweeper: NodeJS.Timeout | undefined;
  let ticking = false;
  return {
    segments,
    campaigns,
    start() {
      // Time passing: customers whose window or lifecycle boundary is due, every sweep interval.
      sweeper = setInterval(() => {
        if (ticking) return;
        ticking = true;
        segments
          .tick()
          .catch((err: unknown) => tact.logger.error({ err }, 'segment time checks failed'))
          .finally(() => (ticking = false));
      }, config.sweepIntervalMs);
      sweeper.unref();
      campaigns.startLoop();
    },
    async close() {
      if (sweeper) clearInterval(sweeper);
      await campaigns.stopLoop();
      redis?.disconnect();
    },
  };
}
