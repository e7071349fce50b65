/**
 * Composition root: reads config, picks the concrete adapters (memory, or a
 * Redis fleet replica) and wires the engine (openTact). Nothing below this
 * file knows about grpc-js or ioredis except the adapters themselves;
 * .dependency-cruiser.cjs checks that.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { createLogger } from './core/logger.js';
import type { DecisionObserver } from './decision/observer.js';
import type { Catalog } from './catalog/catalog.js';
import { CatalogSource } from './catalog/catalog-source.js';
import { systemClock, type Clock } from './core/clock.js';
import type { IdSource } from './decision/decision-id.js';
import { DecisionEngine } from './decision/engine.js';
import type { DecisionLogSink } from './decision/log-entry.js';
import { JsonlFileLogSink, nullLogSink } from './decision/log-sinks.js';
import { RewardJoiner, type RewardObserver } from './feedback/reward-joiner.js';
import { loadPolicies } from './policies/load-policies.js';
import { DEFAULT_POLICIES } from './policies/policy-config.js';
import { PolicySet } from './policies/policy-set.js';
import { SelfTuner } from './policies/self-tuning.js';
import { DEFAULT_CONTACT_RULES, type ContactRules } from './rules/contact-rules.js';
import { MemoryStore, type MemoryStoreOptions } from './store/memory/memory-store.js';
import type { TactStore } from './store/store.js';
import type { TactConfig } from './config.js';
import { openFleet, type FleetState } from './fleet/fleet.js';

/** Adapters a caller may swap: tests and simulations pass a fake clock, seeds, stores. */
export interface Adapters {
  readonly clock?: Clock;
  readonly store?: TactStore;
  readonly log?: DecisionLogSink;
  readonly newId?: IdSource;
  readonly seed?: number;
  readonly catalog?: Catalog;
  readonly policies?: PolicySet;
  /** Contact rules and cap reservation; default all rules (NO_CONTACT_RULES only to measure what they cost). */
  readonly contactRules?: ContactRules;
  readonly observer?: RewardObserver;
  /** Sees every finished decision (metrics); absent means no timing is taken. */
  readonly decisionObserver?: DecisionObserver;
  /** Decorates the chosen store (e.g. counting its errors for metrics). */
  readonly wrapStore?: (store: TactStore) => TactStore;
  readonly logger?: Logger;
}

/** A wired Tact instance, without transport. */
export interface Tact {
  readonly engine: DecisionEngine;
  readonly joiner: RewardJoiner;
  readonly policies: PolicySet;
  /** Promotes shadows on its own when the policies file asks for it (selfTuning); else undefined. */
  readonly tuner: SelfTuner | undefined;
  readonly store: TactStore;
  readonly clock: Clock;
  readonly log: DecisionLogSink;
  readonly logger: Logger;
  /** The contact rules the engine runs, for tools that must see what it may send (simulation baselines). */
  readonly contactRules: ContactRules;
  /** The catalog serving now; `catalogSource` reloads it (src/cli/serve.ts watches the file). */
  catalog(): Catalog;
  readonly catalogSource: CatalogSource;
  close(): Promise<void>;
}

/**
 * 8 random bytes per id, taken from a 4 KiB pool: one randomBytes() call per
 * id was 3% of a loaded server's CPU (a syscall each).
 */
const ID_POOL_BYTES = 4096;
let idPool = randomBytes(ID_POOL_BYTES);
let idOffset = 0;
export const randomHexId: IdSource = () => {
  if (idOffset + 8 > ID_POOL_BYTES) {
    idPool = randomBytes(ID_POOL_BYTES);
    idOffset = 0;
  }
  idOffset += 8;
  return idPool.toString('hex', idOffset - 8, idOffset);
};

/** A Tact and, when it is a fleet replica, its share of fleet state (snapshots, outage health). */
export interface OpenedTact {
  readonly tact: Tact;
  readonly fleet?: FleetState;
}

/**
 * The composition root: picks the adapters from the config and wires them.
 * With a Redis URL or cluster (and no store passed in) this process is a fleet
 * replica: state in Redis, learners restored from the fleet's snapshot;
 * otherwise everything is in memory. src/cli/serve.ts puts the transport
 * and metrics around what this returns.
 */
export async function openTact(config: TactConfig, adapters: Adapters = {}): Promise<OpenedTact> {
  if (!(config.redisUrl || config.redisCluster) || adapters.store) return { tact: createTact(config, adapters) };
  const logger = adapters.logger ?? createLogger(config.logLevel);
  const fleet = await openFleet(config, adapters.policies ?? configuredPolicies(config), logger);
  return { tact: createTact(config, { ...adapters, logger, store: fleet.store, policies: fleet.policies }), fleet };
}

function memoryStoreOptions(config: TactConfig, clock: Clock): MemoryStoreOptions {
  return {
    clock,
    ledger: { retentionMs: config.ledgerRetentionMs, maxPerCustomer: config.ledgerMaxPerCustomer },
    maxCustomers: config.memoryMaxCustomers,
    maxDecisions: config.memoryMaxDecisions,
  };
}

function configuredPolicies(config: TactConfig): PolicySet {
  return PolicySet.fromConfig(config.policies ? loadPolicies(config.policies) : DEFAULT_POLICIES);
}

/** An in-process Tact on the given (or in-memory) adapters: tests, simulations, benchmarks, and openTact. */
export function createTact(config: TactConfig, adapters: Adapters = {}): Tact {
  const clock = adapters.clock ?? systemClock;
  const logger = adapters.logger ?? createLogger(config.logLevel);
  const store = (adapters.wrapStore ?? ((s: TactStore) => s))(adapters.store ?? new MemoryStore(memoryStoreOptions(config, clock)));
  const log =
    adapters.log ??
    (config.decisionLog
      ? new JsonlFileLogSink(config.decisionLog, {
          maxBytes: config.decisionLogMaxBytes,
          maxAgeMs: config.decisionLogMaxAgeMs,
          keep: config.decisionLogKeep,
          eraseDeadlineMs: config.decisionLogEraseDeadlineMs,
        })
      : nullLogSink);
  const policies = adapters.policies ?? configuredPolicies(config);
  const catalogSource = adapters.catalog ? new CatalogSource(adapters.catalog) : CatalogSource.fromFile(config.catalog);
  const catalog = catalogSource.get;
  const contactRules = adapters.contactRules ?? DEFAULT_CONTACT_RULES;
  // PolicySet.apply also feeds shadow policies (apprentice learning, live estimates).
  const tuner = policies.selfTuning ? new SelfTuner(policies, policies.selfTuning) : undefined;
  tuner?.onSwitch(({ previous, current, estimate }) =>
    logger.info({ previous, current, estimate }, 'self-tuning promoted a shadow policy (tact promote --rollback undoes it)'),
  );
  store.subscribe((update) => {
    policies.apply(update);
    tuner?.afterUpdate();
  });
  const engine = new DecisionEngine({
    catalog,
    policies,
    store,
    contactRules,
    log,
    clock,
    newId: adapters.newId ?? randomHexId,
    seed: adapters.seed ?? config.seed ?? randomInt(0, 0xffffffff),
    ...(adapters.decisionObserver ? { observer: adapters.decisionObserver } : {}),
  });
  const joiner = new RewardJoiner({
    store,
    policies,
    log,
    clock,
    ...(adapters.observer ? { observer: adapters.observer } : {}),
  });
  return {
    engine,
    joiner,
    policies,
    tuner,
    store,
    clock,
    log,
    logger,
    contactRules,
    catalog,
    catalogSource,
    async close() {
      await log.close();
      await store.close();
    },
  };
}
