import { uniqueId } from '../../core/unique-id.js';
import type { Logger } from 'pino';
import { StoreUnavailableError } from '../../core/errors.js';
import type { Decision } from '../../domain/decision.js';
import { countForCap } from '../../domain/caps.js';
import type {
  ConsentState,
  CustomerEvent,
  CustomerState,
  DecisionRecord,
  EngagementStatus,
  ExpiredDecision,
  ForgetResult,
  JoinResult,
  LearningUpdate,
  RewardJoinRequest,
  SendRecord,
  SendReservation,
  TactStore,
} from '../store.js';
import { emptyCustomerState } from '../../domain/customer-state.js';
import { ReservedNotSavedError, type RedisStore } from './redis-store.js';
import { dropOldest } from '../../core/drop-oldest.js';
import { joinedUpdate } from '../learning-update.js';

/** Writes kept while Redis is down, replayed in arrival order when it returns. */
type Pending =
  | { readonly kind: 'decision'; readonly record: DecisionRecord; readonly decision: Decision; readonly requestId?: string }
  /**
   * uncertain: a direct attempt failed mid-call, so it may have landed.
   * record: the decision as this replica saved it, to restore it if Redis
   * comes back without it (data loss): a reward answered JOINED is learned.
   */
  | { readonly kind: 'reward'; readonly request: RewardJoinRequest; readonly uncertain: boolean; readonly record: DecisionRecord }
  | { readonly kind: 'update'; readonly update: LearningUpdate; readonly publishId: string }
  /** The ledger half of a publish whose stream entry landed. */
  | { readonly kind: 'ledger'; readonly update: LearningUpdate; readonly publishId: string }
  | { readonly kind: 'event'; readonly customerId: string; readonly event: CustomerEvent }
  | { readonly kind: 'consent'; readonly customerId: string; readonly patch: Partial<ConsentState> }
  /** A receipt's engagement: idempotent (set once), so replaying an uncertain one is safe. */
  | { readonly kind: 'engage'; readonly decisionId: string; readonly actionId: string }
  | { readonly kind: 'sends'; readonly customerId: string; readonly sends: readonly SendRecord[] };

type Kind = Pending['kind'];

/**
 * How long after an outage an unknown decision is answered "retry later"
 * rather than NOT_FOUND: it may still wait in another replica's buffer.
 */
const REPLAY_HORIZON_MS = 120_000;
/**
 * A decision issued this recently that Redis does not hold is answered
 * "retry later" even if this replica saw no trouble: in a cluster, the
 * replica that issued it may be replaying it after a failover this one
 * never noticed. In steady state a decision is in Redis before Decide answers.
 */
const YOUNG_DECISION_MS = 30_000;
/** Rewards whose direct join lost its reply, remembered so their retry learns what landed. */
const UNCERTAIN_JOINS_KEPT = 10_000;

export interface BufferOptions {
  /** Most writes held while Redis is down; beyond it new writes are refused and counted. @defaultValue 100000 */
  readonly maxPending?: number;
  /** Channels whose caps fail closed (no send) while Redis is down; others use local caps. */
  readonly failClosedChannels?: readonly string[];
  /** How often a non-empty buffer retries while Redis looks up. @defaultValue 500 */
  readonly retryMs?: number;
  /** Decision records this replica remembers for rewards during an outage. @defaultValue 10000 */
  readonly recentDecisions?: number;
  /** Says why marketing sends are stopped (Redis lost data), if they are. */
  readonly sendGate?: { readonly stopDetail: string | undefined; settle(): Promise<void> };
  /** Called when Redis goes away (the gate must verify its data again). */
  readonly onConnectionLost?: () => void;
  /** After an outage, how long an unknown decision answers UNAVAILABLE instead of NOT_FOUND. @defaultValue 120000 */
  readonly replayHorizonMs?: number;
  /** Wall clock (ms) for the replay horizon. @defaultValue Date.now */
  readonly now?: () => number;
}

/** What the buffer did; the metrics module exports these. */
export interface BufferStats {
  pending: number;
  buffered: Record<Kind, number>;
  flushed: Record<Kind, number>;
  /** Refused because the buffer was full: the caller got UNAVAILABLE (rewards, events) or the write is lost (decisions, updates). */
  refused: Record<Kind, number>;
  /** Replayed but rejected by Redis for a reason other than being down (logged). */
  failed: Record<Kind, number>;
  /** Outcome of buffered rewards when they were finally joined. */
  lateJoins: Record<JoinResult['status'], number>;
  capsFailedClosed: number;
  capsLocal: number;
  /** Rewards refused (UNAVAILABLE) during an outage because this replica does not hold their decision. */
  rewardsUnheld: number;
  /** Rewards of unknown decisions answered UNAVAILABLE soon after an outage (the decision may still be in a buffer). */
  rewardsDeferred: number;
  /** Decisions restored from this replica's copy because Redis came back without them. */
  decisionsRestored: number;
  degradedReads: number;
  outages: number;
}

