import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../core/clock.js';
import { invalidArgument, notFound, tactError } from '../core/errors.js';
import type { DecisionLogSink } from '../decision/log-entry.js';
import type { Candidate, DecideInput, Decision, SendBudget } from '../domain/decision.js';
import type { Features } from '../domain/features.js';
import { admitProbability, budgetRank, memberDraw, thresholdFor } from './admission.js';
import { CAMPAIGN_ID, type CampaignBudgets, type CampaignProgress, type CampaignSpec } from './campaign.js';
import type { BudgetMove, CampaignStore } from './campaign-store.js';

export interface CampaignsDeps {
  readonly catalog: () => Catalog;
  readonly store: CampaignStore;
  /** The segment's members, paged in id order (src/segments). */
  readonly segments: {
    count(segmentId: string): Promise<number>;
    list(segmentId: string, after: string, limit: number): Promise<string[]>;
  };
  /** The decision pipeline's one entry (DecisionEngine.decide): a member is decided exactly as Decide would. */
  readonly decide: (input: DecideInput) => Promise<Decision>;
  /** DecisionEngine.estimateUplift: the ranking before deciding. */
  readonly estimate: (input: Omit<DecideInput, 'topK' | 'explain'>) => Promise<number>;
  /** Delivery at send_at (journeys); absent: decisions are made and logged, not sent. */
  readonly deliver?: (decision: Decision, origin: { trigger: string; context: Features }) => Promise<number>;
  readonly clock: Clock;
  readonly log: DecisionLogSink;
  readonly logger: Logger;
  /** A chunk's lease: a replica that dies holding it loses it after this, ms. */
  readonly leaseMs: number;
  /** Members per chunk (one lease). */
  readonly chunkSize: number;
  readonly observer?: CampaignObserver;
  /** This replica's name as a lease owner; default a random UUID. */
  readonly owner?: string;
}

export type MemberResult = 'decided' | 'not_admitted' | 'error';

/** Metrics hook (src/metrics/campaign-metrics.ts). */
export interface CampaignObserver {
  onMember(result: MemberResult, channels: readonly string[]): void;
}

export interface StartRequest {
  readonly id: string;
  readonly segment: string;
  readonly trigger: string;
  readonly policy?: string;
  readonly startAt?: number;
  readonly endAt?: number;
  readonly budgets: CampaignBudgets;
  readonly ratePerSecond?: number;
  readonly admitFloor?: number;
}

const DAY_MS = 86_400_000;
/** Costs are counted in micro-units so sums are exact integers in Redis. */
const MICRO = 1_000_000;
/**
 * Tokens of a member scored, or reached and not admitted: a read and a
 * score, no decision (a decision costs 1).
 */
const LIGHT = 0.25;
export const DEFAULT_CAMPAIGN_RATE = 50;
export const DEFAULT_ADMIT_FLOOR = 0.05;
/** Longest run: budgets per day are counted over at most this many days. */
const MAX_WINDOW_MS = 366 * DAY_MS;
const MAX_AUDIENCE_PAGE = 1000;

/**
 * Outbound campaigns (docs/campaigns.md). Two phases over a snapshot of the
 * segment taken at start: scoring (each member's estimated uplift over
 * no-send) and sending (members in descending score order, each admitted
 * by its randomized threshold and then decided once through the pipeline,
 * with the campaign's budget reserved in arbitration). Both phases are split
 * into leased chunks, so replicas share the work and a dead replica's chunk
 * is taken over when its lease lapses; the member mark and the request id
 * (`campaign:<id>`) keep every member decided at most once.
 */
export class Campaigns {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly cursors = new Map<string, Cursor>();
  /** This replica, as a chunk lease's owner: a lease another replica took over is not renewed by this one. */
  private readonly owner: string;
  /** Campaigns seen done: the loop stops reading them. */
  private readonly finished = new Set<string>();
  /** Tokens per campaign not yet spent by the loop (at most one second's worth). */
  private readonly balances = new Map<string, number>();

  constructor(private readonly deps: CampaignsDeps) {
    this.owner = deps.owner ?? randomUUID();
  }

