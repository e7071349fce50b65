import { TactError } from '../../core/errors.js';
import { uniqueId } from '../../core/unique-id.js';
import { StreamAppender } from './stream-appender.js';
import { EventEmitter } from 'node:events';
import { Cluster } from 'ioredis';
import type { Decision } from '../../domain/decision.js';
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
  SendReservation,
  TactStore,
} from '../store.js';
import type { RedisClient } from './client.js';
import { asStoreError, openConnection, type RedisTarget } from './connection.js';
import { RedisCustomers } from './customer-redis.js';
import { RedisKeys } from './keys.js';
import { runScript, type ScriptReply } from './scripts.js';
import { compareStreamIds, STREAM_START } from './stream-id.js';
import { tactError } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { encodeLedgerEntry, ledgerPolicy, updatesToUnlearn, type LedgerPolicy } from '../ledger.js';
import { dropOldest } from '../../core/drop-oldest.js';

export interface RedisStoreOptions {
  /** One Redis (redis:// or rediss:// URL); give this or `cluster`. */
  readonly url?: string;
  /** Redis Cluster seed nodes, "HOST:PORT[,HOST:PORT...]" (see parseClusterSeeds). */
  readonly cluster?: string;
  /** Key prefix; tests use a random one. @defaultValue "tact" */
  readonly prefix?: string;
  /** Startup gives up after this long with a clear error. @defaultValue 3000 */
  readonly connectTimeoutMs?: number;
  /**
   * A decision stays in Redis this long after its window closes, so a sweep
   * on any replica can still close it with the default reward. @defaultValue 600000
   */
  readonly sweepGraceMs?: number;
  /** Longest rule window: purchases, sends and ignored messages older than this are trimmed. @defaultValue 90 days */
  readonly customerRetentionMs?: number;
  /** Called with consumer-loop problems (the store has no logger of its own). */
  readonly onWarning?: (message: string, err?: unknown) => void;
  /**
   * Replicas that must hold a stream entry before a publish returns (WAIT,
   * in the same round trip), so a failover cannot lose a learning update a
   * client was told was joined. @defaultValue 1 on a cluster, 0 on one Redis
   */
  readonly streamReplicas?: number;
  /** What forget can unlearn (see ledger.ts); also the ledger key's TTL. */
  readonly ledger?: Partial<LedgerPolicy>;
  /** Ledger retention is measured on this clock (key TTLs are Redis's own, in real time). */
  readonly clock?: Clock;
}

const UPDATE_FIELD = 'u';
const ID_FIELD = 'i';
/** Publish ids remembered to skip a retried publish; a retry lands well within this many entries. */
const RECENT_IDS = 100_000;
/** Longer than any attribution window plus grace: older ids in a customer's decision index are dead. */
const INDEX_HORIZON_MS = 90 * 86_400_000;
const READ_BATCH = 500;
/** Longest a publish waits for replicas to hold its stream entry. */
const STREAM_WAIT_MS = 100;
const BLOCK_MS = 1000;

/**
 * TactStore on Redis: decisions, customer state and the fleet's update
 * stream. Every replica runs one of these with two connections: one for
 * commands and one that blocks on XREAD, so a long read never delays a
 * Decide. See keys.ts for the layout and lua/ for the atomic operations.
 */
export class RedisStore implements TactStore {
  readonly kind = 'redis' as const;
  readonly keys: RedisKeys;
  private readonly customers: RedisCustomers;
  private readonly ledger: LedgerPolicy;
  private readonly clock: Clock;
  private readonly handlers: Array<(u: LearningUpdate) => void> = [];
  private readonly events = new EventEmitter();
  private lastApplied: string = STREAM_START;
  private readonly recentIds = new Set<string>();
  private consuming: Promise<void> | undefined;
  private closed = false;
  private up = true;
  /** Stream appends that wait for replicas (WAIT), in groups; undefined when none are waited for. */
  private readonly appender: StreamAppender | undefined;
  /** Which sweep shard a takeExpired starts with, so shards take turns being first. */
  private sweepCursor = Math.floor(Math.random() * 1000);