const perKind = (): Record<Kind, number> => ({ decision: 0, reward: 0, update: 0, ledger: 0, event: 0, consent: 0, engage: 0, sends: 0 });

/**
 * The Redis store as the engine sees it: when Redis is down, Decide keeps
 * answering (reads degrade to empty customer state, caps fail open with local
 * counts or closed per channel), and writes wait in one bounded, ordered
 * queue that is replayed when Redis returns. Order matters: a reward must
 * reach Redis after the decision it joins. What does not fit is counted and
 * logged; nothing is dropped without both.
 */
export class BufferedStore implements TactStore {
  readonly kind = 'redis' as const;
  readonly stats: BufferStats = {
    pending: 0,
    buffered: perKind(),
    flushed: perKind(),
    refused: perKind(),
    failed: perKind(),
    lateJoins: { joined: 0, ignored: 0, duplicate: 0, expired: 0, unknown: 0, unknown_action: 0, buffered: 0 },
    capsFailedClosed: 0,
    capsLocal: 0,
    rewardsUnheld: 0,
    rewardsDeferred: 0,
    decisionsRestored: 0,
    degradedReads: 0,
    outages: 0,
  };
  private readonly queue: Pending[] = [];
  /** Sends reserved during an outage, so local caps hold until they reach Redis. */
  private readonly localSends = new Map<string, SendRecord[]>();
  private readonly failClosed: ReadonlySet<string>;
  private readonly maxPending: number;
  /** The newest decisions saved through this replica, oldest first (bounded by recentMax). */
  private readonly recent = new Map<string, DecisionRecord>();
  private readonly recentMax: number;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  /**
   * When Redis last failed a call or came back (ms, options.now); undefined
   * before any trouble. A cluster stays "available" while one master fails
   * over, so single failed calls count, not only lost connections.
   */
  private troubleAt: number | undefined;
  private readonly now: () => number;
  /**
   * Rewards (decision and event id) refused UNAVAILABLE after a direct join
   * whose reply was lost: it may have landed, so the client's retry replays
   * it (learning what the first call joined) instead of reading DUPLICATE.
   */
  private readonly uncertainJoins = new Set<string>();
  /** Ledger writes sent after their stream entry, not yet answered. */
  private readonly ledgerWrites = new Set<Promise<void>>();

  constructor(
    readonly inner: RedisStore,
    private logger: Pick<Logger, 'warn' | 'error' | 'info'>,
    private readonly options: BufferOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 100_000;
    this.failClosed = new Set(options.failClosedChannels ?? ['sms']);
    this.recentMax = options.recentDecisions ?? 10_000;
    this.now = options.now ?? Date.now;
    inner.onAvailability((up) => {
      if (!up) options.onConnectionLost?.();
      this.troubleAt = this.now();
      if (up) {
        this.logger.info({ pending: this.queue.length }, 'Redis is back; replaying buffered writes');
        void this.flush();
      } else {
        this.stats.outages++;
        this.logger.warn('Redis is unavailable; buffering writes, Decide answers from the local model');
      }
    });
    this.timer = setInterval(() => void this.flush(), options.retryMs ?? 500);
    this.timer.unref();
  }

  setLogger(logger: Pick<Logger, 'warn' | 'error' | 'info'>): void {
    this.logger = logger;
  }

  /** Whether Redis is reachable and nothing is waiting: writes go straight through. */
  get direct(): boolean {
    return this.queue.length === 0 && this.inner.available;
  }

  // -- writes: straight through, or queued in order -------------------------

  saveDecision(record: DecisionRecord, decision: Decision, requestId?: string): Promise<void> {
    this.remember(record);
    const op: Pending = requestId === undefined ? { kind: 'decision', record, decision } : { kind: 'decision', record, decision, requestId };
    return this.write(op, () => this.inner.saveDecision(record, decision, requestId), () => undefined);
  }

