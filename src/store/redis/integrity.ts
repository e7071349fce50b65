import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from './client.js';
import { TactError } from '../../core/errors.js';
import type { RedisKeys } from './keys.js';

/**
 * A Redis that lost its data fails closed. Consent, opt-outs and frequency
 * counters live in Redis: after a restart without persistence (or a FLUSHALL)
 * every customer looks new, and a lost opt-out would turn into a send. So the
 * fleet keeps a marker key whose id every replica remembers; when the marker
 * vanishes or changes, the replica records why in a shared `data-lost` key and
 * stops marketing sends (service messages still go out) until an operator runs
 * `tact confirm-data-loss`, which removes that key and writes a new marker.
 *
 * Checked on every reconnect (a restart always drops the connection) before
 * the outage buffer replays, and every CHECK_INTERVAL_MS (a FLUSHALL does not).
 * Between a reconnect and its check marketing sends are held too ("unverified").
 */

/** How often a replica checks the marker while connected. */
export const CHECK_INTERVAL_MS = 2000;

/** Why marketing sends are stopped, as a metric label. */
export type StopReason = 'redis_data_lost' | 'redis_unverified';

export interface DataLoss {
  readonly reason: string;
  readonly detectedAt: number;
  readonly detectedBy: string;
  readonly redisRunIds?: readonly [string, string];
}

export interface IntegrityLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export class FleetIntegrity {
  private markerId: string | undefined;
  private runId: string | undefined;
  private lost: DataLoss | undefined;
  private verified = false;
  private checking: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Detections by this replica (a counter for metrics). */
  detections = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private logger: IntegrityLogger,
    /** Whether the connection is up: while Redis is down the outage rules apply (local caps), not this gate. */
    private readonly connected: () => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  setLogger(logger: IntegrityLogger): void {
    this.logger = logger;
  }

  /**
   * At start: adopt the fleet's marker, or create it for a new fleet. A fleet
   * already marked as having lost data stays stopped for this replica too.
   * (A Redis emptied while no replica ran looks like a new fleet: nothing is
   * left to compare with; that is why persistence is checked at start.)
   */
  async open(): Promise<void> {
    await this.redis.hsetnx(this.keys.fleetMarker(), 'id', randomBytes(8).toString('hex'));
    await this.redis.hsetnx(this.keys.fleetMarker(), 'created', String(this.now()));
    await this.check();
  }

  /** Check now (deduplicated); never throws: an unreachable Redis is checked again on reconnect. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce()
      .catch((err: unknown) => this.logger.warn({ err }, 'fleet marker check failed; retrying'))
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  /** Redis went away: the data behind it must be verified again before marketing sends resume. */
  connectionLost(): void {
    this.verified = false;
  }

  /** Redis is back: hold marketing sends until the marker is checked. */
  reconnected(): Promise<void> {
    return this.check();
  }

  /**
   * Resolves once the data behind a fresh connection is verified (at once
   * when it is, or while Redis is down): a Decide right after a reconnect
   * waits one check instead of deciding on data that may be gone.
   */
  settle(): Promise<void> {
    return this.connected() && !this.verified && !this.lost ? this.check() : Promise.resolve();
  }

