import { tactError } from '../core/errors.js';
import type { RedisClient } from '../store/redis/client.js';
import { NO_FACTS, type SegmentFacts } from './facts.js';
import type { SegmentStore } from './segment-store.js';

/**
 * Segment state in Redis:
 *
 *   <p>:{sg:<customer>}:facts   string  SegmentFacts JSON (one slot per customer)
 *   <p>:{seg}:m:<segment>       zset    members, all score 0, so ZRANGEBYLEX pages them by id
 *   <p>:{seg}:due               zset    customer -> next time check (ms)
 *
 * A customer's facts change by compare-and-set (read, compute, write only if
 * unchanged, else again), so two replicas handling two events of one
 * customer at once both count. The index keys share one hash tag: a segment's
 * count and pages are single-slot reads on a cluster.
 */
export class RedisSegmentStore implements SegmentStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** Facts expire this long after their last write: longer than any window or lifecycle boundary. */
    private readonly retentionMs: number,
  ) {
    redis.defineCommand('tactSegmentCas', { numberOfKeys: 1, lua: CAS });
  }

  private factsKey = (customerId: string) => `${this.prefix}:{sg:${customerId}}:facts`;
  private membersKey = (segmentId: string) => `${this.prefix}:{seg}:m:${segmentId}`;
  private dueKey = () => `${this.prefix}:{seg}:due`;

  async update(customerId: string, change: (facts: SegmentFacts) => SegmentFacts): Promise<{ before: SegmentFacts; after: SegmentFacts }> {
    const key = this.factsKey(customerId);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const old = await this.redis.get(key);
      const before = old === null ? NO_FACTS : (JSON.parse(old) as SegmentFacts);
      const after = change(before);
      const cas = (this.redis as unknown as CasMethod).tactSegmentCas;
      const ok = await cas.call(this.redis, key, old ?? '', JSON.stringify(after), this.retentionMs);
      if (Number(ok) === 1) return { before, after };
    }
    throw tactError('UNAVAILABLE', `segment facts of one customer changed ${MAX_CAS_ATTEMPTS} times during one update`);
  }

  async index(customerId: string, entered: readonly string[], left: readonly string[], nextCheck: number | undefined): Promise<void> {
    const p = this.redis.multi();
    for (const id of entered) p.zadd(this.membersKey(id), 0, customerId);
    for (const id of left) p.zrem(this.membersKey(id), customerId);
    if (nextCheck === undefined) p.zrem(this.dueKey(), customerId);
    else p.zadd(this.dueKey(), nextCheck, customerId);
    await p.exec();
  }

  async due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.dueKey(), '-inf', now, 'LIMIT', 0, limit);
  }

  async count(segmentId: string): Promise<number> {
    return this.redis.zcard(this.membersKey(segmentId));
  }

  async list(segmentId: string, after: string, limit: number): Promise<string[]> {
    return this.redis.zrangebylex(this.membersKey(segmentId), after === '' ? '-' : `(${after}`, '+', 'LIMIT', 0, limit);
  }

  async forget(customerId: string, segmentIds: readonly string[]): Promise<void> {
    const p = this.redis.multi();
    for (const id of segmentIds) p.zrem(this.membersKey(id), customerId);
    p.zrem(this.dueKey(), customerId);
    await p.exec();
    await this.redis.del(this.factsKey(customerId));
  }
}

/** Tries before giving up on a customer whose facts keep changing under us (a hot loop of events). */
const MAX_CAS_ATTEMPTS = 20;

type CasMethod = { tactSegmentCas: (key: string, old: string, next: string, ttl: number) => Promise<number> };

/**
 * KEYS[1] facts; ARGV[1] the value read ("" = absent), ARGV[2] the new value,
 * ARGV[3] TTL ms. Writes only if the key still holds what was read: 1, else 0.
 */
const CAS = `
local cur = redis.call('GET', KEYS[1])
if (cur == false and ARGV[1] ~= '') or (cur ~= false and cur ~= ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;
