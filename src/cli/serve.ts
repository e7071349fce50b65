import type { Logger } from 'pino';
import type { TactConfig } from '../config.js';
import { openTact, type Adapters, type Tact } from '../main.js';
import { setServing, startAdminServer, startGrpcServer, type RunningAdminServer, type RunningGrpcServer } from '../server/grpc-server.js';
import { openSecurity, type Security } from '../server/security.js';
import { serverCredentials } from '../server/tls.js';
import { systemClock } from '../core/clock.js';
import { customerServiceHandlers } from '../server/customer-service.js';
import { createLogger } from '../core/logger.js';
import type { DecisionObserver } from '../decision/observer.js';
import { startMetricsServer, type RunningMetricsServer } from '../metrics/http-server.js';
import { instrumentStore } from '../metrics/instrument-store.js';
import { TactMetrics } from '../metrics/registry.js';
import { rpcInterceptor } from '../server/interceptors.js';
import { ReceiptJoiner } from '../feedback/receipts.js';
import type { Journeys } from '../triggers/journeys.js';
import { openJourneys } from './open-journeys.js';
import { openCampaigns, type OpenCampaigns } from './open-campaigns.js';
import { loggingFaultReporter } from '../server/faults.js';

/** A serving Tact: gRPC bound, windows being closed on a timer. */
export interface RunningTact {
  readonly tact: Tact;
  /** Trigger rules and delivery (docs/journeys.md). */
  readonly journeys: Journeys;
  readonly grpc: RunningGrpcServer;
  readonly metrics: TactMetrics;
  readonly metricsServer: RunningMetricsServer;
  /** Segments and outbound campaigns (docs/segments.md, docs/campaigns.md). */
  readonly campaigns: OpenCampaigns;
  /** PolicyAdmin's own port (--admin-listen), when configured. */
  readonly admin?: RunningAdminServer;
  /** Read certificate (and token) files now rather than at the next poll (SIGHUP). */
  reloadCredentials(): Promise<void>;
  /** Graceful stop: NOT_SERVING, drain calls, close windows due, flush logs, close the store. */
  stop(): Promise<void>;
}

export async function serve(config: TactConfig, adapters: Adapters = {}): Promise<RunningTact> {
  // Until callers are checked (next change), a token file must not be mistaken for protection.
  const metrics = new TactMetrics();
  const logger = adapters.logger ?? createLogger(config.logLevel);
  const security = openSecurity(config, () => (adapters.clock ?? systemClock).now(), logger);
  const tls = security.tls;
  let accepting = true;
  let warning: (() => string | undefined) | undefined;
  // Metrics first, before joining the fleet: a port clash (a second replica
  // on one host) is reported, naming the flag, before anything else starts.
  const metricsServer = await startMetricsServer(
    {
      scrape: () => metrics.scrape(),
      contentType: metrics.registry.contentType,
      healthy: () => accepting,
      warning: () => warning?.(),
    },
    config.metricsListen,
    config.metricsTls ? tls : undefined,
  );
  try {
    return await serveWith(config, adapters, {
      metrics,
      metricsServer,
      logger,
      security,
      stopAccepting: () => (accepting = false),
      setWarning: (w) => (warning = w),
    });
  } catch (err) {
    await metricsServer.close();
    security.close();
    throw err;
  }
}

interface Started {
  readonly metrics: TactMetrics;
  readonly metricsServer: RunningMetricsServer;
  readonly logger: Logger;
  readonly security: Security;
  stopAccepting(): void;
  /** What /healthz adds to its answer (marketing sends stopped, and why). */
  setWarning(warning: () => string | undefined): void;
}

