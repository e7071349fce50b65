import type { Catalog, TriggerRule, TriggerSpec } from '../catalog/catalog.js';
import type { Clock } from '../core/clock.js';
import { mergeFeatures, EMPTY_FEATURES, type Features } from '../domain/features.js';
import { jobId, type JobQueue, type RunningJob } from '../jobs/job-queue.js';
import type { JourneyEvent } from './event.js';
import { eventKeys, type ForgottenJobs, type PendingTrigger, type TriggerState } from './trigger-state.js';

/** A timer waiting in the job queue: everything its firing needs. */
export interface TimerData {
  readonly trigger: string;
  readonly customerId: string;
  /** The starting event's own time. */
  readonly startedAt: number;
  readonly dueAt: number;
  readonly itemId?: string;
  readonly category?: string;
  /** The re-entry key value (customer id, item or category). */
  readonly key: string;
  /** The starting event's attributes, for the decision's context. */
  readonly attributes?: Features;
}

/** A trigger that fired: decide for it now (the same pipeline as Decide). */
export interface Firing {
  readonly trigger: string;
  readonly customerId: string;
  /** Dedupe key of the firing: the decision's request id, so a retried firing decides once. */
  readonly firingId: string;
  readonly startedAt: number;
  readonly context: Features;
  readonly itemId?: string;
  readonly category?: string;
}

/** Why a started trigger did not fire. */
export type CancelReason = 'cancel_event' | 'reentry' | 'superseded' | 'rule_removed' | 'no_key';

export interface TriggerObserver {
  onStarted?(trigger: string): void;
  onFired?(trigger: string, lagMs: number): void;
  onCancelled?(trigger: string, reason: CancelReason): void;
}

export interface TriggerDeps {
  readonly catalog: () => Catalog;
  readonly state: TriggerState;
  readonly timers: JobQueue<TimerData>;
  readonly clock: Clock;
  /** Runs the decision for a firing (and hands its sends to delivery). */
  readonly fire: (firing: Firing) => Promise<void>;
  readonly observer?: TriggerObserver;
}

/**
 * The catalog's trigger rules over the event stream (DESIGN.md, journeys):
 * at once, after a delay unless cancelled, after inactivity, with re-entry
 * limits. Every firing goes through the timer queue, so in Redis mode it is
 * durable and runs on exactly one replica; timers count from the event's own
 * time, so a backdated event whose trigger is already due fires at once.
 */
export class Triggers {
  constructor(private readonly deps: TriggerDeps) {}

  /** Start the timer queue's worker. */
  start(): void {
    this.deps.timers.process((job) => this.run(job));
  }

  async onEvent(event: JourneyEvent): Promise<void> {
    const triggers = [...this.deps.catalog().triggers.values()].filter((t) => t.when);
    if (triggers.length === 0) return;
    const noted = await this.note(event, triggers);
    await this.cancelWaiting(event, triggers);
    for (const t of triggers) {
      const rule = t.when as TriggerRule;
      if (rule.event !== event.name) continue;
      if (rule.kind === 'inactivity') {
        if (noted) await this.restartInactivity(t.id, rule, event);
      } else await this.startTimer(t.id, rule, event);
    }
  }

  /** ForgetCustomer: erase the customer's trigger state and take their timers out of the queue; returns the sends still queued. */
  async forget(customerId: string): Promise<{ timers: number; sends: ForgottenJobs['sends'] }> {
    const jobs = await this.deps.state.forget(customerId);
    let timers = 0;
    for (const id of jobs.timers) if (await this.deps.timers.remove(id)) timers++;
    return { timers, sends: jobs.sends };
  }

  /**
   * Remember events that some rule cancels on or watches for inactivity.
   * Returns whether the event is the newest of its name (inactivity restarts
   * only then: a backdated event must not move the timer back).
   */
  private async note(event: JourneyEvent, triggers: readonly TriggerSpec[]): Promise<boolean> {
    const watched = triggers.some(
      (t) => t.when?.unless.some((u) => u.event === event.name) || (t.when?.kind === 'inactivity' && t.when.event === event.name),
    );
    if (!watched) return false;
    const newest = await this.deps.state.noteEvents(event.customerId, eventKeys(event.name, event.itemId, event.category), event.at);
    return newest[0] ?? false;
  }

