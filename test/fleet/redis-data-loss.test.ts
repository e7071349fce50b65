import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { REPO_ROOT } from '../../src/core/paths.js';
import type { DecideResponse__Output } from '../../src/server/generated/tact/v1/DecideResponse.js';
import { freePort } from '../support/free-port.js';
import { ScratchRedis } from '../support/scratch-redis.js';
import { dumpUntil, sleep, startReplica, stopReplica, type Replica } from './replica.js';

const PREFIX = 'lossy';
const EMAIL = [{ id: 'mail', channel: 'email' }];

/** Marketing sends in a Decide answer (client candidates are marketing). */
const sends = (d: DecideResponse__Output) => d.choices.filter((c) => !c.no_send);
const rules = (d: DecideResponse__Output) => d.removed.map((r) => r.rule);

describe('a Redis that lost its data fails closed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tact-loss-'));
  let redis: ScratchRedis;
  let replica: Replica;
  const metrics = async () => (await fetch(`http://127.0.0.1:${replica.metricsPort}/metrics`)).text();
  const stoppedFor = async (reason: string) =>
    Number(new RegExp(`^tact_marketing_sends_stopped\\{reason="${reason}"\\} (\\d+)`, 'm').exec(await metrics())?.[1]);

  beforeAll(async () => {
    // No AOF, no RDB: a restart comes back with an empty keyspace.
    redis = new ScratchRedis(await freePort(), dir, false);
    await redis.start();
    replica = await startReplica({ redisUrl: redis.url, prefix: PREFIX, dumpDir: dir });
  });
  afterAll(async () => {
    if (replica) await stopReplica(replica);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops marketing sends until an operator confirms, and learns every reward answered JOINED exactly once', async () => {
    const { client } = replica;
    // The start-up warning about persistence was logged (a warning, not a refusal, by default).
    expect(replica.stderr()).toMatch(/Redis has no persistence/);

    // Opt-out and caps, as Redis holds them before the loss.
    await client.setConsent({ customer_id: 'opted', opt_out: true });
    expect(rules(await client.decide({ customer_id: 'opted', trigger: 't', candidates: EMAIL, explain: true }))).toContain('consent');
    expect(sends(await client.decide({ customer_id: 'capped', trigger: 't', candidates: EMAIL }))).toHaveLength(1);
    expect(rules(await client.decide({ customer_id: 'capped', trigger: 't', candidates: EMAIL, explain: true }))).toContain('frequency_cap');

    // Load across the restart: every reward answered JOINED for a decision that sent is to be learned once.
    let joinedLearnable = 0;
    const unexpected: string[] = [];
    let running = true;
    const load = (async () => {
      for (let i = 0; running; i++) {
        try {
          const d = await client.decide({ customer_id: `c${i}`, trigger: 'visit', candidates: [{ id: 'a' }, { id: 'b' }] });
          const r = await client.reward({ decision_id: d.decision_id, value: 1, event_id: `e${i}` });
          if (r.status === 'JOINED' && sends(d).length > 0) joinedLearnable++;
        } catch (err) {
          // Answered otherwise (the client knows it was not taken): allowed; anything else is not.
          const code = (err as grpc.ServiceError).code;
          if (code !== grpc.status.UNAVAILABLE && code !== grpc.status.NOT_FOUND) unexpected.push((err as Error).message);
        }
        await sleep(2);
      }
    })();
    await sleep(400);
    // Decided while Redis was up, rewarded while it is down: Redis will come back without these decisions.
    const before = [];
    for (let i = 0; i < 5; i++) before.push(await client.decide({ customer_id: `pre${i}`, trigger: 'visit', candidates: [{ id: 'a' }] }));
    await redis.stop();
    for (const d of before) {
      const r = await client.reward({ decision_id: d.decision_id, value: 2, event_id: 'pre' });
      expect(r.status).toBe('JOINED');
      joinedLearnable++;
    }
    await sleep(800);
    await redis.start(); // empty: the opt-out, the cap and every held decision are gone
    const end = Date.now() + 30_000;
    while ((await stoppedFor('redis_data_lost')) !== 1) {
      if (Date.now() > end) throw new Error('data loss not detected');
      await sleep(100);
    }
    await sleep(300);
    running = false;
    await load;
    expect(unexpected).toEqual([]);

    // No marketing send to anyone, the opted-out and the capped included, with the reason named.
    for (const customer of ['opted', 'capped', 'someone-new']) {
      const d = await client.decide({ customer_id: customer, trigger: 't', candidates: EMAIL, explain: true });
      expect(sends(d)).toEqual([]);
      expect(rules(d)).toContain('sends_stopped');
    }
    const health = await (await fetch(`http://127.0.0.1:${replica.metricsPort}/healthz`)).text();
    expect(health).toMatch(/marketing sends stopped: Redis lost its data \(the fleet marker key vanished/);
    expect(await metrics()).toMatch(/^tact_store_data_loss_detected 1$/m);

    // Every reward answered JOINED was learned exactly once, the ones whose decision Redis lost included.
    const learned = await dumpUntil(replica, dir, (d) => d.buffer.pending === 0 && d.policies.default?.updates === joinedLearnable, 20_000);
    expect(learned.buffer.pending).toBe(0);
    expect(learned.policies.default?.updates).toBe(joinedLearnable);
    expect(joinedLearnable).toBeGreaterThan(10);
    // Those five were joined by restoring the decision from the replica's own copy.
    expect((learned.buffer as unknown as { decisionsRestored: number }).decisionsRestored).toBeGreaterThanOrEqual(5);

    // Still stopped a while later: only the operator lifts it.
    await sleep(2500);
    expect(sends(await client.decide({ customer_id: 'later', trigger: 't', candidates: EMAIL }))).toEqual([]);

    const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'confirm-data-loss', '--redis', redis.url, '--redis-prefix', PREFIX], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    cli.stdout.on('data', (b: Buffer) => (out += b.toString()));
    cli.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const [code] = (await once(cli, 'exit')) as [number];
    expect(code).toBe(0);
    expect(out).toMatch(/confirmed the data loss/);

    const resumeBy = Date.now() + 30_000;
    while ((await stoppedFor('redis_data_lost')) !== 0) {
      if (Date.now() > resumeBy) throw new Error('sends did not resume after confirmation');
      await sleep(100);
    }
    const after = await client.decide({ customer_id: 'after-confirm', trigger: 't', candidates: EMAIL });
    expect(sends(after).map((c) => c.channel)).toEqual(['email']);
  }, 240_000);

  it('--require-redis-persistence refuses to start on a Redis without AOF, naming the setting', async () => {
    const config = configSchema.parse({
      listen: '127.0.0.1:0',
      metricsListen: '127.0.0.1:0',
      logLevel: 'silent',
      redisUrl: redis.url,
      redisPrefix: 'strict',
      requireRedisPersistence: true,
    });
    await expect(serve(config)).rejects.toThrow(/no persistence.*--require-redis-persistence \/ TACT_REQUIRE_REDIS_PERSISTENCE/);
  });
});
