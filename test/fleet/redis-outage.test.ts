import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { ScratchRedis } from '../support/scratch-redis.js';
import { dumpUntil, sleep, startReplica, stopReplica, type Replica } from './replica.js';

describe('Redis stopped and restarted under load', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tact-outage-'));
  let redis: ScratchRedis;
  let replica: Replica;

  beforeAll(async () => {
    redis = new ScratchRedis(await freePort(), dir);
    await redis.start();
    replica = await startReplica({ redisUrl: redis.url, prefix: 'outage', dumpDir: dir });
  });
  afterAll(async () => {
    if (replica) await stopReplica(replica);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps deciding, buffers rewards, replays them, and counts what happened', async () => {
    const sent = { decided: 0, decideFailed: 0, joined: 0, rewardFailed: 0 };
    let phase = 'before';
    const errors: string[] = [];
    let running = true;
    const load = (async () => {
      for (let i = 0; running; i++) {
        try {
          const d = await replica.client.decide({
            customer_id: `c${i}`,
            trigger: 'visit',
            context: { numeric: { x: i % 10 } },
            candidates: [{ id: 'a' }, { id: 'b' }],
          });
          sent.decided++;
          const r = await replica.client.reward({ decision_id: d.decision_id, value: 1, event_id: `e${i}` });
          if (r.status === 'JOINED') sent.joined++;
        } catch (err) {
          errors.push(`${phase}: ${(err as Error).message}`);
          if (phase === 'during') sent.decideFailed++;
          else sent.rewardFailed++;
        }
        await sleep(2);
      }
    })();

    await sleep(500);
    const before = { ...sent };
    phase = 'during';
    await redis.stop();
    // A count of calls, not a time: a loaded machine serves fewer per second.
    for (const end = Date.now() + 60_000; sent.decided - before.decided <= 20 && Date.now() < end; ) await sleep(50);
    const during = { decided: sent.decided - before.decided, joined: sent.joined - before.joined };
    const down = await dumpUntil(replica, dir, (d) => d.buffer.pending > 0);
    // Prometheus keeps every series while the store is down, and one says so.
    const outageScrape = await fetch(`http://127.0.0.1:${replica.metricsPort}/metrics`);
    expect(outageScrape.status).toBe(200);
    const outageText = await outageScrape.text();
    expect(outageText).toMatch(/^tact_store_up 0$/m);
    expect(outageText).toMatch(/^tact_store_buffer_pending [1-9]/m);
    expect(outageText).toMatch(/^tact_decisions_total\{/m);
    // The store-backed count cannot be read: it keeps its last value (stale, flagged by tact_store_up).
    expect(outageText).toMatch(/^tact_decisions_held \d+$/m);
    await redis.start();
    phase = 'after';
    await sleep(800);
    running = false;
    await load;

    // Nothing failed: Decide answered throughout and every reward was accepted.
    expect(errors).toEqual([]);
    expect(during.decided).toBeGreaterThan(20);
    expect(down.available).toBe(false);

    const final = await dumpUntil(replica, dir, (d) => d.buffer.pending === 0 && d.policies.default?.updates === sent.joined, 15_000);
    expect(final.buffer.pending).toBe(0);
    expect(final.buffer.outages).toBeGreaterThanOrEqual(1);
    expect(final.buffer.buffered.reward).toBeGreaterThan(0);
    expect(final.buffer.buffered.decision).toBeGreaterThan(0);
    // Every buffered reward reached Redis and was joined: rewards sent == rewards learned.
    expect(final.buffer.lateJoins.joined).toBe(final.buffer.buffered.reward);
    expect(Object.values(final.buffer.refused).reduce((a, b) => a + b, 0)).toBe(0);
    expect(final.policies.default?.updates).toBe(sent.joined);

    // The same counts reach Prometheus, so an SRE sees the outage without a debug dump.
    const scrape = await (await fetch(`http://127.0.0.1:${replica.metricsPort}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(scrape)?.[1]);
    expect(value('tact_store_buffer_buffered_total{kind="reward"}')).toBe(final.buffer.buffered.reward);
    expect(value('tact_store_outages_total')).toBeGreaterThanOrEqual(1);
    expect(value('tact_store_buffer_pending')).toBe(0);
    expect(value('tact_store_up')).toBe(1);
    expect(value('tact_decisions_held')).toBeGreaterThanOrEqual(0);
  });
});
