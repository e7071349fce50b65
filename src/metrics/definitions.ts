import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Every Tact series, in one place so names and labels can be checked
 * against docs/metrics in one read. Base units (seconds), counters end in
 * `_total`, and labels only take bounded values: policy and rule names come
 * from configuration, channels from the catalog or the client (capped, see
 * LabelGuard), gRPC methods from the registered services. Never a customer or
 * decision id.
 */

/**
 * Decide takes well under a millisecond, so the buckets start at 50 us; the
 * default 5 ms..10 s buckets would put every call in the first one.
 */
export const DECIDE_BUCKETS = [
  0.00005, 0.0001, 0.00015, 0.0002, 0.00025, 0.0003, 0.0004, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.0025,
  0.005, 0.01, 0.025, 0.05, 0.1,
];

/** Rewards come minutes to days after the decision. */
export const JOIN_DELAY_BUCKETS = [1, 10, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400];

export type RewardMetricStatus = 'joined' | 'duplicate' | 'unknown' | 'expired' | 'ignored';

export function defineMetrics(registry: Registry, prefix: string) {
  const registers = [registry];
  return {
    decideDuration: new Histogram({
      name: `${prefix}decide_duration_seconds`,
      help: 'Time the decision pipeline spent on one Decide (candidates to log), in seconds.',
      labelNames: ['policy'] as const,
      buckets: DECIDE_BUCKETS,
      registers,
    }),
    decisions: new Counter({
      name: `${prefix}decisions_total`,
      help: 'Decisions made, by policy, chosen channel ("none" for no-send) and whether rank 1 was explored.',
      labelNames: ['policy', 'channel', 'explored'] as const,
      registers,
    }),
    holdoutDecisions: new Counter({
      name: `${prefix}holdout_decisions_total`,
      help: 'Decisions answered with no-send because the customer is in the control holdout.',
      labelNames: ['policy'] as const,
      registers,
    }),
    candidates: new Histogram({
      name: `${prefix}decide_candidates`,
      help: 'Candidates considered per Decide (before the rules).',
      labelNames: ['policy'] as const,
      buckets: [1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
      registers,
    }),
    removed: new Counter({
      name: `${prefix}candidates_removed_total`,
      help: 'Candidates removed by an eligibility rule.',
      labelNames: ['policy', 'rule'] as const,
      registers,
    }),
    rewards: new Counter({
      name: `${prefix}rewards_total`,
      help: 'Rewards received, by outcome of the join (joined, duplicate, unknown, expired, ignored).',
      labelNames: ['status'] as const,
      registers,
    }),
    // A gauge, not a counter: rewards net of cost (refunds, a send's cost) may be negative.
    rewardValue: new Gauge({
      name: `${prefix}reward_value`,
      help: 'Sum of joined reward values since start, by policy and group (treated or holdout), in the unit of rewards; goes down with negative rewards.',
      labelNames: ['policy', 'group'] as const,
      registers,
    }),
    joinDelay: new Histogram({
      name: `${prefix}reward_join_delay_seconds`,
      help: 'Time from decision to joined reward, in seconds.',
      labelNames: ['policy'] as const,
      buckets: JOIN_DELAY_BUCKETS,
      registers,
    }),
    defaultRewards: new Counter({
      name: `${prefix}default_rewards_total`,
      help: 'Chosen actions that got no reward in their window and were learned with the default reward.',
      labelNames: ['policy'] as const,
      registers,
    }),
    learnerUpdates: new Counter({
      name: `${prefix}learner_updates_total`,
      help: 'Learning updates applied, by policy and kind (learn or unlearn).',
      labelNames: ['policy', 'kind'] as const,
      registers,
    }),
    grpcCalls: new Counter({
      name: `${prefix}grpc_server_handled_total`,
      help: 'gRPC calls completed, by method and status code name.',
      labelNames: ['method', 'code'] as const,
      registers,
    }),
    grpcDuration: new Histogram({
      name: `${prefix}grpc_server_handling_seconds`,
      help: 'gRPC call time from metadata received to status sent, in seconds.',
      labelNames: ['method'] as const,
      buckets: DECIDE_BUCKETS,
      registers,
    }),
    learnerGuard: new Counter({
      name: `${prefix}learner_guard_total`,
      help: 'What the learner guard did, by policy and event: clipped_feature, clipped_reward (a value beyond the policy bounds reached learning), refused_* (an update that would make the learner non-finite, never applied), rollback (learner restored to its last good state).',
      labelNames: ['policy', 'event'] as const,
      registers,
    }),
    selfTuningSwitches: new Counter({
      name: `${prefix}policy_self_tuning_switches_total`,
      help: 'Shadow policies promoted to champion by self-tuning (policies file selfTuning), by the policy promoted.',
      labelNames: ['policy'] as const,
      registers,
    }),
    internalErrors: new Counter({
      name: `${prefix}internal_errors_total`,
      help: 'Calls answered INTERNAL (a server fault, logged with its stack), by gRPC method.',
      labelNames: ['method'] as const,
      registers,
    }),
    storeErrors: new Counter({
      name: `${prefix}store_errors_total`,
      help: 'Failed store operations, by operation.',
      labelNames: ['operation'] as const,
      registers,
    }),
    callerRequests: new Counter({
      name: `${prefix}caller_requests_total`,
      help: 'Calls at the auth check, by caller (token name, "jwt" for JWT callers, "unknown" when unauthenticated) and outcome (ok, unauthenticated, permission_denied, rate_limited).',
      labelNames: ['caller', 'outcome'] as const,
      registers,
    }),
    catalogReloads: new Counter({
      name: `${prefix}catalog_reloads_total`,
      help: 'Catalog file reloads: result "ok" (the new catalog serves) or "invalid" (rejected; the previous one keeps serving).',
      labelNames: ['result'] as const,
      registers,
    }),
  };
}

export type MetricSet = ReturnType<typeof defineMetrics>;

/** Longest a scrape waits on a store-backed value before leaving it out. */
export const STORE_READ_TIMEOUT_MS = 1000;

/** A store-backed read for a scrape, given up after `ms` (the scrape then leaves the value stale). */
export function withTimeout<T>(value: T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(value),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('store read timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Gauges computed at scrape time (prom-client `collect`), never by timers. */
export function defineComputedGauges(
  registry: Registry,
  prefix: string,
  sources: {
    modelVersions(): Iterable<{ policy: string; updates: number }>;
    decisionsHeld(): number | Promise<number>;
    policyValues(): Iterable<{ policy: string; treated: number; holdout: number | undefined }>;
    triggerUplift(): Iterable<{ trigger: string; uplift: number }>;
    channelUplift(): Iterable<{ channel: string; uplift: number }>;
  },
): void {
  const registers = [registry];
  new Gauge({
    name: `${prefix}model_version`,
    help: 'Learning updates applied to the policy learner (the number in model_version "policy@N").',
    labelNames: ['policy'] as const,
    registers,
    collect() {
      this.reset();
      for (const { policy, updates } of sources.modelVersions()) this.set({ policy }, updates);
    },
  });
  new Gauge({
    name: `${prefix}decisions_held`,
    help: 'Decisions held in their attribution window (memory store: this process). Stale (the last value read) while tact_store_up is 0.',
    registers,
    async collect() {
      // A scrape must answer while the store is down (that is when its alerts
      // fire): a store-backed value that cannot be read keeps its last value, never an HTTP 500.
      try {
        this.set(await withTimeout(sources.decisionsHeld(), STORE_READ_TIMEOUT_MS));
      } catch {
        // stale until the store answers again
      }
    },
  });
  const value = new Gauge({
    name: `${prefix}policy_value`,
    help: 'Live estimated policy value: joined reward per decision, by policy and group (treated, holdout).',
    labelNames: ['policy', 'group'] as const,
    registers,
    collect() {
      value.reset();
      uplift.reset();
      for (const v of sources.policyValues()) {
        value.set({ policy: v.policy, group: 'treated' }, v.treated);
        if (v.holdout === undefined) continue;
        value.set({ policy: v.policy, group: 'holdout' }, v.holdout);
        uplift.set({ policy: v.policy }, v.treated - v.holdout);
      }
    },
  });
  new Gauge({
    name: `${prefix}trigger_uplift`,
    help: 'Live uplift over no-send by trigger: treated minus control-holdout reward per decision (absent without a holdout). Offline, per trigger x message x channel: tact uplift --by.',
    labelNames: ['trigger'] as const,
    registers,
    collect() {
      this.reset();
      for (const { trigger, uplift } of sources.triggerUplift()) this.set({ trigger }, uplift);
    },
  });
  new Gauge({
    name: `${prefix}channel_uplift`,
    help: 'Live uplift of sending on a channel over no-send, reward per decision, by inverse propensity from the policies\' exploration (decisions where both had a probability).',
    labelNames: ['channel'] as const,
    registers,
    collect() {
      this.reset();
      for (const { channel, uplift } of sources.channelUplift()) this.set({ channel }, uplift);
    },
  });
  // Filled by policy_value's collect, so both come from one snapshot.
  const uplift = new Gauge({
    name: `${prefix}policy_uplift`,
    help: 'Live uplift: treated minus holdout reward per decision, by policy (absent without a holdout).',
    labelNames: ['policy'] as const,
    registers,
  });
}