  async start(req: StartRequest): Promise<CampaignSpec> {
    const catalog = this.deps.catalog();
    if (!CAMPAIGN_ID.test(req.id)) throw invalidArgument('campaign_id', 'use 1-64 letters, digits, "_", "-", "."');
    if (!catalog.segments?.has(req.segment)) throw invalidArgument('segment', `unknown segment "${req.segment}" (catalog segments)`);
    if (!catalog.triggers.has(req.trigger)) throw invalidArgument('trigger', `unknown trigger "${req.trigger}"`);
    const now = this.deps.clock.now();
    const startAt = req.startAt ?? now;
    const endAt = req.endAt ?? startAt + 7 * DAY_MS;
    if (!(endAt > startAt)) throw invalidArgument('end_at', 'must be after start_at');
    if (endAt - startAt > MAX_WINDOW_MS) throw invalidArgument('end_at', 'a campaign runs at most 366 days');
    for (const [channel, n] of Object.entries(req.budgets.perChannelPerDay)) {
      if (!catalog.channels.has(channel)) throw invalidArgument(`budgets.sends_per_day[${channel}]`, `unknown channel "${channel}"`);
      if (!Number.isInteger(n) || n < 0) throw invalidArgument(`budgets.sends_per_day[${channel}]`, 'a whole number of sends, 0 or more');
    }
    const cost = req.budgets.totalCost;
    if (cost !== undefined && !(Number.isFinite(cost) && cost >= 0)) throw invalidArgument('budgets.total_cost', 'a finite amount, 0 or more');
    const rate = req.ratePerSecond ?? DEFAULT_CAMPAIGN_RATE;
    if (!(rate > 0 && rate <= 10_000)) throw invalidArgument('rate_per_second', 'between 0 (exclusive) and 10000');
    const floor = req.admitFloor ?? DEFAULT_ADMIT_FLOOR;
    if (!(floor > 0 && floor <= 1)) throw invalidArgument('admit_floor', 'a probability in (0, 1]: every member needs a chance for offline evaluation');
    const spec: CampaignSpec = {
      id: req.id,
      segment: req.segment,
      trigger: req.trigger,
      ...(req.policy ? { policy: req.policy } : {}),
      startAt,
      endAt,
      budgets: req.budgets,
      ratePerSecond: rate,
      admitFloor: floor,
      createdAt: now,
    };
    if (!(await this.deps.store.create(spec))) throw tactError('FAILED_PRECONDITION', `campaign "${req.id}" exists`, 'campaign_id');
    // The audience is a snapshot: members who join the segment later are not in this run.
    let after = '';
    for (;;) {
      const page = await this.deps.segments.list(req.segment, after, MAX_AUDIENCE_PAGE);
      if (page.length === 0) break;
      await this.deps.store.addAudience(req.id, page);
      after = page[page.length - 1] as string;
    }
    this.deps.logger.info({ campaign: req.id, segment: req.segment, audience: await this.deps.store.audienceSize(req.id) }, 'campaign started');
    return spec;
  }

  async get(id: string): Promise<{ spec: CampaignSpec; progress: CampaignProgress }> {
    const spec = await this.deps.store.spec(id);
    if (!spec) throw notFound('campaign_id', `unknown campaign "${id}"`);
    const [run, counters, used, audience, scored, lastError] = await Promise.all([
      this.deps.store.run(id),
      this.deps.store.counters(id),
      this.deps.store.budgetUsed(id),
      this.deps.store.audienceSize(id),
      this.deps.store.scoredCount(id),
      this.deps.store.lastError(id),
    ]);
    const sentByChannel: Record<string, number> = {};
    for (const [k, v] of Object.entries(counters)) if (k.startsWith('sent:')) sentByChannel[k.slice(5)] = v;
    return {
      spec,
      progress: {
        phase: run.phase,
        paused: run.paused,
        ...(run.doneReason ? { doneReason: run.doneReason } : {}),
        audience,
        scored,
        seen: counters['seen'] ?? 0,
        admitted: counters['admitted'] ?? 0,
        decided: counters['decided'] ?? 0,
        sentByChannel,
        costUsed: (used['cost'] ?? 0) / MICRO,
        errors: counters['errors'] ?? 0,
        ...(lastError ? { lastError } : {}),
        ...(run.center !== undefined ? { threshold: run.center } : {}),
      },
    };
  }

