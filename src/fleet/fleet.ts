import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TactConfig } from '../config.js';
import type { PolicySet } from '../policies/policy-set.js';
import { BufferedStore } from '../store/redis/buffer.js';
import { describeTarget, type RedisTarget } from '../store/redis/connection.js';
import { checkPersistence, FleetIntegrity } from '../store/redis/integrity.js';
import { RedisStore } from '../store/redis/redis-store.js';
import { loadSnapshot, restorePolicies, Snapshotter, takeSnapshot } from './snapshots.js';

/** A replica's share of fleet state: the buffered Redis store and the restored policies. */
export interface FleetState {
  readonly store: BufferedStore;
  readonly policies: PolicySet;
  /** Whether Redis kept its data; while not, marketing sends are stopped. */
  readonly integrity: FleetIntegrity;
  /**
   * After createTact subscribed: snapshots, the debug dump, and
   * `onAvailability` told each time Redis goes away or comes back (the
   * composition root decides what that means for health).
   */
  start(parts: { readonly onAvailability: (up: boolean) => void; readonly logger: Logger }): void;
  /** Save a last snapshot; the store itself is closed by Tact.close. */
  stop(): Promise<void>;
}

/**
 * Join the fleet: connect (a clear error within the connect timeout, never a
 * hang), load the newest snapshot and position the update stream after it.
 * `fresh` is the configured policies with untrained learners: what the
 * snapshot's learner state is restored into.
 */
export async function openFleet(config: TactConfig, fresh: PolicySet, logger: Logger): Promise<FleetState> {
  const target: RedisTarget = config.redisCluster
    ? { kind: 'cluster', seeds: config.redisCluster }
    : { kind: 'single', url: config.redisUrl ?? 'redis://127.0.0.1:6379' };
  const redis = await RedisStore.connect({
    ...(target.kind === 'cluster' ? { cluster: target.seeds } : { url: target.url }),
    prefix: config.redisPrefix,
    connectTimeoutMs: config.redisConnectTimeoutMs,
    ledger: { retentionMs: config.ledgerRetentionMs, maxPerCustomer: config.ledgerMaxPerCustomer },
    onWarning: (message, err) => logger.warn({ err }, message),
  });
  const integrity = new FleetIntegrity(redis.connection, redis.keys, logger, () => redis.available);
  try {
    await checkPersistence(redis.connection, config.requireRedisPersistence, logger);
    await integrity.open();
  } catch (err) {
    await redis.close();
    throw err;
  }
  let policies = fresh;
  try {
    const snapshot = await loadSnapshot(redis, config.snapshotFile, logger);
    if (snapshot) {
      policies = restorePolicies(fresh, snapshot, logger);
      redis.startFrom(snapshot.streamId);
    }
    logger.info(
      { redis: describeTarget(target), prefix: config.redisPrefix, snapshot: snapshot?.streamId ?? 'none' },
      'joined the fleet; replaying updates after the snapshot',
    );
  } catch (err) {
    await redis.close();
    throw err;
  }
  const store = new BufferedStore(redis, logger, {
    maxPending: config.redisBufferMax,
    failClosedChannels: config.capsFailClosed.split(',').map((c) => c.trim()).filter(Boolean),
    sendGate: integrity,
    onConnectionLost: () => integrity.connectionLost(),
  });
  // A restart always drops the connection: check the marker as soon as Redis is back.
  redis.onAvailability((up) => {
    if (up) void integrity.reconnected();
  });
  let snapshotter: Snapshotter | undefined;
  let dump: (() => void) | undefined;
  return {
    store,
    policies,
    integrity,
    start({ onAvailability, logger: log }) {
      store.setLogger(log);
      integrity.setLogger(log);
      integrity.start();
      snapshotter = new Snapshotter(redis, policies, log, {
        intervalMs: config.snapshotIntervalMs,
        ...(config.snapshotFile ? { file: config.snapshotFile } : {}),
      });
      redis.onAvailability(onAvailability);
      const dir = process.env.TACT_DEBUG_DUMP_DIR;
      if (dir) {
        // Test hook (env-guarded): SIGUSR2 writes this replica's learner state and counters.
        dump = () => {
          const state = { pid: process.pid, available: redis.available, buffer: store.stats, ...takeSnapshot(redis, policies, Date.now()) };
          writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(state));
        };
        process.on('SIGUSR2', dump);
      }
    },
    async stop() {
      integrity.stop();
      if (dump) process.off('SIGUSR2', dump);
      await snapshotter?.stop();
    },
  };
}
