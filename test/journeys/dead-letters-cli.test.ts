import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';
import { dispatch } from '../../src/cli/dispatch.js';
import { configSchema } from '../../src/config.js';
import { createTact } from '../../src/main.js';
import { recordEvent } from '../../src/server/customer-service.js';
import type { RecordEventRequest__Output } from '../../src/server/generated/tact/v1/RecordEventRequest.js';
import { systemClock } from '../../src/core/clock.js';
import type { Journeys } from '../../src/triggers/journeys.js';
import { memoryIo } from '../cli/world-log.js';
import { deleteByPrefix, REDIS_URL } from '../store/redis-support.js';
import { FakeReceiver, JOURNEY_CATALOG, redisJourneys, SECRET } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tact(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const m = memoryIo();
  const code = await dispatch(argv, m.io);
  return { code, out: m.out(), err: m.err() };
}

/** A replica's journeys on BullMQ whose webhook fails once (one attempt allowed): one dead letter, then the CLI. */
describe('tact dead-letters on the fleet Redis', () => {
  const prefix = `jdead-${randomBytes(5).toString('hex')}`;
  const redis = new Redis(REDIS_URL);
  let journeys: Journeys | undefined;
  afterAll(async () => {
    await journeys?.close();
    await deleteByPrefix(redis, `${prefix}:*`);
    redis.disconnect();
  });

  it('lists a send that failed its last attempt, replays it with the same webhook-id, and refuses an unknown id', async () => {
    const config = configSchema.parse({ logLevel: 'silent', webhookUrl: 'http://receiver.test/hooks', webhookSecret: SECRET, deliveryMaxAttempts: 1 });
    // 0.01 minutes: due 600 ms after the event.
    const catalog = parseCatalog(JOURNEY_CATALOG.replace('after_minutes: 30\n', 'after_minutes: 0.01\n'));
    const t = createTact(config, { catalog });
    const receiver = new FakeReceiver();
    receiver.script = [503];
    journeys = redisJourneys({ redisUrl: REDIS_URL, redis, prefix, config, catalog, tact: t, http: receiver });
    const j = journeys;
    await recordEvent(
      { store: t.store, log: t.log, clock: systemClock, onEvent: (e) => j.onEvent(e) },
      { item_id: 'sneaker-1', category: 'shoes', message_id: '', channel: '', at: null, attributes: null, name: '', decision_id: '', action_id: '', customer_id: 'dl-1', type: 'CART_ADD' } as RecordEventRequest__Output,
    );
    const redisArgs = ['--redis', REDIS_URL, '--redis-prefix', prefix];
    const end = Date.now() + 60_000;
    let listed = await tact('dead-letters', 'list', '--json', ...redisArgs);
    while (listed.out === '' && Date.now() < end) {
      await sleep(200);
      listed = await tact('dead-letters', 'list', '--json', ...redisArgs);
    }
    expect(listed.code).toBe(0);
    const rows = listed.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ channel: 'email', customer_id: 'dl-1', message_id: 'cart_reminder', attempts: 1, error: 'POST http://receiver.test/hooks: HTTP 503' });
    expect(row['id']).toBe(receiver.attempts[0]!.headers['webhook-id']);

    expect(await tact('dead-letters', 'replay', String(row['id']), ...redisArgs)).toMatchObject({ code: 0, out: `replayed ${String(row['id'])}\n` });
    while (receiver.delivered.length === 0 && Date.now() < end) await sleep(100);
    expect(receiver.attempts.map((a) => [a.status, a.headers['webhook-id']])).toEqual([
      [503, row['id']],
      [200, row['id']],
    ]);
    expect((await tact('dead-letters', 'list', '--json', ...redisArgs)).out).toBe('');

    const unknown = await tact('dead-letters', 'replay', 'msg_nope', ...redisArgs);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no dead letter "msg_nope"/);
    expect((await tact('dead-letters', 'replay', ...redisArgs)).code).toBe(2);
  });
});
