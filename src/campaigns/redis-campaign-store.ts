import type { RedisClient } from '../store/redis/client.js';
import type { CampaignPhase, CampaignSpec } from './campaign.js';
import { outcomeCounters, type BudgetMove, type CampaignStore, type MemberOutcome, type RunState } from './campaign-store.js';

/**
 * Campaign state in Redis, every key of one campaign under the hash tag
 * {<p>:cmp:<id>} so each script below runs on one slot of a cluster:
 *
 *   spec      string  CampaignSpec JSON
 *   run       hash    phase, paused, doneReason, center, spread, next:<phase>
 *   aud       zset    audience, score 0 (id order by rank)
 *   scores    zset    member -> estimated uplift (ZADD NX: the first wins)
 *   lease:<phase>  zset  chunk -> lease expiry (ms)
 *   owner:<phase>  hash  chunk -> replica holding the lease
 *   done:<phase>   set   finished chunks
 *   members   hash    member -> MemberOutcome JSON (HSETNX: once)
 *   counters  hash    seen, admitted, decided, errors, sent:<channel>
 *   budget    hash    ch:<channel>:<day> sends, cost (micro-units)
 *   forgotten set     customers forgotten during the run (skipped; removed when done)
 *
 * plus <p>:campaigns, a set of ids. Why not the caps' reserve script: it
 * keeps at most 256 sends per key and scans them per check; a budget is a
 * few counters, checked and moved together by BUDGET_RESERVE below.
 */
