import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DecisionObserver, DecisionStats } from '../decision/observer.js';
import type { Decision } from '../domain/decision.js';
import type { RewardObserver, RewardStatus } from '../feedback/reward-joiner.js';
import type { GuardEvent } from '../policies/learner-guard.js';
import type { PolicySet } from '../policies/policy-set.js';
import type { DecisionRecord, LearningUpdate } from '../store/store.js';
import { LiveUplift } from '../evaluation/live-uplift.js';
import type { RpcMetrics } from '../server/interceptors.js';
import type { CallerMetrics, CallerOutcome } from '../server/auth/auth-interceptor.js';
import type { BufferStats } from '../store/redis/buffer.js';
import { defineStoreBufferMetrics } from './store-buffer-metrics.js';
import { defineStoreHealthMetrics, type StoreHealthSource } from './store-health-metrics.js';
import { defineComputedGauges, defineMetrics, type MetricSet, type RewardMetricStatus } from './definitions.js';

export const METRIC_PREFIX = 'tact_';

/**
 * Client-supplied candidates carry free-form channel names; a label takes at
 * most `max` distinct values and the rest are counted as "other", so a
 * misbehaving client cannot blow up the series count; a value longer than
 * 64 characters is "other" too, so no label is larger than that.
 */
const MAX_LABEL_LENGTH = 64;

export class LabelGuard {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}
  value(v: string): string {
    if (v.length > MAX_LABEL_LENGTH) return 'other';
    if (this.seen.has(v)) return v;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(v);
    return v;
  }
}

type HistogramChild = { observe(value: number): void };
type CounterChild = { inc(value?: number): void };

/** The per-Decide series of one policy; decisions by channel, [not explored, explored]. */
interface PolicyChildren {
  readonly decideDuration: HistogramChild;
  readonly candidates: HistogramChild;
  readonly holdoutDecisions: CounterChild;
  readonly decisions: Map<string, readonly [CounterChild, CounterChild]>;
}

/** Running sums behind the live policy value and uplift gauges. */
interface GroupTotals {
  decisions: number;
  value: number;
}

interface PolicyTotals {
  readonly treated: GroupTotals;
  readonly holdout: GroupTotals;
}

/**
 * Tact's Prometheus metrics: an own registry (never prom-client's global
 * one, so tests and several servers in one process do not collide), the
 * series of definitions.ts, and the observer hooks that feed them.
 */