async function serveWith(config: TactConfig, adapters: Adapters, started: Started): Promise<RunningTact> {
  const { metrics, metricsServer, logger, security } = started;
  const tls = security.tls;
  const { tact, fleet } = await openTact(config, {
    ...adapters,
    logger,
    observer: adapters.observer ?? metrics,
    decisionObserver: teeDecisions(metrics, adapters.decisionObserver),
    wrapStore: (store) => instrumentStore(adapters.wrapStore ? adapters.wrapStore(store) : store, (op) => metrics.onStoreError(op)),
  });
  tact.store.subscribe((update) => metrics.onLearningUpdate(update));
  tact.policies.onGuardEvent((policy, e) => {
    metrics.onGuardEvent(policy, e);
    if (e.kind === 'rollback') tact.logger.error({ policy, ...e }, 'learner was non-finite: rolled back to its last good state');
    else if (e.kind === 'refused') tact.logger.warn({ policy, reason: e.reason }, 'learning update refused: it would make the learner non-finite');
  });
  tact.tuner?.onSwitch((s) => metrics.onSelfTuningSwitch(s.current));
  metrics.attach({
    policies: tact.policies,
    decisionsHeld: () => tact.store.countDecisions(),
    ...(fleet
      ? {
          bufferStats: () => fleet.store.stats,
          storeHealth: {
            up: () => fleet.store.inner.available,
            sendsStopped: () => fleet.integrity.stopReason,
            dataLossDetections: () => fleet.integrity.detections,
          },
        }
      : { storeHealth: { up: () => true, evictions: () => tact.store.evicted?.() ?? {} } }),
  });
  const journeys = openJourneys(config, tact, metrics);
  const receipts = new ReceiptJoiner({ store: tact.store, policies: tact.policies, log: tact.log, clock: tact.clock, observer: journeys.metrics });
  const campaigns = openCampaigns(config, tact, journeys.journeys, metrics);
  const customerHandlers = customerServiceHandlers({
    store: tact.store,
    log: tact.log,
    clock: tact.clock,
    receipts,
    // Segments first: an entry they report reaches the trigger rules after the event itself would have.
    onEvent: async (event) => {
      await campaigns.segments.onEvent(event);
      await journeys.journeys.onEvent(event);
    },
    onConsent: (customerId) => campaigns.segments.refresh(customerId),
    journeys: {
      forget: async (customerId) => {
        await campaigns.segments.forget(customerId);
        await campaigns.campaigns.forget(customerId);
        return journeys.journeys.forget(customerId);
      },
    },
    maxFutureSkewMs: config.maxFutureSkewMs,
    maxAbsFeature: tact.policies.maxAbsFeature,
  });
  const deliver: NonNullable<Parameters<typeof startGrpcServer>[0]['deliver']> = (decision, input) =>
    journeys.journeys.deliver(decision, { trigger: input.trigger, context: input.context });
  // Metrics outermost, so refusals by the auth interceptor are counted with their codes.
  const interceptors = [rpcInterceptor(metrics, logger), ...security.interceptors(metrics)];
  const faults = loggingFaultReporter(tact.logger, metrics);
  const grpc = await startGrpcServer({ engine: tact.engine, joiner: tact.joiner, clock: tact.clock, customerHandlers, deliver, faults, maxFutureSkewMs: config.maxFutureSkewMs }, config.listen, {
    interceptors,
    credentials: serverCredentials(tls),
    rewardStreams: { idleMs: config.rewardStreamIdleMs, maxOpen: config.rewardStreamMax },
  }).catch(async (err: unknown) => {
    await campaigns.close();
    await journeys.close();
    await fleet?.stop();
    await tact.close();
    throw err;
  });
  const admin = config.adminListen
    ? await startAdminServer({ policies: tact.policies, clock: tact.clock, campaigns: { campaigns: campaigns.campaigns, segments: campaigns.segments } }, config.adminListen, {
        interceptors,
        faults,
        credentials: serverCredentials(tls),
      }).catch(async (err: unknown) => {
        await grpc.shutdown(0);
        await fleet?.stop();
        await tact.close();
        throw err;
      })
    : undefined;
  const sweeper = setInterval(() => {
    tact.joiner.sweep().catch((err: unknown) => tact.logger.error({ err }, 'closing attribution windows failed'));
  }, config.sweepIntervalMs);
  sweeper.unref();
  journeys.journeys.start();
  campaigns.start();
  // Catalog hot reload: validated, swapped whole, counted; an invalid file never replaces a valid one.
  const stopWatchingCatalog = tact.catalogSource.watch((outcome) => {
    metrics.onCatalogReload(outcome.ok);
    if (outcome.ok) tact.logger.info({ catalog: tact.catalogSource.path }, 'catalog reloaded');
    else tact.logger.error({ err: outcome.error }, 'catalog reload rejected; the previous catalog keeps serving');
  });
  fleet?.start({
    logger: tact.logger,
    onAvailability: (up) => {
      if (config.redisDownHealth === 'not_serving') setServing(grpc.health, up);
    },
  });
  if (fleet) started.setWarning(() => fleet.integrity.stopDetail);
  tact.logger.info(
    {
      listen: config.listen,
      port: grpc.port,
      metricsPort: metricsServer.port,
      ...(admin ? { adminPort: admin.port } : {}),
      tls: tls ? (tls.mutual ? 'mutual' : 'server') : 'off',
      auth: security.authenticator ? 'on' : 'off',
      store: tact.store.kind,
    },
    'tact serving',
  );
  let stopping: Promise<void> | undefined;
  return {
    tact,
    journeys: journeys.journeys,
    campaigns,
    grpc,
    metrics,
    metricsServer,
    ...(admin ? { admin } : {}),
    reloadCredentials: () => security.reload(),
    stop() {
      stopping ??= (async () => {
        started.stopAccepting();
        clearInterval(sweeper);
        stopWatchingCatalog();
        await Promise.all([grpc.shutdown(config.shutdownGraceMs), admin?.shutdown(config.shutdownGraceMs)]);
        await campaigns.close().catch((err: unknown) => tact.logger.error({ err }, 'closing campaigns failed'));
        await journeys.close().catch((err: unknown) => tact.logger.error({ err }, 'closing journeys failed'));
        // Windows already over are closed now rather than left to the next replica.
        await tact.joiner.sweep().catch((err: unknown) => tact.logger.error({ err }, 'final sweep failed'));
        await fleet?.stop();
        await tact.close();
        await metricsServer.close();
        security.close();
        tact.logger.info('tact stopped');
        await new Promise<void>((resolve) => tact.logger.flush(() => resolve()));
      })();
      return stopping;
    },
  };
}

/** Metrics always see decisions; a caller's observer (tests, benchmarks) sees them too. */
function teeDecisions(metrics: DecisionObserver, other: DecisionObserver | undefined): DecisionObserver {
  if (!other) return metrics;
  return {
    onDecision(decision, stats) {
      metrics.onDecision(decision, stats);
      other.onDecision(decision, stats);
    },
  };
}