export class RedisCampaignStore implements CampaignStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    redis.defineCommand('tactCampaignClaim', { numberOfKeys: 3, lua: CLAIM });
    redis.defineCommand('tactCampaignRenew', { numberOfKeys: 2, lua: RENEW });
    redis.defineCommand('tactCampaignMark', { numberOfKeys: 2, lua: MARK });
    redis.defineCommand('tactCampaignBudget', { numberOfKeys: 1, lua: BUDGET_RESERVE });
  }

  private k(id: string, part: string): string {
    return `${this.prefix}:{cmp:${id}}:${part}`;
  }
  private get scripts(): Scripts {
    return this.redis as unknown as Scripts;
  }

  async create(spec: CampaignSpec): Promise<boolean> {
    const ok = await this.redis.set(this.k(spec.id, 'spec'), JSON.stringify(spec), 'NX');
    if (ok !== 'OK') return false;
    await this.redis.hset(this.k(spec.id, 'run'), 'phase', 'scoring', 'paused', '0');
    await this.redis.sadd(`${this.prefix}:campaigns`, spec.id);
    return true;
  }
  async spec(id: string): Promise<CampaignSpec | undefined> {
    const json = await this.redis.get(this.k(id, 'spec'));
    return json === null ? undefined : (JSON.parse(json) as CampaignSpec);
  }
  async ids(): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}:campaigns`);
  }
  async run(id: string): Promise<RunState> {
    const h = await this.redis.hgetall(this.k(id, 'run'));
    return {
      phase: (h['phase'] as CampaignPhase | undefined) ?? 'scoring',
      paused: h['paused'] === '1',
      ...(h['doneReason'] ? { doneReason: h['doneReason'] } : {}),
      ...(h['center'] !== undefined ? { center: parseScore(h['center']) } : {}),
      ...(h['spread'] !== undefined ? { spread: Number(h['spread']) } : {}),
    };
  }
  async setPaused(id: string, paused: boolean): Promise<void> {
    await this.redis.hset(this.k(id, 'run'), 'paused', paused ? '1' : '0');
  }
  async advance(id: string, phase: CampaignPhase, doneReason?: string): Promise<void> {
    // Only forward: 'done' is never undone by a slower replica's 'sending'.
    const cur = await this.redis.hget(this.k(id, 'run'), 'phase');
    if (cur === 'done' || cur === phase || (cur === 'sending' && phase === 'scoring')) return;
    await this.redis.hset(this.k(id, 'run'), 'phase', phase, ...(doneReason ? ['doneReason', doneReason] : []));
  }
  async setThreshold(id: string, center: number, spread: number): Promise<void> {
    // -Infinity does not survive a string round trip as a number: store a sentinel the reader maps back.
    await this.redis.hsetnx(this.k(id, 'run'), 'center', Number.isFinite(center) ? String(center) : '-inf');
    await this.redis.hsetnx(this.k(id, 'run'), 'spread', String(spread));
  }
  async addAudience(id: string, customers: readonly string[]): Promise<void> {
    if (customers.length === 0) return;
    const args: (string | number)[] = [];
    for (const c of customers) args.push(0, c);
    await this.redis.zadd(this.k(id, 'aud'), ...(args as [number, string]));
  }
  async audienceSize(id: string): Promise<number> {
    return this.redis.zcard(this.k(id, 'aud'));
  }
  async audience(id: string, start: number, count: number): Promise<string[]> {
    return this.redis.zrange(this.k(id, 'aud'), String(start), String(start + count - 1));
  }
  async addScores(id: string, scores: readonly (readonly [string, number])[]): Promise<void> {
    if (scores.length === 0) return;
    const args: (string | number)[] = [];
    for (const [m, s] of scores) args.push(Number.isFinite(s) ? s : '-inf', m);
    await this.redis.zadd(this.k(id, 'scores'), 'NX', ...args);
  }
  async scores(id: string, start: number, count: number): Promise<[string, number][]> {
    const flat = await this.redis.zrevrange(this.k(id, 'scores'), start, start + count - 1, 'WITHSCORES');
    const out: [string, number][] = [];
    for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as string, parseScore(flat[i + 1] as string)]);
    return out;
  }
  async scoredCount(id: string): Promise<number> {
    return this.redis.zcard(this.k(id, 'scores'));
  }
  async claim(id: string, phase: CampaignPhase, chunks: number, now: number, leaseMs: number, owner: string): Promise<number> {
    return Number(
      await this.scripts.tactCampaignClaim(this.k(id, `lease:${phase}`), this.k(id, 'run'), this.k(id, `owner:${phase}`), phase, chunks, now, leaseMs, owner),
    );
  }
  async renew(id: string, phase: CampaignPhase, chunk: number, now: number, leaseMs: number, owner: string): Promise<boolean> {
    return Number(await this.scripts.tactCampaignRenew(this.k(id, `lease:${phase}`), this.k(id, `owner:${phase}`), chunk, now, leaseMs, owner)) === 1;
  }
  async finish(id: string, phase: CampaignPhase, chunk: number): Promise<number> {
    const [, , [, n]] = ((await this.redis
      .multi()
      .zrem(this.k(id, `lease:${phase}`), String(chunk))
      .sadd(this.k(id, `done:${phase}`), String(chunk))
      .scard(this.k(id, `done:${phase}`))
      .exec()) ?? []) as [unknown, unknown, [unknown, number]];
    return Number(n);
  }
  async finished(id: string, phase: CampaignPhase): Promise<number> {
    return this.redis.scard(this.k(id, `done:${phase}`));
  }
  async marked(id: string, customerId: string): Promise<boolean> {
    return (await this.redis.hexists(this.k(id, 'members'), customerId)) === 1;
  }
  async mark(id: string, customerId: string, outcome: MemberOutcome): Promise<boolean> {
    const counters = outcomeCounters(outcome);
    const ok = await this.scripts.tactCampaignMark(
      this.k(id, 'members'),
      this.k(id, 'counters'),
      customerId,
      JSON.stringify(outcome),
      outcome.error ?? '',
      ...counters,
    );
    return Number(ok) === 1;
  }
  async counters(id: string): Promise<Record<string, number>> {
    const h = await this.redis.hgetall(this.k(id, 'counters'));
    return Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'lastError').map(([k, v]) => [k, Number(v)]));
  }
  async lastError(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.k(id, 'counters'), 'lastError')) ?? undefined;
  }
  async reserve(id: string, sends: readonly (readonly BudgetMove[])[]): Promise<number> {
    return Number(await this.scripts.tactCampaignBudget(this.k(id, 'budget'), JSON.stringify(sends)));
  }
  async release(id: string, sends: readonly (readonly BudgetMove[])[]): Promise<void> {
    const p = this.redis.multi();
    for (const moves of sends) for (const [field, inc] of moves) p.hincrby(this.k(id, 'budget'), field, -inc);
    await p.exec();
  }
  async forget(customerId: string): Promise<void> {
    for (const id of await this.ids()) {
      if ((await this.redis.zscore(this.k(id, 'aud'), customerId)) === null) continue;
      await this.redis.multi().hdel(this.k(id, 'members'), customerId).sadd(this.k(id, 'forgotten'), customerId).exec();
      if ((await this.redis.hget(this.k(id, 'run'), 'phase')) === 'done') await this.purge(id);
    }
  }
  async forgotten(id: string, customerId: string): Promise<boolean> {
    return (await this.redis.sismember(this.k(id, 'forgotten'), customerId)) === 1;
  }
  async purge(id: string): Promise<void> {
    const ids = await this.redis.smembers(this.k(id, 'forgotten'));
    if (ids.length === 0) return;
    await this.redis
      .multi()
      .zrem(this.k(id, 'aud'), ...ids)
      .zrem(this.k(id, 'scores'), ...ids)
      .hdel(this.k(id, 'members'), ...ids)
      .srem(this.k(id, 'forgotten'), ...ids)
      .exec();
  }
  async budgetUsed(id: string): Promise<Record<string, number>> {
    const h = await this.redis.hgetall(this.k(id, 'budget'));
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  }
}

const parseScore = (s: string): number => (s === '-inf' ? -Infinity : s === 'inf' || s === '+inf' ? Infinity : Number(s));

type Reply = Promise<unknown>;
interface Scripts {
  tactCampaignClaim(lease: string, run: string, owners: string, phase: string, chunks: number, now: number, leaseMs: number, owner: string): Reply;
  tactCampaignRenew(lease: string, owners: string, chunk: number, now: number, leaseMs: number, owner: string): Reply;
  tactCampaignMark(members: string, counters: string, member: string, outcome: string, error: string, ...names: string[]): Reply;
  tactCampaignBudget(budget: string, sends: string): Reply;
}

/**
 * KEYS[1] lease zset of the phase (chunk -> expiry), KEYS[2] run hash,
 * KEYS[3] owner hash of the phase (chunk -> replica); ARGV phase, chunks,
 * now, leaseMs, owner. An expired lease (its replica died or stalled) first,
 * else the next chunk never handed out. Returns the chunk, or -1 when every
 * chunk is out.
 */
const CLAIM = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'LIMIT', 0, 1)
local untilMs = tonumber(ARGV[3]) + tonumber(ARGV[4])
if #expired > 0 then
  redis.call('ZADD', KEYS[1], untilMs, expired[1])
  redis.call('HSET', KEYS[3], expired[1], ARGV[5])
  return tonumber(expired[1])
end
local n = redis.call('HINCRBY', KEYS[2], 'next:' .. ARGV[1], 1) - 1
if n >= tonumber(ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[1], untilMs, tostring(n))
redis.call('HSET', KEYS[3], tostring(n), ARGV[5])
return n
`;

