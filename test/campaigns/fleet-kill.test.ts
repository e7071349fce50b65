import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/cli/campaign.js';
import { RedisKeys } from '../../src/store/redis/keys.js';
import { memoryIo } from '../cli/world-log.js';
import { startReplica, stopReplica, sleep, type Replica } from '../fleet/replica.js';
import { freePort } from '../support/free-port.js';
import { deleteByPrefix, REDIS_URL } from '../store/redis-support.js';

const CUSTOMERS = 2000;
const SMS_BUDGET = 100;
/** Caps make every send leave a record in the customer's sends (Redis), which is how a double send would show. */
const CATALOG = `
channels:
  - { id: email, cost: 0.001, consent: opt_out, caps: [{ max: 5, window_hours: 24 }] }
  - { id: sms, cost: 0.05, consent: opt_out, caps: [{ max: 5, window_hours: 24 }] }
send_slots: [{ id: now, delay_minutes: 0 }]
triggers: [{ id: autumn }]
messages:
  - { id: autumn_offer, triggers: [autumn], channels: [sms, email], category: shoes, value: 80 }
segments:
  - id: free_users
    all: [{ attribute: { name: plan, in: [free] } }]
`;

/**
 * Two `tact serve` processes on one Redis run one campaign over 2,000
 * members with a 100-SMS budget; one is killed with SIGKILL midway. The
 * survivor takes over the dead one's chunk when its lease lapses and
 * finishes: the SMS budget holds, and no member has two sends.
 */
describe('campaign in a fleet of two replica processes, one killed -9 midway', () => {
  const prefix = `cfleet-${randomBytes(5).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'tact-cfleet-'));
  const redis = new Redis(REDIS_URL);
  const replicas: Replica[] = [];

  afterAll(async () => {
    await Promise.all(replicas.map((r) => stopReplica(r, 'SIGKILL')));
    await deleteByPrefix(redis, `${prefix}:*`);
    await deleteByPrefix(redis, `${prefix}*`);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('2,000 members, 100 SMS: budget exact, no double send, finished by the survivor', async () => {
    const catalog = path.join(dir, 'catalog.yaml');
    writeFileSync(catalog, CATALOG);
    const admins = [await freePort(), await freePort()];
    replicas.push(
      ...(await Promise.all(
        admins.map((port) =>
          startReplica({ redisUrl: REDIS_URL, prefix, dumpDir: dir, env: { TACT_CATALOG: catalog, TACT_ADMIN_LISTEN: `127.0.0.1:${port}`, TACT_JOURNEY_LOCK_MS: '2000' } }),
        ),
      )),
    );
    const [doomed, survivor] = replicas as [Replica, Replica];
    const cli = async (port: number, ...args: string[]) => {
      const m = memoryIo();
      const code = await runCampaign([...args, '--target', `127.0.0.1:${port}`], m.io);
      return { code, out: m.out(), err: m.err() };
    };
    for (let i = 0; i < CUSTOMERS; i++) {
      await (i % 2 ? doomed : survivor).client.recordEvent({ customer_id: `f${String(i).padStart(4, '0')}`, type: 'PROFILE_UPDATE', attributes: { categorical: { plan: 'free' } } });
    }
    const started = await cli(admins[0] as number, 'start', 'fleet', '--segment', 'free_users', '--trigger', 'autumn', '--budget', `sms=${SMS_BUDGET}`, '--rate', '150', '--end', new Date(Date.now() + 86_400_000).toISOString());
    expect(started.err).toBe('');
    expect(started.out).toContain('audience 2000');
    // Kill one replica while both are deciding.
    const progress = async () => JSON.parse((await cli(admins[1] as number, 'get', 'fleet', '--json')).out) as { progress: { phase: string; decided: number; seen: number; sent_by_channel: Record<string, number> } };
    const deadline = Date.now() + 240_000;
    while ((await progress()).progress.decided < 300 && Date.now() < deadline) await sleep(100);
    const decidedAtKill = (await progress()).progress.decided;
    await stopReplica(doomed, 'SIGKILL');
    let last = await progress();
    while (last.progress.phase !== 'CAMPAIGN_PHASE_DONE' && Date.now() < deadline) {
      await sleep(500);
      last = await progress();
    }
    expect(last.progress.phase).toBe('CAMPAIGN_PHASE_DONE');
    expect(last.progress.seen).toBe(CUSTOMERS);

    // Every send the pipeline reserved is in its customer's sends: count them.
    const keys = new RedisKeys(prefix);
    const sendsPer = await Promise.all(
      Array.from({ length: CUSTOMERS }, async (_, i) => redis.zrange(keys.sends(`f${String(i).padStart(4, '0')}`), '0', '-1')),
    );
    const sms = sendsPer.flat().filter((m) => m.startsWith('sms\u001f')).length;
    const doubles = sendsPer.filter((s) => s.length > 1).length;
    const budget = await redis.hgetall(`${prefix}:{cmp:fleet}:budget`);
    const smsBudgetUsed = Object.entries(budget).filter(([k]) => k.startsWith('ch:sms:')).reduce((a, [, v]) => a + Number(v), 0);
    console.log(JSON.stringify({ decidedAtKill, decided: last.progress.decided, sms, smsBudgetUsed, doubles, sentByChannel: last.progress.sent_by_channel }));
    expect(doubles).toBe(0);
    expect(sms).toBeLessThanOrEqual(SMS_BUDGET);
    expect(smsBudgetUsed).toBeLessThanOrEqual(SMS_BUDGET);
    expect(last.progress.sent_by_channel['sms'] ?? 0).toBeLessThanOrEqual(SMS_BUDGET);
  }, 300_000);
});
