import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { TactError } from '../core/errors.js';
import type { PolicySet } from '../policies/policy-set.js';
import { decisionServiceHandlers, type ServiceDeps } from './decision-service.js';
import { RewardStreams, type RewardStreamLimits } from './reward-streams.js';
import type { Clock } from '../core/clock.js';
import type { PolicyAdminHandlers } from './generated/tact/v1/PolicyAdmin.js';
import { guardService, type FaultReporter } from './faults.js';
import { POLICY_ADMIN_SERVICE, policyAdminHandlers } from './policy-admin-service.js';
import { CAMPAIGN_SERVICE, campaignServiceHandlers, type CampaignServiceDeps } from './campaign-service.js';
import type { CampaignServiceHandlers } from './generated/tact/v1/CampaignService.js';
import { loadTactDefinition, loadTactProto } from './proto.js';
import { addReflection } from './reflection.js';

export const SERVICE_NAME = 'tact.v1.DecisionService';

export interface GrpcServerOptions {
  /** Max inbound message size in bytes. @defaultValue 4 MiB */
  readonly maxReceiveMessageLength?: number;
  /** Interceptors (metrics, logging) applied to every call. */
  readonly interceptors?: grpc.ServerInterceptor[];
  /** Serve tact.v1.PolicyAdmin (Promote, Rollback, ListPolicies) over these policies. */
  readonly policyAdmin?: PolicySet;
  /** RewardStream idle timeout and cap. @defaultValue DEFAULT_REWARD_STREAM_LIMITS */
  readonly rewardStreams?: RewardStreamLimits;
  /** TLS or plaintext (src/server/tls.ts). @defaultValue insecure */
  readonly credentials?: grpc.ServerCredentials;
  /** Every INTERNAL answer of Tact's services is reported here once (logged and counted). */
  readonly faults?: FaultReporter;
}

/** A started gRPC server with health and reflection. */
export interface RunningGrpcServer {
  readonly server: grpc.Server;
  readonly health: HealthImplementation;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** RewardStreams open right now (tests, metrics). */
  openRewardStreams(): number;
  /** Health NOT_SERVING, end open RewardStreams with their summaries, drain in-flight calls up to `graceMs`, then force. */
  shutdown(graceMs: number): Promise<void>;
}

export async function startGrpcServer(
  deps: ServiceDeps,
  listen: string,
  options: GrpcServerOptions = {},
): Promise<RunningGrpcServer> {
  const definition = loadTactDefinition();
  const proto = loadTactProto(definition);
  const server = newServer(options);
  const rewardStreams = new RewardStreams(options.rewardStreams);
  const faults = options.faults ?? deps.faults;
  const guard = <T extends object>(service: string, handlers: T): T => (faults ? guardService(service, handlers, faults) : handlers);
  server.addService(proto.tact.v1.DecisionService.service, guard(SERVICE_NAME, decisionServiceHandlers({ ...deps, rewardStreams })));
  server.addService(
    proto.tact.v1.PolicyAdmin.service,
    options.policyAdmin ? guard(POLICY_ADMIN_SERVICE, policyAdminHandlers(options.policyAdmin, deps.clock)) : policyAdminElsewhere(),
  );
  server.addService(proto.tact.v1.CampaignService.service, campaignsElsewhere());
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  addReflection(server, definition);
  const port = await bind(server, listen, options.credentials, '--listen, env TACT_LISTEN');
  setServing(health, true);
  return {
    server,
    health,
    port,
    openRewardStreams: () => rewardStreams.size,
    shutdown: (graceMs) => {
      // Open streams would hold the drain for the whole grace period: end
      // them now, each with its summary, so half-closed clients get theirs.
      void rewardStreams.endAll();
      return shutdown(server, health, graceMs);
    },
  };
}

export type RunningAdminServer = Omit<RunningGrpcServer, 'openRewardStreams'>;

export interface AdminServerDeps {
  readonly policies: PolicySet;
  readonly clock: Clock;
  /** CampaignService (campaigns and segment listing); absent: its calls say it is not configured. */
  readonly campaigns?: Omit<CampaignServiceDeps, 'clock'>;
}

/**
 * PolicyAdmin (and reflection, health) on its own address, so a network
 * policy can keep it to operators while the data port faces applications.
 */
export async function startAdminServer(deps: AdminServerDeps, listen: string, options: GrpcServerOptions = {}): Promise<RunningAdminServer> {
  const definition = loadTactDefinition();
  const proto = loadTactProto(definition);
  const server = newServer(options);
  const admin = policyAdminHandlers(deps.policies, deps.clock);
  server.addService(proto.tact.v1.PolicyAdmin.service, options.faults ? guardService(POLICY_ADMIN_SERVICE, admin, options.faults) : admin);
  const campaigns = deps.campaigns ? campaignServiceHandlers({ ...deps.campaigns, clock: deps.clock }) : campaignsElsewhere();
  server.addService(proto.tact.v1.CampaignService.service, options.faults ? guardService(CAMPAIGN_SERVICE, campaigns, options.faults) : campaigns);
  const health = new HealthImplementation({ '': 'NOT_SERVING', [POLICY_ADMIN_SERVICE]: 'NOT_SERVING' });
  health.addToServer(server);
  addReflection(server, definition);
  const port = await bind(server, listen, options.credentials, '--admin-listen, env TACT_ADMIN_LISTEN');
  health.setStatus('', 'SERVING');
  health.setStatus(POLICY_ADMIN_SERVICE, 'SERVING');
  return {
    server,
    health,
    port,
    shutdown: (graceMs) => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(POLICY_ADMIN_SERVICE, 'NOT_SERVING');
      return shutdown(server, health, graceMs);
    },
  };
}

function newServer(options: GrpcServerOptions): grpc.Server {
  return new grpc.Server({
    'grpc.max_receive_message_length': options.maxReceiveMessageLength ?? 4 * 1024 * 1024,
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
}

function bind(server: grpc.Server, listen: string, credentials = grpc.ServerCredentials.createInsecure(), flag: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(listen, credentials, (err, p) =>
      err
        ? reject(new TactError('invalid_argument', `cannot listen on ${listen}: ${err.message} (in use by another process, e.g. a second replica on this host?) [flag ${flag}]`))
        : resolve(p),
    );
  });
}

/** The data port answers PolicyAdmin calls with where to send them instead of a bare UNIMPLEMENTED. */
function policyAdminElsewhere(): PolicyAdminHandlers {
  const moved = (_call: unknown, callback: grpc.sendUnaryData<never>) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${POLICY_ADMIN_SERVICE} is served on the admin port only (start the server with --admin-listen)` });
  return { Promote: moved, Rollback: moved, ListPolicies: moved };
}

/** CampaignService lives on the admin port; the data port (and an admin port without campaigns) says where instead of a bare UNIMPLEMENTED. */
function campaignsElsewhere(): CampaignServiceHandlers {
  const moved = (_call: unknown, callback: grpc.sendUnaryData<never>) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${CAMPAIGN_SERVICE} is served on the admin port only (start the server with --admin-listen)` });
  return { StartCampaign: moved, GetCampaign: moved, PauseCampaign: moved, ResumeCampaign: moved, ListSegmentMembers: moved };
}

export function setServing(health: HealthImplementation, serving: boolean): void {
  const s = serving ? 'SERVING' : 'NOT_SERVING';
  health.setStatus('', s);
  health.setStatus(SERVICE_NAME, s);
}

function shutdown(server: grpc.Server, health: HealthImplementation, graceMs: number): Promise<void> {
  setServing(health, false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