/**
 * KEYS[1] lease zset, KEYS[2] owner hash; ARGV chunk, now, leaseMs, owner.
 * Extends the lease only while it is unexpired, unfinished and this
 * owner's: 1, else 0 (the caller stops working on the chunk).
 */
const RENEW = `
local untilMs = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not untilMs or tonumber(untilMs) <= tonumber(ARGV[2]) then return 0 end
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[4] then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
return 1
`;

/**
 * KEYS[1] members hash, KEYS[2] counters hash; ARGV member, outcome JSON,
 * error ("" none), then counter names. Records the outcome once and counts it: 1, or 0 if marked already.
 */
const MARK = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
for i = 4, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], 'lastError', ARGV[3]) end
return 1
`;

/**
 * KEYS[1] budget hash; ARGV[1] JSON [[[field, inc, limit], ...] per send].
 * Every move of every send fits its limit (earlier sends of the batch
 * counted), then all are applied; else nothing is and the 0-based index of
 * the first send that does not fit is returned. -1: all applied.
 */
const BUDGET_RESERVE = `
local sends = cjson.decode(ARGV[1])
local pending = {}
for i, moves in ipairs(sends) do
  for _, m in ipairs(moves) do
    local field, inc, limit = m[1], m[2], m[3]
    local cur = tonumber(redis.call('HGET', KEYS[1], field) or '0') + (pending[field] or 0)
    if cur + inc > limit then return i - 1 end
    pending[field] = (pending[field] or 0) + inc
  end
end
for field, inc in pairs(pending) do redis.call('HINCRBY', KEYS[1], field, inc) end
return -1
`;