  /** Check periodically until stop(). */
  start(intervalMs = CHECK_INTERVAL_MS): void {
    this.timer ??= setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Why marketing sends are stopped now, or undefined when they may go. */
  get stopReason(): StopReason | undefined {
    if (this.lost) return 'redis_data_lost';
    return this.connected() && !this.verified ? 'redis_unverified' : undefined;
  }

  /** The text for rules, /healthz and logs. */
  get stopDetail(): string | undefined {
    if (this.lost) return `Redis lost its data (${this.lost.reason}); marketing sends stopped until an operator runs \`tact confirm-data-loss\``;
    return this.connected() && !this.verified ? 'Redis reconnected and its data is not verified yet' : undefined;
  }

  get dataLoss(): DataLoss | undefined {
    return this.lost;
  }

  private async checkOnce(): Promise<void> {
    // Both keys share the {f} slot: one transaction on Redis Cluster too.
    const [[, id], [, lostJson]] = (await this.redis
      .multi()
      .hget(this.keys.fleetMarker(), 'id')
      .get(this.keys.dataLost())
      .exec()) as [[unknown, string | null], [unknown, string | null]];
    // The run id only enriches the report (on a cluster: whichever node answers).
    const info = await this.redis.info('server').catch(() => '');
    const runId = /run_id:(\w+)/.exec(info)?.[1];
    const previousRun = this.runId;
    this.runId = runId;
    if (lostJson !== null) {
      this.stopFor(parseLoss(lostJson));
      return;
    }
    if (this.lost) {
      // The data-lost key is gone: an operator confirmed. Adopt the new marker.
      if (id === null) {
        await this.raise('the fleet marker is missing', previousRun, runId);
        return;
      }
      this.logger.info({ marker: id, loss: this.lost }, 'data loss confirmed by an operator; marketing sends resume');
      this.lost = undefined;
      this.markerId = id;
      this.verified = true;
      return;
    }
    if (this.markerId === undefined && id !== null) {
      this.markerId = id;
    } else if (id === null) {
      await this.raise('the fleet marker key vanished (Redis restarted without persistence, flushed, or evicted it)', previousRun, runId);
      return;
    } else if (id !== this.markerId) {
      await this.raise(`the fleet marker changed (${this.markerId} -> ${id}): Redis was emptied and re-marked`, previousRun, runId);
      return;
    }
    this.verified = true;
  }

  private async raise(reason: string, previousRun: string | undefined, runId: string | undefined): Promise<void> {
    const loss: DataLoss = {
      reason,
      detectedAt: this.now(),
      detectedBy: `${hostname()}:${process.pid}`,
      ...(previousRun && runId && previousRun !== runId ? { redisRunIds: [previousRun, runId] as const } : {}),
    };
    this.detections++;
    // First detection wins; every replica then reads the same reason.
    await this.redis.set(this.keys.dataLost(), JSON.stringify(loss), 'NX');
    const stored = await this.redis.get(this.keys.dataLost());
    this.stopFor(stored ? parseLoss(stored) : loss);
  }

  private stopFor(loss: DataLoss): void {
    if (!this.lost) this.logger.error({ loss }, 'REDIS LOST DATA: marketing sends stopped until an operator runs `tact confirm-data-loss`');
    this.lost = loss;
    this.verified = false;
  }
}

function parseLoss(json: string): DataLoss {
  try {
    return JSON.parse(json) as DataLoss;
  } catch {
    return { reason: json, detectedAt: 0, detectedBy: 'unknown' };
  }
}

/**
 * The operator's confirmation: the data loss is known and accepted (consent
 * re-imported, or judged acceptable). Writes a new marker and removes the
 * data-lost key in one transaction; replicas resume on their next check.
 * Returns the loss that was confirmed, or undefined when none was recorded.
 */
export async function confirmDataLoss(redis: RedisClient, keys: RedisKeys, now = Date.now()): Promise<DataLoss | undefined> {
  const lostJson = await redis.get(keys.dataLost());
  // Nothing recorded: leave the marker alone (a new one would read as a loss).
  if (lostJson === null) return undefined;
  await redis
    .multi()
    .del(keys.dataLost())
    .hset(keys.fleetMarker(), 'id', randomBytes(8).toString('hex'), 'created', String(now), 'confirmed', String(now))
    .exec();
  return parseLoss(lostJson);
}

/** What CONFIG GET says about durability. */
export interface Persistence {
  readonly aof: boolean;
  readonly appendfsync?: string;
  /** RDB save points; "" means none. */
  readonly save?: string;
}

/** Read Redis's persistence settings; undefined when CONFIG is not allowed (managed Redis). */
export async function readPersistence(redis: RedisClient): Promise<Persistence | undefined> {
  try {
    const pairs = (await redis.call('CONFIG', 'GET', 'append*')) as string[];
    const save = (await redis.call('CONFIG', 'GET', 'save')) as string[];
    const get = (list: string[], name: string) => {
      const i = list.indexOf(name);
      return i >= 0 ? list[i + 1] : undefined;
    };
    const appendfsync = get(pairs, 'appendfsync');
    const saveValue = get(save, 'save');
    return {
      aof: get(pairs, 'appendonly') === 'yes',
      ...(appendfsync === undefined ? {} : { appendfsync }),
      ...(saveValue === undefined ? {} : { save: saveValue }),
    };
  } catch {
    try {
      const info = (await redis.info('persistence')) as string;
      return { aof: /aof_enabled:1/.test(info) };
    } catch {
      return undefined;
    }
  }
}

/** Why consent and caps would not survive a Redis restart, or undefined when they would. */
export function persistenceProblem(p: Persistence | undefined): string | undefined {
  if (!p) return 'Redis persistence settings could not be read (CONFIG and INFO refused)';
  if (p.aof) return undefined;
  if (p.save) return `Redis persists by RDB snapshots only (save "${p.save}"): consent and caps written since the last snapshot are lost on a restart, undetected; enable appendonly`;
  return 'Redis has no persistence (appendonly no, no save points): a restart loses every consent, opt-out and cap';
}

/**
 * Warn about, or (required) refuse, a Redis whose restart would lose consent
 * and caps. AOF is required because an RDB restore brings back the marker
 * too: the writes lost since the snapshot would go unnoticed.
 */
export async function checkPersistence(redis: RedisClient, required: boolean, logger: IntegrityLogger): Promise<void> {
  const problem = persistenceProblem(await readPersistence(redis));
  if (!problem) return;
  if (required) {
    throw new TactError('failed_precondition', `${problem} [refused by --require-redis-persistence / TACT_REQUIRE_REDIS_PERSISTENCE]`);
  }
  logger.warn({ problem }, 'Redis persistence: consent and caps would not survive a restart (a data loss is detected and fails closed; set --require-redis-persistence to refuse to start)');
}