  private constructor(
    private readonly cmd: RedisClient,
    private readonly sub: RedisClient,
    private readonly options: RedisStoreOptions,
  ) {
    this.keys = new RedisKeys(options.prefix);
    this.ledger = ledgerPolicy(options.ledger);
    this.clock = options.clock ?? systemClock;
    this.customers = new RedisCustomers(cmd, this.keys, options.customerRetentionMs ?? 90 * 86_400_000);
    const replicas = options.streamReplicas ?? (isCluster(cmd) ? 1 : 0);
    if (replicas > 0) this.appender = new StreamAppender(cmd, this.keys.updates(), replicas, STREAM_WAIT_MS);
    // Availability follows the command connection; the reader reconnects on its own.
    // A cluster stays "ready" while one node fails over: those calls fail with
    // CLUSTERDOWN or a closed connection and go to the buffer one by one.
    cmd.on('ready', () => this.setUp(true));
    cmd.on('close', () => this.setUp(false));
    cmd.on('end', () => this.setUp(false));
    if (!isCluster(cmd)) cmd.on('error', () => this.setUp(false));
    else cmd.on('error', () => undefined);
    sub.on('error', () => undefined);
  }

  /** Connect both connections, or fail with StoreUnavailableError within the timeout. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const timeout = options.connectTimeoutMs ?? 3000;
    const target = redisTarget(options);
    const cmd = await openConnection(target, timeout, 'tact-cmd');
    try {
      const sub = await openConnection(target, timeout, 'tact-stream', 'replica');
      return new RedisStore(cmd, sub, options);
    } catch (err) {
      cmd.disconnect();
      throw err;
    }
  }

  /** Whether the command connection is up. */
  get available(): boolean {
    return this.up && this.cmd.status === 'ready';
  }

  /** Called with true/false when Redis comes and goes. */
  onAvailability(listener: (available: boolean) => void): void {
    this.events.on('availability', listener);
  }

  /** The last stream id applied to this replica's learners. */
  get appliedStreamId(): string {
    return this.lastApplied;
  }

  /**
   * Where the consumer starts: a snapshot's stream id, or the stream's start.
   * Must be called before the first subscribe to take effect.
   */
  startFrom(streamId: string): void {
    if (this.consuming) throw tactError('INVARIANT', 'the update consumer is already running');
    this.lastApplied = streamId;
  }

  // -------------------------------------------------------------------------
  // DecisionStore

  /**
   * One write per slot, sent together (one round trip): the decision hash,
   * the customer's index, the sweep index shard and the request id each live
   * in their own slot. If only some land, what is left is harmless: an index
   * entry without its decision is skipped and removed by the sweep (take
   * finds nothing) or by forget; a decision whose index entries failed makes
   * the call fail, and the buffer replays the whole write.
   */
  async saveDecision(record: DecisionRecord, decision: Decision, requestId?: string): Promise<void> {
    await this.save(record, decision, requestId);
  }

  /**
   * Put back a decision Redis lost (a restart without persistence), from a
   * replica's own copy, so a reward already answered JOINED can join it.
   * Without its response: a retried Decide with its request id decides anew.
   */
  async restoreDecision(record: DecisionRecord): Promise<void> {
    await this.save(record, undefined, undefined);
  }

  /**
   * reserveSends and saveDecision in one call: on one Redis one script (the
   * reservation, then the save, atomically); on a cluster the reservation
   * and the customer's index entry are one script on the customer's slot,
   * sent with the other parts. The decision is saved whatever the
   * reservation's outcome, as when the two are called side by side.
   */
  async reserveAndSave(
    customerId: string,
    reservations: readonly SendReservation[],
    record: DecisionRecord,
    decision: Decision,
    requestId?: string,
  ): Promise<number> {
    if (reservations.length === 0) {
      await this.save(record, decision, requestId);
      return -1;
    }
    if (customerId !== record.customerId) throw tactError('INVARIANT', 'reserveAndSave: the decision is for another customer');
    return this.save(record, decision, requestId, this.customers.reserveArgs(reservations));
  }