export class TactMetrics implements DecisionObserver, RewardObserver, RpcMetrics, CallerMetrics {
  readonly registry = new Registry();
  readonly m: MetricSet;
  private readonly channels = new LabelGuard(32);
  private readonly triggers = new LabelGuard(32);
  private readonly liveUplift = new LiveUplift();
  private readonly channelLabel = (c: string): string => this.channels.value(c);
  private readonly totals = new Map<string, PolicyTotals>();
  private readonly byPolicy = new Map<string, PolicyChildren>();
  private readonly rpcChildren = new Map<string, { calls: Map<string, CounterChild>; duration: HistogramChild }>();
  private policies: PolicySet | undefined;
  private decisionsHeld: () => number | Promise<number> = () => 0;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    this.m = defineMetrics(this.registry, METRIC_PREFIX);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    defineComputedGauges(this.registry, METRIC_PREFIX, {
      modelVersions: () => (this.policies?.all() ?? []).map((p) => ({ policy: p.name, updates: p.learner.updates })),
      decisionsHeld: () => this.decisionsHeld(),
      policyValues: () => this.policyValues(),
      triggerUplift: () => this.liveUplift.byTrigger(),
      channelUplift: () => this.liveUplift.byChannel(),
    });
  }

  /** Sources read at scrape time. */
  attach(sources: {
    policies: PolicySet;
    decisionsHeld: () => number | Promise<number>;
    /** The Redis outage buffer's counts, when state is in Redis. */
    bufferStats?: () => BufferStats;
    /** Store health read without touching the store; absent means always up (memory). */
    storeHealth?: StoreHealthSource;
  }): void {
    this.policies = sources.policies;
    this.decisionsHeld = sources.decisionsHeld;
    if (sources.bufferStats) defineStoreBufferMetrics(this.registry, METRIC_PREFIX, sources.bufferStats);
    defineStoreHealthMetrics(this.registry, METRIC_PREFIX, sources.storeHealth ?? { up: () => true });
  }

  onDecision(decision: Decision, stats: DecisionStats): void {
    const policy = decision.policy;
    const p = this.policyChildren(policy);
    p.decideDuration.observe(stats.seconds);
    p.candidates.observe(stats.candidates);
    const first = decision.choices[0];
    const channel = !first || first.noSend ? 'none' : this.channels.value(first.channel || 'unspecified');
    let byChannel = p.decisions.get(channel);
    if (!byChannel) {
      const c = this.m.decisions;
      p.decisions.set(channel, (byChannel = [c.labels(policy, channel, 'false'), c.labels(policy, channel, 'true')]));
    }
    byChannel[first?.explored ? 1 : 0].inc();
    if (decision.holdout) p.holdoutDecisions.inc();
    if (stats.removed.length > 0) this.countRemovals(policy, stats.removed);
    const group = this.group(policy, decision.holdout);
    group.decisions += 1;
    this.liveUplift.onDecision(
      {
        decisionId: decision.decisionId,
        trigger: this.triggers.value(stats.trigger),
        holdout: decision.holdout,
        expiresAt: stats.expiresAt,
        chosenChannel: channel === 'none' ? '' : channel,
        ...(stats.offered ? { offered: { candidates: stats.offered.candidates, pmf: stats.offered.pmf, label: this.channelLabel } } : {}),
      },
      decision.at,
    );
  }

  /** One counter update per rule, not per removal: at K=1000 a rule may remove hundreds. */
  private countRemovals(policy: string, removed: DecisionStats['removed']): void {
    const byRule = new Map<string, number>();
    for (const r of removed) byRule.set(r.rule, (byRule.get(r.rule) ?? 0) + 1);
    for (const [rule, n] of byRule) this.m.removed.labels(policy, rule).inc(n);
  }

  onReward(status: RewardStatus, record: DecisionRecord | undefined, value: number, joinDelayMs: number): void {
    this.countReward(status);
    if (status !== 'joined' || !record) return;
    const groupName = record.holdout ? 'holdout' : 'treated';
    this.m.rewardValue.labels(record.policy, groupName).inc(value);
    this.m.joinDelay.labels(record.policy).observe(Math.max(0, joinDelayMs) / 1000);
    this.group(record.policy, record.holdout).value += value;
    this.liveUplift.onReward(record.decisionId, this.triggers.value(record.context.categorical['trigger'] ?? ''), record.holdout, value);
  }

  onDefaultReward(record: DecisionRecord, actions: number): void {
    this.m.defaultRewards.labels(record.policy).inc(actions);
  }

  onUnknown(): void {
    this.countReward('unknown');
  }

  countReward(status: RewardMetricStatus): void {
    this.m.rewards.labels(status).inc();
  }

  onLearningUpdate(update: LearningUpdate): void {
    this.m.learnerUpdates.labels(update.policy, update.unlearn ? 'unlearn' : 'learn').inc();
  }

  /** Per-RPC figures from the gRPC interceptor (RpcMetrics). */
  observe(method: string, code: string, seconds: number): void {
    let r = this.rpcChildren.get(method);
    if (!r) this.rpcChildren.set(method, (r = { calls: new Map(), duration: this.m.grpcDuration.labels(method) }));
    let calls = r.calls.get(code);
    if (!calls) r.calls.set(code, (calls = this.m.grpcCalls.labels(method, code)));
    calls.inc();
    r.duration.observe(seconds);
  }

  /**
   * prom-client's labels() builds a label object and fresh closures on every
   * call; the hot series keep theirs. Label values are bounded (policy names
   * from configuration, guarded channels, registered methods), and a kept
   * child stays valid across a reset: it looks its series up on each update.
   */
  private policyChildren(policy: string): PolicyChildren {
    let p = this.byPolicy.get(policy);
    if (!p) {
      const m = this.m;
      p = {
        decideDuration: m.decideDuration.labels(policy),
        candidates: m.candidates.labels(policy),
        holdoutDecisions: m.holdoutDecisions.labels(policy),
        decisions: new Map(),
      };
      this.byPolicy.set(policy, p);
    }
    return p;
  }

  /** Auth outcomes per caller (CallerMetrics); caller names come from the token file, so the label is bounded. */
  onCaller(caller: string, outcome: CallerOutcome): void {
    this.m.callerRequests.labels(caller, outcome).inc();
  }

  /** Learner guard events (PolicySet.onGuardEvent); policy names come from configuration. */
  onGuardEvent(policy: string, e: GuardEvent): void {
    const event = e.kind === 'clipped' ? `clipped_${e.what}` : e.kind === 'refused' ? `refused_${e.reason}` : 'rollback';
    this.m.learnerGuard.labels(policy, event).inc();
  }

  /** A self-tuning promotion; policy names come from configuration. */
  onSelfTuningSwitch(policy: string): void {
    this.m.selfTuningSwitches.labels(policy).inc();
  }

  /** A call answered INTERNAL (FaultMetrics); the method label is a registered method, never client input. */
  onInternalError(method: string): void {
    this.m.internalErrors.labels(method).inc();
  }

  onStoreError(operation: string): void {
    this.m.storeErrors.labels(operation).inc();
  }

  onCatalogReload(ok: boolean): void {
    this.m.catalogReloads.labels(ok ? 'ok' : 'invalid').inc();
  }

  /** Prometheus text exposition. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  private group(policy: string, holdout: boolean): GroupTotals {
    let t = this.totals.get(policy);
    if (!t) {
      t = { treated: { decisions: 0, value: 0 }, holdout: { decisions: 0, value: 0 } };
      this.totals.set(policy, t);
    }
    return holdout ? t.holdout : t.treated;
  }

  /**
   * Reward per decision since start, per group. Rewards arrive after their
   * decisions, so recent decisions pull both means down alike; the uplift
   * (the difference) is what to read, and only once holdout decisions exist.
   */
  private *policyValues(): Iterable<{ policy: string; treated: number; holdout: number | undefined }> {
    for (const [policy, t] of this.totals) {
      if (t.treated.decisions === 0) continue;
      yield {
        policy,
        treated: t.treated.value / t.treated.decisions,
        holdout: t.holdout.decisions > 0 ? t.holdout.value / t.holdout.decisions : undefined,
      };
    }
  }
}