  /**
   * A reward is answered JOINED during an outage only for a decision this
   * replica holds a copy of: that copy restores the decision if Redis comes
   * back without it, so the reward is learned exactly once. Any other reward
   * is refused (UNAVAILABLE) for the client to retry, never dropped later;
   * so is an unknown decision soon after an outage, which may still wait in
   * another replica's buffer (NOT_FOUND would tell the client to give up).
   */
  async joinReward(request: RewardJoinRequest): Promise<JoinResult> {
    const tried = this.direct;
    const key = uncertainKey(request);
    if (tried) {
      const replay = key !== undefined && this.uncertainJoins.delete(key);
      let result: JoinResult | undefined;
      try {
        result = replay ? await this.inner.rejoinReward(request) : await this.inner.joinReward(request);
      } catch (err) {
        this.fellBack(err);
      }
      if (result?.status === 'unknown' && (this.soonAfterOutage() || this.issuedRecently(request))) {
        this.stats.rewardsDeferred++;
        throw new StoreUnavailableError('the decision is not in Redis yet (another replica may still replay it after an outage); retry the reward later');
      }
      if (result !== undefined) return result;
    }
    const record = this.recent.get(request.decisionId);
    if (!record) {
      this.stats.rewardsUnheld++;
      if (tried && key !== undefined) {
        this.uncertainJoins.add(key);
        dropOldest(this.uncertainJoins, UNCERTAIN_JOINS_KEPT);
      }
      throw new StoreUnavailableError('Redis is unavailable and this replica does not hold the decision; retry the reward later');
    }
    this.enqueue({ kind: 'reward', request, uncertain: tried, record });
    return { status: 'buffered' };
  }

  private issuedRecently({ issuedBy, now }: RewardJoinRequest): boolean {
    // A window end that puts the issue time in the future is not Tact's id: no wait for it.
    return issuedBy !== undefined && issuedBy <= now && now - issuedBy < YOUNG_DECISION_MS;
  }

  private soonAfterOutage(): boolean {
    return this.troubleAt !== undefined && this.now() - this.troubleAt < (this.options.replayHorizonMs ?? REPLAY_HORIZON_MS);
  }

  /** A direct call failed: Redis being away is noted and handled by the caller; anything else propagates. */
  private fellBack(err: unknown): void {
    if (!(err instanceof StoreUnavailableError)) throw err;
    this.troubleAt = this.now();
  }

  /**
   * Answers once the stream entry is in Redis: the ledger write follows it
   * without the caller waiting (a Reward is one join plus the stream), and
   * if Redis is gone by then it waits in the buffer like any write. On one
   * Redis both are one script (RedisStore.publishesInOneCall).
   */
  publish(update: LearningUpdate): Promise<void> {
    const publishId = uniqueId();
    return this.write(
      { kind: 'update', update, publishId },
      async () => {
        // One Redis: stream and ledger in one script, as cheap to wait for as the stream alone.
        if (this.inner.publishesInOneCall) return this.inner.publishOnce(update, publishId);
        await this.inner.appendUpdate(update, publishId);
        if (!update.unlearn) this.recordInLedgerLater(update, publishId);
      },
      () => undefined,
    );
  }

  recordEvent(customerId: string, event: CustomerEvent): Promise<void> {
    return this.write({ kind: 'event', customerId, event }, () => this.inner.recordEvent(customerId, event), () => undefined);
  }

  setConsent(customerId: string, patch: Partial<ConsentState>): Promise<void> {
    return this.write({ kind: 'consent', customerId, patch }, () => this.inner.setConsent(customerId, patch), () => undefined);
  }

  markEngaged(decisionId: string, actionId: string): Promise<EngagementStatus> {
    return this.write({ kind: 'engage', decisionId, actionId }, () => this.inner.markEngaged(decisionId, actionId), () => 'buffered' as const);
  }

  async reserveSends(customerId: string, reservations: readonly SendReservation[]): Promise<number> {
    if (this.direct) {
      try {
        return await this.inner.reserveSends(customerId, reservations);
      } catch (err) {
        this.fellBack(err);
      }
    }
    return this.reserveLocally(customerId, reservations);
  }

  /**
   * Both writes of a Decide in one call while Redis is up; if that call
   * fails, what the two would have done on their own failure (local caps,
   * the decision buffered).
   */
  async reserveAndSave(customerId: string, reservations: readonly SendReservation[], record: DecisionRecord, decision: Decision, requestId?: string): Promise<number> {
    if (!this.direct) {
      const [failed] = await Promise.all([this.reserveSends(customerId, reservations), this.saveDecision(record, decision, requestId)]);
      return failed;
    }
    this.remember(record);
    const buffered: Pending = requestId === undefined ? { kind: 'decision', record, decision } : { kind: 'decision', record, decision, requestId };
    try {
      return await this.inner.reserveAndSave(customerId, reservations, record, decision, requestId);
    } catch (err) {
      if (err instanceof ReservedNotSavedError) {
        // The sends are in Redis: only the decision waits (as a failed saveDecision beside a reserveSends that landed).
        this.fellBack(err.cause);
        this.enqueue(buffered);
        return err.reserved;
      }
      this.fellBack(err);
    }
    const failed = this.reserveLocally(customerId, reservations);
    this.enqueue(buffered);
    return failed;
  }

