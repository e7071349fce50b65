import type { RedisClient } from '../store/redis/client.js';
import { MAX_EVENT_KEYS, MAX_FIRINGS_KEPT, type ForgottenJobs, type PendingTrigger, type QueuedSend, type TriggerState } from './trigger-state.js';

/**
 * Trigger state in Redis, per customer under one hash tag so a cluster keeps
 * it in one slot:
 *
 *   <p>:{j:<customer>}:seen     zset  event key -> latest time (ZADD GT keeps the max)
 *   <p>:{j:<customer>}:pending  hash  timer job id -> PendingTrigger JSON
 *   <p>:{j:<customer>}:fired:<key>  string  job holding the re-entry claim; TTL = cooldown
 *   <p>:{j:<customer>}:done     zset  firing id -> time, the last MAX_FIRINGS_KEPT firings done
 *   <p>:{j:<customer>}:claims   set   the fired:<key> keys, so ForgetCustomer finds them without a SCAN
 *   <p>:{j:<customer>}:sends    hash  delivery job id -> channel (ForgetCustomer takes them out of the queues)
 *
 * Every key expires `retentionMs` after its last write, so a customer who
 * goes quiet leaves nothing behind (the inactivity window must fit in it).
 */
export class RedisTriggerState implements TriggerState {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly retentionMs: number,
  ) {}

  private key(customerId: string, part: string): string {
    return `${this.prefix}:{j:${customerId}}:${part}`;
  }

  async noteEvents(customerId: string, keys: readonly string[], at: number): Promise<boolean[]> {
    const seen = this.key(customerId, 'seen');
    const p = this.redis.multi();
    for (const k of keys) p.zadd(seen, 'GT', 'CH', at, k);
    p.zremrangebyrank(seen, 0, -(MAX_EVENT_KEYS + 1));
    p.pexpire(seen, this.retentionMs);
    const replies = (await p.exec()) ?? [];
    // CH counts a new member or a raised score; an equal time is the newest too.
    const times = await this.redis.zmscore(seen, ...keys);
    return keys.map((_, i) => Number(replies[i]?.[1] ?? 0) === 1 || Number(times[i]) === at);
  }

  async lastEvents(customerId: string, keys: readonly string[]): Promise<(number | undefined)[]> {
    if (keys.length === 0) return [];
    const times = await this.redis.zmscore(this.key(customerId, 'seen'), ...keys);
    return times.map((t) => (t === null ? undefined : Number(t)));
  }

  async addPending(customerId: string, pending: PendingTrigger): Promise<void> {
    const key = this.key(customerId, 'pending');
    await this.redis.multi().hset(key, pending.jobId, JSON.stringify(pending)).pexpire(key, this.retentionMs).exec();
  }

  async pending(customerId: string): Promise<PendingTrigger[]> {
    const all = await this.redis.hvals(this.key(customerId, 'pending'));
    return all.map((json) => JSON.parse(json) as PendingTrigger);
  }

  async removePending(customerId: string, jobId: string): Promise<void> {
    await this.redis.hdel(this.key(customerId, 'pending'), jobId);
  }

  async claimFiring(customerId: string, key: string, jobId: string, cooldownMs: number, _now: number): Promise<boolean> {
    if (cooldownMs <= 0) return true;
    const k = this.key(customerId, `fired:${key}`);
    const claims = this.key(customerId, 'claims');
    const [set] = (await this.redis.multi().set(k, jobId, 'PX', Math.ceil(cooldownMs), 'NX').sadd(claims, k).pexpire(claims, this.retentionMs).exec()) ?? [];
    if (set?.[1] === 'OK') return true;
    return (await this.redis.get(k)) === jobId;
  }

  async markHandled(customerId: string, firingId: string, at: number): Promise<boolean> {
    const key = this.key(customerId, 'done');
    const replies = await this.redis.multi().zadd(key, 'NX', at, firingId).zremrangebyrank(key, 0, -(MAX_FIRINGS_KEPT + 1)).pexpire(key, this.retentionMs).exec();
    return Number(replies?.[0]?.[1] ?? 0) === 1;
  }

  async addSend(customerId: string, send: QueuedSend): Promise<void> {
    const key = this.key(customerId, 'sends');
    await this.redis.multi().hset(key, send.id, send.channel).pexpire(key, this.retentionMs).exec();
  }

  async forget(customerId: string): Promise<ForgottenJobs> {
    const [pending, sends, claims] = await Promise.all([
      this.redis.hkeys(this.key(customerId, 'pending')),
      this.redis.hgetall(this.key(customerId, 'sends')),
      this.redis.smembers(this.key(customerId, 'claims')),
    ]);
    // One slot (the hash tag): one DEL for all of them, on a cluster too.
    await this.redis.del(...['seen', 'pending', 'sends', 'claims', 'done'].map((p) => this.key(customerId, p)), ...claims);
    return { timers: pending, sends: Object.entries(sends).map(([id, channel]) => ({ id, channel })) };
  }
}