  /** Returns the reservation's result (-1 without one). */
  private async save(
    record: DecisionRecord,
    decision: Decision | undefined,
    requestId: string | undefined,
    reserve?: readonly [string, number],
  ): Promise<number> {
    const k = this.keys;
    // Relative TTL: the window left on this server's clock plus the sweep
    // grace, and never less than the grace, so a decision logged on a
    // simulated or skewed clock is still there for its sweep.
    const keepMs = Math.max(0, record.expiresAt - Date.now()) + this.sweepGraceMs;
    const id = record.decisionId;
    // The request id entry holds the answer itself, so a retried Decide finds it in one read.
    const withRequest = requestId !== undefined && decision !== undefined;
    const dec = decision === undefined ? '' : JSON.stringify(decision);
    // save-decision-n.lua's ARGV after the parts: what every part reads first, then the decision's own fields.
    const common = [id, record.expiresAt, keepMs, record.expiresAt - INDEX_HORIZON_MS] as const;
    const reserveArgs = reserve ?? ['', ''];
    const decisionArgs = (): (string | number)[] => [
      ...common,
      JSON.stringify(record),
      record.choices[0]?.actionId ?? '',
      record.combine,
      dec,
      requestId ?? '',
      ...reserveArgs,
      ...record.choices.map((c) => c.actionId),
    ];
    // The customer's parts share the customer's slot: the reservation (first,
    // so a failing one writes nothing), its index entry, the request id's answer.
    const reservePart = reserve ? 's' : '';
    const requestPart = withRequest ? 'r' : '';
    const sendsKeys = reserve ? [k.sends(record.customerId)] : [];
    const requestKeys = withRequest ? [k.request(record.customerId, requestId)] : [];
    // One Redis: one script writes every part (one command instead of eight,
    // nine with the reservation; each command costs this process more than
    // it costs Redis). A cluster keeps the decision and its sweep entry in
    // their own slots: one call per slot, sent together. If only some land,
    // what is left is harmless: an index entry without its decision is
    // skipped and removed by the sweep (take finds nothing) or by forget; a
    // failed part fails the call, and the buffer replays the whole write.
    if (!isCluster(this.cmd)) {
      const keys = [...sendsKeys, k.decision(id), k.expiry(id), k.customerDecisions(record.customerId), ...requestKeys];
      return Number(await this.script('saveDecision', keys, [`${reservePart}dxi${requestPart}`, ...decisionArgs()]));
    }
    // The sweep entry is one plain command there.
    const c = this.cmd;
    const results = await Promise.allSettled([
      this.script('saveDecision', [...sendsKeys, k.customerDecisions(record.customerId), ...requestKeys], [`${reservePart}i${requestPart}`, ...common, '', '', '', dec, '', ...reserveArgs]),
      this.script('saveDecision', [k.decision(id)], ['d', ...decisionArgs()]),
      this.guard(() => c.zadd(k.expiry(id), record.expiresAt, id)),
    ]);
    const [reservation] = results;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed === undefined) return Number((reservation as PromiseFulfilledResult<unknown>).value);
    // The sends were recorded but the decision not (all) saved: the caller must not record them again.
    if (reserve && reservation?.status === 'fulfilled') throw new ReservedNotSavedError(Number(reservation.value), failed.reason);
    throw failed.reason;
  }

  async findByRequestId(customerId: string, requestId: string): Promise<Decision | undefined> {
    return this.guard(async () => {
      for (const key of this.requestKeys(customerId, requestId)) {
        const answer = await this.cmd.get(key);
        if (answer !== null) return this.requestAnswer(answer);
      }
      return undefined;
    });
  }

  /**
   * Where a request id's answer may be: the customer's slot, then, on one
   * Redis, where versions before 2026-12 kept it (a cluster never held those).
   */
  private requestKeys(customerId: string, requestId: string): string[] {
    const current = this.keys.request(customerId, requestId);
    return isCluster(this.cmd) ? [current] : [current, this.keys.legacyRequest(requestId)];
  }

  /** The decision a request id's entry answers with. */
  private async requestAnswer(value: string | null | undefined): Promise<Decision | undefined> {
    if (value === null || value === undefined) return undefined;
    if (value.startsWith('{')) return JSON.parse(value) as Decision;
    // Written before the entry held the decision: it holds the decision id.
    const json = await this.cmd.hget(this.keys.decision(value), 'dec');
    return json === null ? undefined : (JSON.parse(json) as Decision);
  }

  /**
   * The customer and the request id's earlier answer, in one script (the
   * answer lives in the customer's slot; see requestKeys).
   */
  async loadForDecide(customerId: string, _at: number, requestId: string): Promise<{ state: CustomerState; earlier: Decision | undefined }> {
    return this.guard(async () => {
      const { state, request } = await this.customers.loadWith(customerId, this.requestKeys(customerId, requestId));
      return { state, earlier: await this.requestAnswer(request) };
    });
  }

  async findDecision(decisionId: string): Promise<DecisionRecord | undefined> {
    return this.guard(async () => {
      const json = await this.cmd.hget(this.keys.decision(decisionId), 'rec');
      return json === null ? undefined : (JSON.parse(json) as DecisionRecord);
    });
  }

  joinReward(req: RewardJoinRequest): Promise<JoinResult> {
    return this.join(req, false);
  }

  /**
   * Replay a join whose reply was lost: if the event did land, report it as
   * joined (with the totals it got) instead of as a duplicate, so its
   * learning update is still published. Needs an event id.
   */
  rejoinReward(req: RewardJoinRequest): Promise<JoinResult> {
    return this.join(req, req.eventId !== undefined);
  }

  private async join(req: RewardJoinRequest, replay: boolean): Promise<JoinResult> {
    const reply = await this.script('join', [this.keys.decision(req.decisionId)], [
      req.actionId,
      String(req.value),
      req.eventId ?? '',
      req.now,
      replay ? '1' : '0',
    ]);
    const [status, rec, actionId, previous, total] = reply as string[];
    const record = (): DecisionRecord => JSON.parse(rec as string) as DecisionRecord;
    switch (status) {
      case 'unknown':
      case 'expired':
      case 'duplicate':
        return { status };
      case 'unknown_action':
      case 'ignored':
        return { status, record: record() };
      case 'joined':
        return previous === ''
          ? { status, record: record(), actionId: actionId as string, total: Number(total) }
          : { status, record: record(), actionId: actionId as string, total: Number(total), previousTotal: Number(previous) };
      default:
        throw tactError('STORE_PROTOCOL', `join script returned unexpected status ${String(status)}`);
    }
  }

  /**
   * Claim due ids shard by shard (each claim is one script on one shard, so
   * exactly one caller gets each id), then take each claimed decision (one
   * script per decision) and drop it from its customer's index. Shards are
   * claimed together, a fair share of `limit` each, and shards that filled
   * their share are asked again while the limit is not reached.
   */
  async takeExpired(now: number, limit: number): Promise<ExpiredDecision[]> {
    // Claiming is the exclusive step; reading the claimed decisions need not
    // be atomic with it. A replica dying between the two loses the default
    // rewards of at most `limit` decisions (their keys expire by TTL).
    const ids: string[] = [];
    let open = this.keys.expiryKeys();
    const start = this.sweepCursor++ % open.length;
    open = [...open.slice(start), ...open.slice(0, start)];
    while (open.length > 0 && ids.length < limit) {
      const share = Math.max(1, Math.ceil((limit - ids.length) / open.length));
      const claimed = await Promise.all(open.map((key) => this.script('claim', [key], [now, share]) as Promise<string[]>));
      const full: string[] = [];
      claimed.forEach((got, i) => {
        ids.push(...got);
        if (got.length === share) full.push(open[i] as string);
      });
      open = full;
    }
    const taken = await Promise.all(ids.map((id) => this.script('take', [this.keys.decision(id)], [])));
    const out: ExpiredDecision[] = [];
    const done = new Map<string, string[]>();
    for (const reply of taken) {
      const [rec, ...fields] = reply as string[];
      if (rec === undefined) continue;
      const record = JSON.parse(rec) as DecisionRecord;
      const totals = new Map<string, number>();
      const engagedActions: string[] = [];
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const name = fields[i] as string;
        if (name.startsWith('r:')) totals.set(name.slice(2), Number(fields[i + 1]));
        else engagedActions.push(name.slice(2));
      }
      out.push({ record, unrewardedActions: record.choices.map((c) => c.actionId).filter((a) => !totals.has(a)), totals, engagedActions });
      done.set(record.customerId, [...(done.get(record.customerId) ?? []), record.decisionId]);
    }
    // One command per customer (each customer's index is in its own slot).
    await settleAll([...done].map(([customerId, decided]) => this.guard(() => this.cmd.zrem(this.keys.customerDecisions(customerId), ...decided))));
    return out;
  }

  async markEngaged(decisionId: string, actionId: string): Promise<EngagementStatus> {
    const reply = await this.script('engage', [this.keys.decision(decisionId)], [actionId]);
    if (reply === 'first' || reply === 'again' || reply === 'unknown') return reply;
    throw tactError('STORE_PROTOCOL', `engage script returned unexpected ${String(reply)}`);
  }

  async countDecisions(): Promise<number> {
    const counts = await Promise.all(this.keys.expiryKeys().map((key) => this.guard(() => this.cmd.zcard(key))));
    return counts.reduce((a, b) => a + b, 0);
  }

  // -------------------------------------------------------------------------
  // UpdateBus

  publish(update: LearningUpdate): Promise<void> {
    return this.publishOnce(update, uniqueId());
  }

  /**
   * Publish under a caller-chosen id: publishing again with the same id (a
   * retry after a lost reply) is applied once by every replica and kept once
   * in the ledger.
   */
  async publishOnce(update: LearningUpdate, publishId: string): Promise<void> {
    if (this.publishesInOneCall) {
      const now = this.clock.now();
      await this.script('publish', [this.keys.updates(), this.keys.ledger(update.customerId)], [
        JSON.stringify(update),
        publishId,
        update.unlearn ? '' : encodeLedgerEntry(update, now, publishId),
        now - this.ledger.retentionMs,
        this.ledger.maxPerCustomer,
        this.ledger.retentionMs,
      ]);
      return;
    }
    await this.appendUpdate(update, publishId);
    if (!update.unlearn) await this.recordInLedger(update, publishId);
  }

  /**
   * On one Redis without replicas to wait for, a publish is one script:
   * the stream entry and the ledger entry together (one command instead of
   * two; slots do not matter there). On a cluster, or when the stream
   * entry waits for replicas, they are two calls, the stream first.
   */
  get publishesInOneCall(): boolean {
    return this.appender === undefined && !isCluster(this.cmd);
  }

  /**
   * Step one of a publish: the stream entry every replica applies. The
   * caller does not wait for its own replica to apply it (replicas read the
   * stream on their own connection within milliseconds).
   */
  async appendUpdate(update: LearningUpdate, publishId: string): Promise<void> {
    const fields = [UPDATE_FIELD, JSON.stringify(update), ID_FIELD, publishId];
    // Without replicas to wait for, a plain command, which auto-pipelining batches with others.
    const appender = this.appender;
    if (appender === undefined) await this.guard(() => this.cmd.xadd(this.keys.updates(), '*', ...fields));
    else await this.guard(() => appender.append(fields));
  }

  /**
   * Step two, after the stream entry (they live in different slots): the
   * customer's ledger, which forget unlearns from. A crash between the two
   * leaves an update the fleet learned but forget cannot unlearn, which is
   * detectable; the other order would unlearn something never learned.
   */
  async recordInLedger(update: LearningUpdate, publishId: string): Promise<void> {
    const now = this.clock.now();
    await this.script('ledgerPush', [this.keys.ledger(update.customerId)], [
      encodeLedgerEntry(update, now, publishId),
      now - this.ledger.retentionMs,
      this.ledger.maxPerCustomer,
      this.ledger.retentionMs,
    ]);
  }

  subscribe(handler: (update: LearningUpdate) => void): void {
    this.handlers.push(handler);
    this.consuming ??= this.consume();
  }

  // -------------------------------------------------------------------------
  // CustomerStore

  loadCustomer(customerId: string, _at: number): Promise<CustomerState> {
    return this.guard(() => this.customers.load(customerId));
  }

  recordEvent(customerId: string, event: CustomerEvent): Promise<void> {
    return this.guard(() => this.customers.recordEvent(customerId, event));
  }

  setConsent(customerId: string, patch: Partial<ConsentState>): Promise<void> {
    return this.guard(() => this.customers.setConsent(customerId, patch));
  }

  reserveSends(customerId: string, reservations: readonly SendReservation[]): Promise<number> {
    return this.guard(() => this.customers.reserveSends(customerId, reservations));
  }

  /**
   * The customer's keys go in one script (one slot); then each of its
   * decisions, in their own slots: the request id entry is read first and
   * deleted with the decision. A failure part-way leaves the rest to TTLs
   * and the sweep (an index entry whose decision is gone is skipped), and the
   * caller retries forget, which deletes what is left.
   */
  async forgetCustomer(customerId: string): Promise<ForgetResult> {
    const reply = (await this.script('forget', this.keys.customerKeys(customerId), [])) as [string[], string[]];
    const [ledger, decisionIds] = reply;
    const erased = await Promise.all(
      decisionIds.map(async (id) => {
        const key = this.keys.decision(id);
        const req = await this.guard(() => this.cmd.hget(key, 'req'));
        const [deleted] = await Promise.all([
          this.guard(() => this.cmd.del(key)),
          this.guard(() => this.cmd.zrem(this.keys.expiry(id), id)),
          ...(req === null ? [] : this.requestKeys(customerId, req).map((k) => this.guard(() => this.cmd.del(k)))),
        ]);
        return deleted === 1 ? 1 : 0;
      }),
    );
    const decisionsErased = erased.reduce<number>((a, b) => a + b, 0);
    return { updates: updatesToUnlearn(customerId, ledger, this.ledger, this.clock.now()), decisionsErased };
  }

  // -------------------------------------------------------------------------
  // Snapshots (used by snapshots.ts)

  /** The stored snapshot and the one it replaced (the stream is kept from the older one's id), newest first. */
  async loadSnapshots(): Promise<{ streamId: string; body: string }[]> {
    const [id, body, prevId, prevBody] = await this.guard(() => this.cmd.hmget(this.keys.snapshot(), 'id', 'body', 'prevId', 'prevBody'));
    const out: { streamId: string; body: string }[] = [];
    if (id && body) out.push({ streamId: id, body });
    if (prevId && prevBody) out.push({ streamId: prevId, body: prevBody });
    return out;
  }

  /** The stream id the stored snapshot includes (one small read: no body). */
  async snapshotStreamId(): Promise<string | undefined> {
    return (await this.guard(() => this.cmd.hget(this.keys.snapshot(), 'id'))) ?? undefined;
  }

  async saveSnapshot(streamId: string, body: string): Promise<boolean> {
    const stored = await this.script('saveSnapshot', [this.keys.snapshot(), this.keys.updates()], [streamId, body]);
    return stored === 1;
  }

  /** The raw connection, for tests and the memory bench only. */
  get connection(): RedisClient {
    return this.cmd;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sub.disconnect();
    await this.consuming?.catch(() => undefined);
    try {
      await this.cmd.quit();
    } catch {
      this.cmd.disconnect();
    }
  }

  // -------------------------------------------------------------------------

  private get sweepGraceMs(): number {
    return this.options.sweepGraceMs ?? 600_000;
  }

  private setUp(up: boolean): void {
    if (this.up === up || this.closed) return;
    this.up = up;
    this.events.emit('availability', up);
  }

  /** Apply the stream in order, for ever: the one place learners change in a fleet. */
  private async consume(): Promise<void> {
    let failed = false;
    while (!this.closed) {
      try {
        if (failed) {
          await this.checkStreamReset();
          failed = false;
        }
        const reply = await this.sub.xread('COUNT', READ_BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.keys.updates(), this.lastApplied);
        if (!reply) continue;
        for (const [, entries] of reply) for (const [id, fields] of entries) this.apply(id, fields);
      } catch (err) {
        if (this.closed) break;
        if (!failed) this.options.onWarning?.('update stream read failed; retrying', err);
        failed = true;
        await sleep(200);
      }
    }
  }

  private apply(id: string, fields: string[]): void {
    const json = field(fields, UPDATE_FIELD);
    const publishId = field(fields, ID_FIELD);
    this.lastApplied = id;
    if (json === undefined) return;
    if (publishId !== undefined) {
      if (this.recentIds.has(publishId)) return;
      this.recentIds.add(publishId);
      dropOldest(this.recentIds, RECENT_IDS);
    }
    const update = JSON.parse(json) as LearningUpdate;
    for (const h of this.handlers) {
      try {
        h(update);
      } catch (err) {
        this.options.onWarning?.(`applying update ${id} failed`, err);
      }
    }
  }

  /**
   * A Redis restarted without persistence starts its stream again from low
   * ids; reading from our old position would skip every new update.
   */
  private async checkStreamReset(): Promise<void> {
    const last = await this.sub.xrevrange(this.keys.updates(), '+', '-', 'COUNT', 1);
    const lastId = last[0]?.[0] ?? STREAM_START;
    if (compareStreamIds(lastId, this.lastApplied) < 0) {
      this.options.onWarning?.(`update stream was reset (last id ${lastId} < applied ${this.lastApplied}); reading it from the start`);
      this.lastApplied = STREAM_START;
    }
  }

  private async script(name: Parameters<typeof runScript>[1], keys: readonly string[], args: readonly (string | number)[]): Promise<ScriptReply> {
    return this.guard(() => runScript(this.cmd, name, keys, args));
  }

  /** Run a pipeline (its keys in one slot); the first failed command's error (mapped) is thrown. */
  private async exec(p: ReturnType<RedisClient['pipeline']>): Promise<unknown[]> {
    return this.guard(async () => {
      const replies = await p.exec();
      if (!replies) throw tactError('STORE_PROTOCOL', 'pipeline was discarded');
      return replies.map(([err, value]) => {
        if (err) throw err;
        return value;
      });
    });
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw asStoreError(err);
    }
  }
}

/**
 * reserveAndSave on a cluster: the reservation landed (`reserved`, as
 * reserveSends returns it) but another part of the save failed (`cause`).
 * The outage buffer then buffers the decision and keeps the reservation's
 * result, as when reserveSends and saveDecision are called side by side.
 */
export class ReservedNotSavedError extends Error {
  constructor(
    readonly reserved: number,
    override readonly cause: unknown,
  ) {
    super('the sends were reserved but the decision was not saved');
    this.name = 'ReservedNotSavedError';
  }
}

/** The target the options name: exactly one of url and cluster. */
function redisTarget(options: RedisStoreOptions): RedisTarget {
  if (options.cluster !== undefined && options.url !== undefined) throw new TactError('invalid_argument', 'give either a Redis URL or cluster seed nodes, not both');
  if (options.cluster !== undefined) return { kind: 'cluster', seeds: options.cluster };
  if (options.url !== undefined) return { kind: 'single', url: options.url };
  throw new TactError('invalid_argument', 'a Redis URL or cluster seed nodes are needed');
}

function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** Wait for every write, then throw the first failure (so none is left running unobserved). */
async function settleAll(writes: readonly Promise<unknown>[]): Promise<unknown[]> {
  const results = await Promise.allSettled(writes);
  return results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