  // -- reads: degrade rather than fail --------------------------------------

  async loadCustomer(customerId: string, at: number): Promise<CustomerState> {
    await this.options.sendGate?.settle();
    if (this.direct) {
      try {
        return this.gated(await this.inner.loadCustomer(customerId, at));
      } catch (err) {
        this.fellBack(err);
      }
    }
    this.stats.degradedReads++;
    return this.gated({ ...emptyCustomerState(customerId), sends: this.localSends.get(customerId) ?? [] });
  }

  /** Both reads of a Decide in one call while Redis is up; degraded as the two would be. */
  async loadForDecide(customerId: string, at: number, requestId: string): Promise<{ state: CustomerState; earlier: Decision | undefined }> {
    await this.options.sendGate?.settle();
    if (!this.direct) {
      const [earlier, state] = await Promise.all([this.findByRequestId(customerId, requestId), this.loadCustomer(customerId, at)]);
      return { state, earlier };
    }
    try {
      const { state, earlier } = await this.inner.loadForDecide(customerId, at, requestId);
      return { state: this.gated(state), earlier };
    } catch (err) {
      this.fellBack(err);
    }
    this.stats.degradedReads++;
    return { state: this.gated({ ...emptyCustomerState(customerId), sends: this.localSends.get(customerId) ?? [] }), earlier: undefined };
  }

  /** Customer state with the fleet-wide stop on marketing sends, when there is one. */
  private gated(state: CustomerState): CustomerState {
    const stopped = this.options.sendGate?.stopDetail;
    return stopped === undefined ? state : { ...state, sendsStopped: stopped };
  }

  private remember(record: DecisionRecord): void {
    this.recent.set(record.decisionId, record);
    dropOldest(this.recent, this.recentMax);
  }

  async findByRequestId(customerId: string, requestId: string): Promise<Decision | undefined> {
    if (!this.inner.available) return undefined;
    try {
      return await this.inner.findByRequestId(customerId, requestId);
    } catch (err) {
      if (err instanceof StoreUnavailableError) return undefined;
      throw err;
    }
  }

  async findDecision(decisionId: string): Promise<DecisionRecord | undefined> {
    if (!this.inner.available) return undefined;
    try {
      return await this.inner.findDecision(decisionId);
    } catch (err) {
      if (err instanceof StoreUnavailableError) return undefined;
      throw err;
    }
  }

  async takeExpired(now: number, limit: number): Promise<ExpiredDecision[]> {
    // While decisions wait in the buffer, their windows close after the flush.
    if (!this.direct) return [];
    return this.inner.takeExpired(now, limit);
  }

  countDecisions(): Promise<number> {
    return this.inner.countDecisions();
  }

  /** A right to be forgotten is not deferred silently: it fails and the caller retries. */
  async forgetCustomer(customerId: string): Promise<ForgetResult> {
    // This replica's ledger writes in flight land first, so forget sees them.
    await Promise.all(this.ledgerWrites);
    if (!this.direct) throw new StoreUnavailableError('Redis is unavailable; retry forget later');
    // This replica's copies too: a forgotten decision must never be restored.
    for (const [id, record] of this.recent) if (record.customerId === customerId) this.recent.delete(id);
    return this.inner.forgetCustomer(customerId);
  }