  /** Remove waiting triggers this event cancels (the firing checks again, for races and backdated events). */
  private async cancelWaiting(event: JourneyEvent, triggers: readonly TriggerSpec[]): Promise<void> {
    if (!triggers.some((t) => t.when?.unless.some((u) => u.event === event.name))) return;
    const rules = new Map(triggers.map((t) => [t.id, t.when as TriggerRule]));
    for (const p of await this.deps.state.pending(event.customerId)) {
      const rule = rules.get(p.trigger);
      if (!rule || rule.kind !== 'delay' || event.at < p.startedAt) continue;
      if (!rule.unless.some((u) => u.event === event.name && cancels(u.match, event, p))) continue;
      await this.deps.state.removePending(event.customerId, p.jobId);
      if (await this.deps.timers.remove(p.jobId)) this.deps.observer?.onCancelled?.(p.trigger, 'cancel_event');
    }
  }

  private async startTimer(trigger: string, rule: TriggerRule, event: JourneyEvent): Promise<void> {
    const key = reentryKey(rule, event);
    if (key === undefined) {
      this.deps.observer?.onCancelled?.(trigger, 'no_key');
      return;
    }
    // One pending timer per re-entry key (the job id dedupes); an at-once
    // trigger is one firing per event, so its id carries the event's time.
    const id =
      rule.kind === 'delay'
        ? delayTimerId(trigger, event.customerId, key)
        : jobId('t', trigger, event.customerId, key, String(event.at));
    const data = timerData(trigger, event, key, event.at + rule.afterMs);
    if (!(await this.deps.timers.add({ id, runAt: data.dueAt, data }))) return;
    if (rule.kind === 'delay') await this.deps.state.addPending(event.customerId, pendingOf(id, data));
    this.deps.observer?.onStarted?.(trigger);
  }

  /** The newest occurrence of the watched event restarts the inactivity clock: the old timer goes. */
  private async restartInactivity(trigger: string, rule: TriggerRule, event: JourneyEvent): Promise<void> {
    for (const p of await this.deps.state.pending(event.customerId)) {
      if (p.trigger !== trigger) continue;
      await this.deps.timers.remove(p.jobId);
      await this.deps.state.removePending(event.customerId, p.jobId);
    }
    const data = timerData(trigger, event, event.customerId, event.at + rule.afterMs);
    const id = jobId('t', trigger, event.customerId, String(data.dueAt));
    if (!(await this.deps.timers.add({ id, runAt: data.dueAt, data }))) return;
    await this.deps.state.addPending(event.customerId, pendingOf(id, data));
    this.deps.observer?.onStarted?.(trigger);
  }

  /** A timer is due: check what may have happened since, then fire. */
  private async run(job: RunningJob<TimerData>): Promise<void> {
    const t = job.data;
    const { state, clock } = this.deps;
    const rule = this.deps.catalog().triggers.get(t.trigger)?.when;
    await state.removePending(t.customerId, job.id);
    const firingId = firingIdOf(job.id, t.startedAt);
    const reason = rule ? await this.whyNot(rule, t, firingId) : 'rule_removed';
    if (reason) {
      if (await state.markHandled(t.customerId, firingId, clock.now())) this.deps.observer?.onCancelled?.(t.trigger, reason);
      return;
    }
    await this.deps.fire({
      trigger: t.trigger,
      customerId: t.customerId,
      firingId,
      startedAt: t.startedAt,
      context: firingContext(t),
      ...(t.itemId ? { itemId: t.itemId } : {}),
      ...(t.category ? { category: t.category } : {}),
    });
    if (await state.markHandled(t.customerId, firingId, clock.now())) this.deps.observer?.onFired?.(t.trigger, Math.max(0, clock.now() - t.dueAt));
  }

