import { tactError } from '../core/errors.js';
import type { CampaignPhase, CampaignSpec } from './campaign.js';

/**
 * A campaign's shared state: its spec, the audience snapshot, the scores,
 * chunk leases (so replicas split the work and a dead replica's chunk is
 * taken over), one mark per member (decided at most once), counters, and the
 * budget. Memory and Redis adapters; test/campaigns runs both.
 */
export interface RunState {
  readonly phase: CampaignPhase;
  readonly paused: boolean;
  readonly doneReason?: string;
  readonly center?: number;
  readonly spread?: number;
}

/** What happened to one member in the sending phase. */
export interface MemberOutcome {
  readonly admitted: boolean;
  /** Probability of admission (logged for offline evaluation). */
  readonly q: number;
  readonly decisionId?: string;
  /** Channels of the decision's sends. */
  readonly channels: readonly string[];
  readonly error?: string;
}

/** One budget counter a send moves: `field` by `inc`, refused when it would pass `limit`. */
export type BudgetMove = readonly [field: string, inc: number, limit: number];

export interface CampaignStore {
  /** false when the id is taken. */
  create(spec: CampaignSpec): Promise<boolean>;
  spec(id: string): Promise<CampaignSpec | undefined>;
  ids(): Promise<string[]>;
  run(id: string): Promise<RunState>;
  setPaused(id: string, paused: boolean): Promise<void>;
  /** Moves forward only (scoring -> sending -> done); a later phase already set wins. */
  advance(id: string, phase: CampaignPhase, doneReason?: string): Promise<void>;
  /** The threshold, set once: the first replica to compute it wins (all compute the same). */
  setThreshold(id: string, center: number, spread: number): Promise<void>;

  addAudience(id: string, customers: readonly string[]): Promise<void>;
  audienceSize(id: string): Promise<number>;
  /** Audience members by rank (id order). */
  audience(id: string, start: number, count: number): Promise<string[]>;
  /** First score per member wins: a chunk scored twice (taken over) keeps its ranks. */
  addScores(id: string, scores: readonly (readonly [string, number])[]): Promise<void>;
  /** Scored members, highest score first (ties by id, descending). */
  scores(id: string, start: number, count: number): Promise<[string, number][]>;
  scoredCount(id: string): Promise<number>;

  /** Next chunk of `chunks` for `phase` for `owner` (a replica) to work on: an expired lease first, else a new one; -1 when none. */
  claim(id: string, phase: CampaignPhase, chunks: number, now: number, leaseMs: number, owner: string): Promise<number>;
  /** Extend `owner`'s lease; false when it lapsed or another replica took it over: stop working on the chunk. */
  renew(id: string, phase: CampaignPhase, chunk: number, now: number, leaseMs: number, owner: string): Promise<boolean>;
  /** The chunk is finished; returns how many chunks of the phase are. */
  finish(id: string, phase: CampaignPhase, chunk: number): Promise<number>;
  finished(id: string, phase: CampaignPhase): Promise<number>;

  /** Whether the member already has an outcome. */
  marked(id: string, customerId: string): Promise<boolean>;
  /** Record the member's outcome once and count it; false when it had one already. */
  mark(id: string, customerId: string, outcome: MemberOutcome): Promise<boolean>;
  counters(id: string): Promise<Record<string, number>>;
  lastError(id: string): Promise<string | undefined>;

  /** All moves of every send, or none: the index of the first send that does not fit, or -1. */
  reserve(id: string, sends: readonly (readonly BudgetMove[])[]): Promise<number>;
  release(id: string, sends: readonly (readonly BudgetMove[])[]): Promise<void>;
  budgetUsed(id: string): Promise<Record<string, number>>;
  /**
   * ForgetCustomer: the customer's mark goes at once; in a finished campaign
   * the customer leaves the audience and scores too. A running campaign's
   * ranks must not shift under replicas holding chunks, so there the id is
   * set aside (`forgotten`: never decided) and removed when the run is done (`purge`).
   */
  forget(customerId: string): Promise<void>;
  forgotten(id: string, customerId: string): Promise<boolean>;
  purge(id: string): Promise<void>;
}

/** Counter names of `mark`. */
export function outcomeCounters(o: MemberOutcome): string[] {
  const out = ['seen'];
  if (o.admitted) out.push('admitted');
  if (o.decisionId) out.push('decided');
  if (o.error) out.push('errors');
  for (const c of o.channels) out.push(`sent:${c}`);
  return out;
}

const ORDER: Record<CampaignPhase, number> = { scoring: 0, sending: 1, done: 2 };
export const isLater = (a: CampaignPhase, b: CampaignPhase): boolean => ORDER[a] > ORDER[b];

interface MemCampaign {
  spec: CampaignSpec;
  run: { phase: CampaignPhase; paused: boolean; doneReason?: string; center?: number; spread?: number };
  audience: string[];
  audienceSet: Set<string>;
  scores: Map<string, number>;
  sorted?: [string, number][];
  next: Map<CampaignPhase, number>;
  leases: Map<string, { until: number; owner: string }>;
  done: Map<CampaignPhase, Set<number>>;
  members: Map<string, MemberOutcome>;
  counters: Map<string, number>;
  lastError?: string;
  budget: Map<string, number>;
  forgotten: Set<string>;
}

/** One process's campaigns; JS runs one call at a time, so every method is atomic. */
export class MemoryCampaignStore implements CampaignStore {
  private readonly all = new Map<string, MemCampaign>();

  private get(id: string): MemCampaign {
    const c = this.all.get(id);
    if (!c) throw tactError('NOT_FOUND', `unknown campaign "${id}"`, 'campaign_id');
    return c;
  }