  subscribe(handler: (update: LearningUpdate) => void): void {
    this.inner.subscribe(handler);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.ledgerWrites);
    await this.flushing;
    if (this.queue.length > 0) {
      this.logger.error({ pending: this.queue.length, stats: this.stats }, 'closing with buffered writes that never reached Redis');
    }
    await this.inner.close();
  }

  /** Replay the queue in order; stops at the first sign Redis is down again. */
  flush(): Promise<void> {
    if (this.queue.length === 0 || !this.inner.available) return Promise.resolve();
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  // -------------------------------------------------------------------------

  private async write<T>(op: Pending, run: () => Promise<T>, whenBuffered: () => T): Promise<T> {
    if (this.direct) {
      try {
        return await run();
      } catch (err) {
        // A lost reply may mean the command ran; replaying a reward with an
        // event id is idempotent, without one it may count twice.
        this.fellBack(err);
      }
    }
    this.enqueue(op);
    return whenBuffered();
  }

  private recordInLedgerLater(update: LearningUpdate, publishId: string): void {
    const write = this.inner.recordInLedger(update, publishId).catch((err: unknown) => {
      if (err instanceof StoreUnavailableError) return this.enqueue({ kind: 'ledger', update, publishId });
      this.stats.failed.ledger++;
      this.logger.error({ err, customerId: update.customerId }, 'ledger write rejected by Redis; forget cannot unlearn this update');
    });
    this.ledgerWrites.add(write);
    void write.finally(() => this.ledgerWrites.delete(write));
  }

  private enqueue(op: Pending): void {
    if (this.queue.length >= this.maxPending) {
      this.stats.refused[op.kind]++;
      this.logger.error({ kind: op.kind, refused: this.stats.refused }, 'write buffer full while Redis is down; write refused');
      if (op.kind !== 'decision' && op.kind !== 'update' && op.kind !== 'ledger' && op.kind !== 'sends') {
        throw new StoreUnavailableError(`Redis is unavailable and the write buffer is full (${this.maxPending})`);
      }
      return;
    }
    this.queue.push(op);
    this.stats.buffered[op.kind]++;
    this.stats.pending = this.queue.length;
  }

  private reserveLocally(customerId: string, reservations: readonly SendReservation[]): number {
    const recorded = this.localSends.get(customerId) ?? [];
    const tentative: SendRecord[] = [];
    for (let i = 0; i < reservations.length; i++) {
      const r = reservations[i] as SendReservation;
      if (this.failClosed.has(r.send.channel)) {
        this.stats.capsFailedClosed++;
        return i;
      }
      for (const cap of r.caps) {
        if (countForCap(recorded, cap, r.send.at) + countForCap(tentative, cap, r.send.at) >= cap.max) return i;
      }
      tentative.push(r.send);
    }
    if (tentative.length > 0) {
      this.stats.capsLocal++;
      this.localSends.set(customerId, [...recorded, ...tentative]);
      this.enqueue({ kind: 'sends', customerId, sends: tentative });
    }
    return -1;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && this.inner.available) {
      const op = this.queue[0] as Pending;
      try {
        await this.replay(op);
        this.stats.flushed[op.kind]++;
      } catch (err) {
        if (err instanceof StoreUnavailableError) return;
        this.stats.failed[op.kind]++;
        this.logger.error({ err, kind: op.kind }, 'buffered write rejected by Redis; not retried');
      }
      this.queue.shift();
      this.stats.pending = this.queue.length;
    }
    if (this.queue.length === 0) {
      this.localSends.clear();
      this.logger.info({ stats: this.stats }, 'buffered writes replayed');
    }
  }

  private async replay(op: Pending): Promise<void> {
    switch (op.kind) {
      case 'decision':
        return this.inner.saveDecision(op.record, op.decision, op.requestId);
      case 'update':
        return this.inner.publishOnce(op.update, op.publishId);
      case 'ledger':
        return this.inner.recordInLedger(op.update, op.publishId);
      case 'event':
        return this.inner.recordEvent(op.customerId, op.event);
      case 'consent':
        return this.inner.setConsent(op.customerId, op.patch);
      case 'engage':
        await this.inner.markEngaged(op.decisionId, op.actionId);
        return;
      case 'sends':
        // Already sent on local caps: record them, checking nothing.
        await this.inner.reserveSends(op.customerId, op.sends.map((send) => ({ send, caps: [] })));
        return;
      case 'reward': {
        let result = op.uncertain ? await this.inner.rejoinReward(op.request) : await this.inner.joinReward(op.request);
        if (result.status === 'unknown') {
          // Redis came back without the decision (it lost data; a forget
          // cannot run while writes wait): restore this replica's copy.
          await this.inner.restoreDecision(op.record);
          this.stats.decisionsRestored++;
          this.logger.warn({ decisionId: op.record.decisionId }, 'decision missing from Redis after an outage; restored from this replica to join its reward');
          result = await this.inner.joinReward(op.request);
        }
        this.stats.lateJoins[result.status]++;
        const update = result.status === 'joined' ? joinedUpdate(result) : undefined;
        // Put the learning step first in line, so a failure now retries the publish, not the join.
        if (update) this.queue.splice(1, 0, { kind: 'update', update, publishId: uniqueId() });
        return;
      }
    }
  }
}

/** A reward with an event id can be replayed safely; one without cannot. */
function uncertainKey(request: RewardJoinRequest): string | undefined {
  return request.eventId === undefined ? undefined : `${request.decisionId}\u001f${request.eventId}`;
}