  private async whyNot(rule: TriggerRule, t: TimerData, id: string): Promise<CancelReason | undefined> {
    const { state, clock } = this.deps;
    if (rule.kind === 'inactivity') {
      const [last] = await state.lastEvents(t.customerId, [`${rule.event}|*`]);
      if (last !== undefined && last > t.startedAt) return 'superseded';
    }
    if (rule.kind === 'delay' && (await cancelledSince(state, rule, t))) return 'cancel_event';
    const claimed = await state.claimFiring(t.customerId, `${t.trigger}|${t.key}`, id, rule.reentry.cooldownMs, clock.now());
    return claimed ? undefined : 'reentry';
  }
}

/** The one pending timer of a delay trigger's re-entry key. */
export function delayTimerId(trigger: string, customerId: string, key: string): string {
  return jobId('t', trigger, customerId, key);
}

/** A delay timer's job id is reused by the key's next entry: a firing is the id and the start. */
export function firingIdOf(timerId: string, startedAt: number): string {
  return `${timerId}|${startedAt}`;
}

/** The request id a firing decides under, so a retried firing (a replica killed mid-way) gets the same decision back. */
export function firingRequestId(firingId: string): string {
  return `trigger|${firingId}`;
}

/**
 * Was a cancelling event noted at or after the start? Covers what removal
 * cannot: a cancel racing the firing, and a backdated cancel that arrived
 * before its trigger's starting event.
 */
export async function cancelledSince(
  state: TriggerState,
  rule: TriggerRule,
  t: { customerId: string; startedAt: number; itemId?: string; category?: string },
): Promise<string | undefined> {
  if (rule.unless.length === 0) return undefined;
  const keys = rule.unless.map((u) => cancelKeys(u.event, u.match, t));
  const times = await state.lastEvents(t.customerId, keys.flat());
  let i = 0;
  for (const [n, group] of keys.entries()) {
    for (let j = 0; j < group.length; j++, i++) {
      const at = times[i];
      if (at !== undefined && at >= t.startedAt) return rule.unless[n]?.event;
    }
  }
  return undefined;
}

/** The noted keys whose occurrence cancels a trigger started on this item/category. */
function cancelKeys(event: string, match: string, t: { itemId?: string; category?: string }): string[] {
  if (match === 'any') return [`${event}|*`];
  const own = match === 'item' ? (t.itemId ? `${event}|item:${t.itemId}` : undefined) : t.category ? `${event}|cat:${t.category}` : undefined;
  // A whole-cart event (no item, no category) cancels whatever the cart held.
  return own ? [own, `${event}|all`] : [`${event}|*`];
}

function cancels(match: string, event: JourneyEvent, p: PendingTrigger): boolean {
  if (match === 'any' || (!event.itemId && !event.category)) return true;
  if (match === 'item') return p.itemId === undefined || event.itemId === p.itemId;
  return p.category === undefined || event.category === p.category;
}

function reentryKey(rule: TriggerRule, event: JourneyEvent): string | undefined {
  switch (rule.reentry.per) {
    case 'customer':
      return event.customerId;
    case 'item':
      return event.itemId;
    case 'category':
      return event.category;
  }
}

function timerData(trigger: string, event: JourneyEvent, key: string, dueAt: number): TimerData {
  return {
    trigger,
    customerId: event.customerId,
    startedAt: event.at,
    dueAt,
    key,
    ...(event.itemId ? { itemId: event.itemId } : {}),
    ...(event.category ? { category: event.category } : {}),
    ...(event.attributes ? { attributes: event.attributes } : {}),
  };
}

function pendingOf(jobId: string, t: TimerData): PendingTrigger {
  return {
    jobId,
    trigger: t.trigger,
    startedAt: t.startedAt,
    dueAt: t.dueAt,
    ...(t.itemId ? { itemId: t.itemId } : {}),
    ...(t.category ? { category: t.category } : {}),
  };
}

/** The decision's context: the starting event's attributes, its item and category. */
function firingContext(t: TimerData): Features {
  const categorical: Record<string, string> = {};
  if (t.itemId) categorical['item'] = t.itemId;
  if (t.category) categorical['item_category'] = t.category;
  return mergeFeatures(t.attributes ?? EMPTY_FEATURES, { numeric: {}, categorical });
}
