/**
 * Soak: many unique customers, each decided for and rewarded (or closed with
 * the default reward), for long enough that every bound has to bite, printing
 * memory as it goes. It shows that memory flattens instead of growing with
 * the number of customers ever seen.
 *
 *   node --expose-gc --import tsx bench/soak.ts [--mode memory|redis|both] [--days 182] [--per-day 2000] [--redis-minutes 3]
 *
 * memory: the engine in process on the memory store with a fake clock that
 *   advances an hour per batch, so half a year passes in a minute or two.
 *   Default bounds (customer retention and ledger retention 90 days, caps
 *   1,000,000): customers, ledgers and their heap should grow for 90 days,
 *   then stay flat. Printed weekly (simulated), after a full GC.
 * redis: the engine on a RedisStore backed by its own redis-server (free
 *   port, no persistence), real time, as many customers as it can: Redis
 *   TTLs run on Redis's clock, so the retentions are scaled down (window 5 s,
 *   customer and ledger retention 30 s) to let them bite within minutes; a
 *   snapshotter trims the update stream as a fleet's does. Printed every 15 s.
 *
 * Writes bench/results/soak.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { configSchema } from '../src/config.js';
import { ManualClock } from '../src/core/clock.js';
import { Snapshotter } from '../src/fleet/snapshots.js';
import { createTact, type Tact } from '../src/main.js';
import { policiesFileSchema } from '../src/policies/policy-config.js';
import { PolicySet } from '../src/policies/policy-set.js';
import { toDecideInput } from '../src/server/validate.js';
import type { DecideRequest__Output } from '../src/server/generated/tact/v1/DecideRequest.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { RedisStore } from '../src/store/redis/redis-store.js';
import { decideRequest } from './load/messages.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'both' },
    days: { type: 'string', default: '182' },
    'per-day': { type: 'string', default: '2000' },
    'redis-minutes': { type: 'string', default: '3' },
    k: { type: 'string', default: '5' },
  },
});
const K = Number(values.k);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MiB = 2 ** 20;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/soak.ts');

const request = (customer: string): DecideRequest__Output =>
  ({ ...decideRequest(K, customer), at: null, top_k: 1, policy: '', request_id: '', explain: false }) as unknown as DecideRequest__Output;

/** One customer's visit: a decision, and for every other customer a reward (the rest get the default at window close). */
async function visit(tact: Tact, i: number, now: number): Promise<void> {
  const d = await tact.engine.decide(toDecideInput(request(`soak-${i}`), now));
  if (i % 2 === 0) await tact.joiner.reward({ decisionId: d.decisionId, value: i % 8 === 0 ? 5 : 1 });
}

function heap(): { rss: number; heapUsed: number } {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

const mb = (bytes: number): string => (bytes / MiB).toFixed(1);

async function soakMemory(days: number, perDay: number): Promise<string[]> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5));
  const store = new MemoryStore({ clock });
  const tact = createTact(configSchema.parse({ logLevel: 'silent', seed: 7 }), { clock, store });
  const rows = ['| day | customers seen | customers held | ledgers held | decisions held | evicted (customer / decision / ledger) | heap used MiB | RSS MiB |', '|---:|---:|---:|---:|---:|---:|---:|---:|'];
  const perHour = Math.max(1, Math.round(perDay / 24));
  let seen = 0;
  const started = Date.now();
  for (let day = 1; day <= days; day++) {
    for (let h = 0; h < 24; h++) {
      for (let j = 0; j < perHour; j++) await visit(tact, seen++, clock.now());
      clock.advance(HOUR);
      while ((await tact.joiner.sweep(10_000)) > 0);
    }
    if (day % 7 === 0 || day === days) {
      const m = heap();
      const keys = store.debugCustomerKeys();
      const ev = store.evicted();
      const row = `| ${day} | ${seen} | ${keys.customers.length} | ${keys.ledger.length} | ${await store.countDecisions()} | ${ev.customer} / ${ev.decision} / ${ev.ledger} | ${mb(m.heapUsed)} | ${mb(m.rss)} |`;
      rows.push(row);
      process.stdout.write(`memory ${row}  (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  }
  await tact.close();
  return rows;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function soakRedis(minutes: number): Promise<string[]> {
  const port = await freePort();
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const retentionMs = 30_000;
  const redis = await RedisStore.connect({
    url: `redis://127.0.0.1:${port}`,
    prefix: 'soak',
    customerRetentionMs: retentionMs,
    ledger: { retentionMs },
    sweepGraceMs: 10_000,
  });
  const policies = PolicySet.fromConfig(policiesFileSchema.parse({ policies: [{ name: 'soak', reward: { windowSeconds: 5 } }] }));
  const tact = createTact(configSchema.parse({ logLevel: 'silent', seed: 7 }), { store: redis, policies });
  const snapshots = new Snapshotter(redis, tact.policies, pino({ level: 'silent' }), { intervalMs: 5000 });
  const sweeper = setInterval(() => void tact.joiner.sweep(10_000).catch(() => undefined), 500);
  const rows = ['| seconds | customers seen | Redis keys | Redis used_memory MiB | heap used MiB | RSS MiB |', '|---:|---:|---:|---:|---:|---:|'];
  const end = Date.now() + minutes * 60_000;
  let seen = 0;
  const started = Date.now();
  const report = async (): Promise<void> => {
    const info = await redis.connection.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const keys = await redis.connection.dbsize();
    const m = heap();
    const row = `| ${Math.round((Date.now() - started) / 1000)} | ${seen} | ${keys} | ${mb(used)} | ${mb(m.heapUsed)} | ${mb(m.rss)} |`;
    rows.push(row);
    process.stdout.write(`redis ${row}\n`);
  };
  let nextReport = Date.now() + 15_000;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (Date.now() < end) {
        await visit(tact, seen++, Date.now());
        if (Date.now() >= nextReport) {
          nextReport += 15_000;
          await report();
        }
      }
    }),
  );
  clearInterval(sweeper);
  await snapshots.stop();
  await tact.close();
  server.kill('SIGTERM');
  return rows;
}

const lines = [`# Soak (${new Date().toISOString()})`, '', `\`node --expose-gc --import tsx bench/soak.ts ${process.argv.slice(2).join(' ')}\` (K=${K}; half the customers rewarded, the rest closed with the default reward).`, ''];
if (values.mode === 'memory' || values.mode === 'both') {
  lines.push(`## Memory store, fake clock: ${values['per-day']} new customers a day for ${values.days} days, default bounds`, '', ...(await soakMemory(Number(values.days), Number(values['per-day']))), '');
}
if (values.mode === 'redis' || values.mode === 'both') {
  lines.push(`## Redis store, real time for ${values['redis-minutes']} min: window 5 s, customer and ledger retention 30 s (scaled so TTLs bite)`, '', ...(await soakRedis(Number(values['redis-minutes']))), '');
}
writeFileSync(new URL('./results/soak.md', import.meta.url), lines.join('\n'));
process.stdout.write('wrote bench/results/soak.md\n');