  async create(spec: CampaignSpec): Promise<boolean> {
    if (this.all.has(spec.id)) return false;
    this.all.set(spec.id, {
      spec,
      run: { phase: 'scoring', paused: false },
      audience: [],
      audienceSet: new Set(),
      scores: new Map(),
      next: new Map(),
      leases: new Map(),
      done: new Map(),
      members: new Map(),
      counters: new Map(),
      budget: new Map(),
      forgotten: new Set(),
    });
    return true;
  }
  async spec(id: string) {
    return this.all.get(id)?.spec;
  }
  async ids() {
    return [...this.all.keys()];
  }
  async run(id: string): Promise<RunState> {
    return { ...this.get(id).run };
  }
  async setPaused(id: string, paused: boolean) {
    this.get(id).run.paused = paused;
  }
  async advance(id: string, phase: CampaignPhase, doneReason?: string) {
    const r = this.get(id).run;
    if (!isLater(phase, r.phase)) return;
    r.phase = phase;
    if (doneReason) r.doneReason = doneReason;
  }
  async setThreshold(id: string, center: number, spread: number) {
    const r = this.get(id).run;
    if (r.center === undefined) Object.assign(r, { center, spread });
  }
  async addAudience(id: string, customers: readonly string[]) {
    const c = this.get(id);
    for (const m of customers) if (!c.audienceSet.has(m)) (c.audienceSet.add(m), c.audience.push(m));
    c.audience.sort();
  }
  async audienceSize(id: string) {
    return this.get(id).audience.length;
  }
  async audience(id: string, start: number, count: number) {
    return this.get(id).audience.slice(start, start + count);
  }
  async addScores(id: string, scores: readonly (readonly [string, number])[]) {
    const c = this.get(id);
    for (const [m, s] of scores) if (!c.scores.has(m)) c.scores.set(m, s);
    delete c.sorted;
  }
  async scores(id: string, start: number, count: number): Promise<[string, number][]> {
    const c = this.get(id);
    c.sorted ??= [...c.scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
    return c.sorted.slice(start, start + count);
  }
  async scoredCount(id: string) {
    return this.get(id).scores.size;
  }
  async claim(id: string, phase: CampaignPhase, chunks: number, now: number, leaseMs: number, owner: string) {
    const c = this.get(id);
    for (const [key, lease] of c.leases) {
      if (lease.until <= now && key.startsWith(`${phase}:`)) {
        c.leases.set(key, { until: now + leaseMs, owner });
        return Number(key.slice(phase.length + 1));
      }
    }
    const n = c.next.get(phase) ?? 0;
    if (n >= chunks) return -1;
    c.next.set(phase, n + 1);
    c.leases.set(`${phase}:${n}`, { until: now + leaseMs, owner });
    return n;
  }
  async renew(id: string, phase: CampaignPhase, chunk: number, now: number, leaseMs: number, owner: string) {
    const c = this.get(id);
    const key = `${phase}:${chunk}`;
    const lease = c.leases.get(key);
    if (lease === undefined || lease.until <= now || lease.owner !== owner) return false;
    c.leases.set(key, { until: now + leaseMs, owner });
    return true;
  }
  async finish(id: string, phase: CampaignPhase, chunk: number) {
    const c = this.get(id);
    c.leases.delete(`${phase}:${chunk}`);
    let done = c.done.get(phase);
    if (!done) c.done.set(phase, (done = new Set()));
    done.add(chunk);
    return done.size;
  }
  async finished(id: string, phase: CampaignPhase) {
    return this.get(id).done.get(phase)?.size ?? 0;
  }
  async marked(id: string, customerId: string) {
    return this.get(id).members.has(customerId);
  }
  async mark(id: string, customerId: string, outcome: MemberOutcome) {
    const c = this.get(id);
    if (c.members.has(customerId)) return false;
    c.members.set(customerId, outcome);
    for (const k of outcomeCounters(outcome)) c.counters.set(k, (c.counters.get(k) ?? 0) + 1);
    if (outcome.error) c.lastError = outcome.error;
    return true;
  }
  async counters(id: string) {
    return Object.fromEntries(this.get(id).counters);
  }
  async lastError(id: string) {
    return this.get(id).lastError;
  }
  async reserve(id: string, sends: readonly (readonly BudgetMove[])[]) {
    const b = this.get(id).budget;
    const pending = new Map<string, number>();
    for (let i = 0; i < sends.length; i++) {
      for (const [field, inc, limit] of sends[i] as readonly BudgetMove[]) {
        const next = (b.get(field) ?? 0) + (pending.get(field) ?? 0) + inc;
        if (next > limit) return i;
        pending.set(field, (pending.get(field) ?? 0) + inc);
      }
    }
    for (const [field, inc] of pending) b.set(field, (b.get(field) ?? 0) + inc);
    return -1;
  }
  async release(id: string, sends: readonly (readonly BudgetMove[])[]) {
    const b = this.get(id).budget;
    for (const moves of sends) for (const [field, inc] of moves) b.set(field, (b.get(field) ?? 0) - inc);
  }
  async budgetUsed(id: string) {
    return Object.fromEntries(this.get(id).budget);
  }
  async forget(customerId: string) {
    for (const [id, c] of this.all) {
      if (!c.audienceSet.has(customerId)) continue;
      c.members.delete(customerId);
      c.forgotten.add(customerId);
      if (c.run.phase === 'done') await this.purge(id);
    }
  }
  async forgotten(id: string, customerId: string) {
    return this.get(id).forgotten.has(customerId);
  }
  async purge(id: string) {
    const c = this.get(id);
    for (const m of c.forgotten) {
      c.audienceSet.delete(m);
      c.scores.delete(m);
      c.members.delete(m);
    }
    c.audience = c.audience.filter((m) => !c.forgotten.has(m));
    delete c.sorted;
    c.forgotten.clear();
  }
}