  async pause(id: string, paused: boolean): Promise<void> {
    if (!(await this.deps.store.spec(id))) throw notFound('campaign_id', `unknown campaign "${id}"`);
    await this.deps.store.setPaused(id, paused);
  }

  /** Run on a timer: each tick spends every campaign's tokens (rate x interval). */
  startLoop(intervalMs = 100): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.tick(intervalMs)
        .catch((err: unknown) => this.deps.logger.error({ err }, 'campaign work failed'))
        .finally(() => (this.busy = false));
    }, intervalMs);
    this.timer.unref();
  }

  async stopLoop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
  }

  /** Each campaign earns rate x interval tokens per tick; what a tick leaves unspent (or overspends, finishing a member) carries over. */
  private async tick(intervalMs: number): Promise<void> {
    for (const id of await this.deps.store.ids()) {
      if (this.finished.has(id)) continue;
      const spec = await this.deps.store.spec(id);
      if (!spec) continue;
      const balance = Math.min((this.balances.get(id) ?? 0) + (spec.ratePerSecond * intervalMs) / 1000, spec.ratePerSecond);
      if (balance < 1) {
        this.balances.set(id, balance);
        continue;
      }
      const spent = await this.work(id, balance);
      // Nothing to do (paused, leased elsewhere, done): no saving up for a burst later.
      this.balances.set(id, spent === 0 ? 0 : balance - spent);
    }
  }

  /**
   * Do up to `tokens` decisions' worth of one campaign's work (a decision
   * costs 1, scoring a member or passing one not admitted LIGHT), keeping
   * this replica's place in its chunk for the next call. Returns the tokens spent; 0 when there
   * is nothing to do now (paused, not started, done, or every chunk leased
   * by other replicas).
   */
  async work(id: string, tokens: number): Promise<number> {
    const spec = await this.deps.store.spec(id);
    if (!spec) return 0;
    const run = await this.deps.store.run(id);
    const now = this.deps.clock.now();
    if (run.phase === 'done') this.finished.add(id);
    if (run.paused || run.phase === 'done' || now < spec.startAt) return 0;
    if (now >= spec.endAt) {
      await this.done(spec, 'window ended');
      return 0;
    }
    let spent = 0;
    while (spent < tokens) {
      const step = run.phase === 'scoring' ? await this.scoreSome(spec, tokens - spent) : await this.sendSome(spec, tokens - spent);
      if (step === 0) break;
      spent += step;
      const again = await this.deps.store.run(id);
      if (again.paused || again.phase !== run.phase) break;
    }
    return spent;
  }

  /**
   * The chunk this replica holds for the campaign's phase, and how far into
   * it it got: a chunk spans several ticks at a low rate, under one lease.
   */
  private async held(spec: CampaignSpec, phase: 'scoring' | 'sending', chunks: number): Promise<Cursor | undefined> {
    const cur = this.cursors.get(spec.id);
    if (cur && cur.phase === phase) return cur;
    const chunk = await this.deps.store.claim(spec.id, phase, chunks, this.deps.clock.now(), this.deps.leaseMs, this.owner);
    if (chunk < 0) return undefined;
    const next: Cursor = { phase, chunk, pos: 0 };
    this.cursors.set(spec.id, next);
    return next;
  }

  /** The held chunk is finished: the phase moves on when it was the last one. */
  private async finishChunk(spec: CampaignSpec, cur: Cursor, chunks: number): Promise<void> {
    this.cursors.delete(spec.id);
    if ((await this.deps.store.finish(spec.id, cur.phase, cur.chunk)) < chunks) return;
    if (cur.phase === 'scoring') await this.beginSending(spec);
    else await this.done(spec, 'audience exhausted');
  }

  /** The run ends; customers forgotten during it leave its audience now that no chunk is held. */
  private async done(spec: CampaignSpec, reason: string): Promise<void> {
    await this.deps.store.advance(spec.id, 'done', reason);
    await this.deps.store.purge(spec.id);
  }

  /** ForgetCustomer: the customer's traces in every campaign (the decision log's campaign lines go with the log's erase). */
  forget(customerId: string): Promise<void> {
    return this.deps.store.forget(customerId);
  }

  private async scoreSome(spec: CampaignSpec, tokens: number): Promise<number> {
    const { store, clock } = this.deps;
    const size = this.deps.chunkSize;
    const chunks = Math.ceil((await store.audienceSize(spec.id)) / size);
    const cur = await this.held(spec, 'scoring', chunks);
    if (!cur) {
      if ((await store.finished(spec.id, 'scoring')) >= chunks) await this.beginSending(spec);
      return 0;
    }
    const want = Math.max(1, Math.floor(tokens / LIGHT));
    const members = await store.audience(spec.id, cur.chunk * size + cur.pos, Math.min(want, size - cur.pos));
    const context = campaignContext(spec);
    const scores: [string, number][] = [];
    for (const customerId of members) {
      const input = { customerId, trigger: spec.trigger, context, at: clock.now(), ...(spec.policy ? { policy: spec.policy } : {}) };
      scores.push([customerId, await this.deps.estimate(input).catch(() => -Infinity)]);
    }
    await store.addScores(spec.id, scores);
    cur.pos += members.length;
    if (members.length === 0 || cur.pos >= size || cur.chunk * size + cur.pos >= (await store.audienceSize(spec.id))) await this.finishChunk(spec, cur, chunks);
    else if (!(await store.renew(spec.id, 'scoring', cur.chunk, clock.now(), this.deps.leaseMs, this.owner))) this.cursors.delete(spec.id);
    return Math.max(LIGHT, members.length * LIGHT);
  }

  /** Every replica computes the same threshold from the same scores; the first write is kept. */
  private async beginSending(spec: CampaignSpec): Promise<void> {
    const { store } = this.deps;
    const n = await store.scoredCount(spec.id);
    const descending = (await store.scores(spec.id, 0, n)).map(([, s]) => s);
    const k = budgetRank(spec.budgets, this.deps.catalog(), (spec.endAt - spec.startAt) / DAY_MS);
    const t = thresholdFor(descending, k);
    await store.setThreshold(spec.id, t.center, t.spread);
    await store.advance(spec.id, n === 0 ? 'done' : 'sending', n === 0 ? 'audience empty' : undefined);
  }

  /**
   * Members of the held chunk, in descending score order, until `tokens`
   * are spent: a decision costs 1, a member not admitted LIGHT. Returns the
   * tokens spent (0: nothing to do now).
   */
  private async sendSome(spec: CampaignSpec, tokens: number): Promise<number> {
    const { store, clock } = this.deps;
    const size = this.deps.chunkSize;
    const scored = await store.scoredCount(spec.id);
    const chunks = Math.ceil(scored / size);
    const cur = await this.held(spec, 'sending', chunks);
    if (!cur) {
      if ((await store.finished(spec.id, 'sending')) >= chunks) await this.done(spec, 'audience exhausted');
      return 0;
    }
    const run = await store.run(spec.id);
    const threshold = { center: run.center ?? -Infinity, spread: run.spread ?? 1 };
    const members = await store.scores(spec.id, cur.chunk * size + cur.pos, size - cur.pos);
    const budget = this.budgetOf(spec);
    let spent = 0;
    for (const [customerId, score] of members) {
      if (spent >= tokens) break;
      // A lease lost (this replica stalled past it and another took the chunk over) stops the work here.
      if (!(await store.renew(spec.id, 'sending', cur.chunk, clock.now(), this.deps.leaseMs, this.owner))) {
        this.cursors.delete(spec.id);
        return Math.max(LIGHT, spent);
      }
      cur.pos++;
      if ((await store.marked(spec.id, customerId)) || (await store.forgotten(spec.id, customerId))) continue;
      const q = admitProbability(score, threshold, spec.admitFloor);
      const admitted = memberDraw(spec.id, customerId) < q;
      spent += admitted ? 1 : LIGHT;
      let decision: Decision | undefined;
      let error: string | undefined;
      if (admitted) {
        try {
          decision = await this.decideMember(spec, customerId, budget);
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
          this.deps.logger.warn({ err, campaign: spec.id, customerId }, 'campaign decision failed');
        }
      }
      const channels = decision ? decision.choices.filter((c) => !c.noSend && c.channel).map((c) => c.channel) : [];
      const first = await store.mark(spec.id, customerId, { admitted, q, channels, ...(decision ? { decisionId: decision.decisionId } : {}), ...(error ? { error } : {}) });
      if (first) this.deps.observer?.onMember(error ? 'error' : admitted ? 'decided' : 'not_admitted', channels);
      if (this.deps.log.enabled) {
        this.deps.log.append({
          type: 'campaign',
          decisionId: decision?.decisionId ?? `campaign:${spec.id}:${customerId}`,
          customerId,
          campaign: spec.id,
          segment: spec.segment,
          score: Number.isFinite(score) ? score : -1e300,
          admitProbability: q,
          admitted,
          at: clock.now(),
        });
      }
    }
    if (cur.pos >= size || cur.chunk * size + cur.pos >= scored) await this.finishChunk(spec, cur, chunks);
    if (await this.costSpent(spec)) await this.done(spec, 'budget spent');
    return Math.max(LIGHT, spent);
  }

  private async decideMember(spec: CampaignSpec, customerId: string, budget: SendBudget): Promise<Decision> {
    const context = campaignContext(spec);
    const decision = await this.deps.decide({
      customerId,
      trigger: spec.trigger,
      context,
      topK: 1,
      at: this.deps.clock.now(),
      explain: false,
      // Same id on a retry after a crash: the store answers the first decision, never a second one.
      requestId: `campaign:${spec.id}`,
      ...(spec.policy ? { policy: spec.policy } : {}),
      budget,
    });
    await this.deps.deliver?.(decision, { trigger: spec.trigger, context });
    return decision;
  }

  /** The campaign's budgets as the pipeline's reservation sees them. */
  private budgetOf(spec: CampaignSpec): SendBudget {
    const catalog = this.deps.catalog();
    const moves = (chosen: readonly Candidate[]): BudgetMove[][] =>
      chosen.map((c) => {
        if (c.noSend || !c.channel) return [];
        const out: BudgetMove[] = [];
        const perDay = spec.budgets.perChannelPerDay[c.channel];
        if (perDay !== undefined) out.push([`ch:${c.channel}:${Math.floor(c.sendAt / DAY_MS)}`, 1, perDay]);
        if (spec.budgets.totalCost !== undefined) {
          const cost = catalog.channels.get(c.channel)?.cost ?? c.cost;
          out.push(['cost', Math.round(cost * MICRO), Math.round(spec.budgets.totalCost * MICRO)]);
        }
        return out;
      });
    return {
      reserve: (chosen) => this.deps.store.reserve(spec.id, moves(chosen)),
      release: (chosen) => this.deps.store.release(spec.id, moves(chosen)),
    };
  }

  /** The cost budget cannot pay for one more send on any channel. */
  private async costSpent(spec: CampaignSpec): Promise<boolean> {
    const total = spec.budgets.totalCost;
    if (total === undefined) return false;
    const costs = [...this.deps.catalog().channels.values()].map((c) => c.cost).filter((c) => c > 0);
    if (costs.length === 0) return false;
    const used = ((await this.deps.store.budgetUsed(spec.id))['cost'] ?? 0) / MICRO;
    return total - used < Math.min(...costs);
  }
}

interface Cursor {
  readonly phase: 'scoring' | 'sending';
  readonly chunk: number;
  /** Members of the chunk done by this replica. */
  pos: number;
}

/** The campaign is context: the policy can learn that a campaign's sends differ from triggered ones. */
function campaignContext(spec: CampaignSpec): Features {
  return { numeric: {}, categorical: { campaign: spec.id } };
}
